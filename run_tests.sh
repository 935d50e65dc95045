#!/usr/bin/env bash
# Run the idregs selftests.
#
# On an arm64 host with /dev/kvm they run natively.  Elsewhere they run on
# an emulated arm64 host (tools/emu/emu.sh): static test binaries are packed
# into an initramfs whose /init (tools/runner/ktap_runner.c) runs them and
# powers off, and a Debian arm64 kernel from the deps cache boots it under
# qemu-system-aarch64 (TCG, virtualization=on, so KVM works inside).
#
# Exit: 0 all passed, 1 any failure (or a broken host), 4 everything skipped.
set -uo pipefail

# Globals: the constants here, the options (parse_args, before anything
# reads them, then read-only) and what main sets once before it calls the
# rest (TESTS, OUT).  What a run counts is kept in files under $OUT.
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CACHE=$("$TOP/scripts/deps.sh" --print-cache)
. "$TOP/tools/emu/emu.sh"
. "$TOP/tools/lib/idregs.sh"
# Each test's timeout, kselftest's way (selftests/settings): it holds every
# vCPU configuration, so it is the timeout of every test list.
TEST_TIMEOUT=$(idregs_settings_timeout)
MATRIX_CPUS="max,neoverse-n1,cortex-a72"
# The matrix's third axis: the configurations a host without MTE or nested
# virtualization can give (7.x/6.12 -cpu max give them all; neoverse-n1
# and cortex-a72 skip sve and pauth, neoverse-n1 also aarch32-el1, with
# the reason).  mte, el2 and el2-e2h0 need --host mte / nested.  The
# .def's IDREG_VCPU_MATRIX rows say which.
MATRIX_VCPUS=$(idregs_vcpu_configs --matrix)
readonly TOP CACHE TEST_TIMEOUT MATRIX_CPUS MATRIX_VCPUS

# check_vcpus WHAT LIST: every name of LIST is a configuration of $1 (ALL).
check_vcpus() {
	local all=$1 what=$2 name
	for name in ${3//,/ }; do
		case ",$all," in
		*",$name,"*) ;;
		*) echo "run_tests: $what: unknown vCPU configuration '$name' (known: $all, all, offered)" >&2
		   exit 2 ;;
		esac
	done
}


usage() {
	cat <<USAGE
usage: ./run_tests.sh [options] [TEST_FILTER...]
  --kernel VER|all   emulated host kernel: a cached series (7, 6.12, 6.1) or a
                     release prefix (7.3); 'all' = every cached kernel; a
                     comma-separated list is accepted.  Default: the newest.
  --kernel-image PATH
                     boot this arm64 kernel Image (raw or gzip'd; e.g. one
                     you just built: arch/arm64/boot/Image) instead of a
                     cached one; repeatable.  The release comes from the
                     booted kernel.
  --cpu MODEL|all    qemu -cpu model (default max); 'all' = $EMU_ALL_CPUS;
                     a comma-separated list is accepted too
  --matrix           every cached kernel x $MATRIX_CPUS x the vCPU
                     configurations $MATRIX_VCPUS, two hosts at a time
                     (same as --kernel all --cpu $MATRIX_CPUS --jobs 2
                     --vcpu $MATRIX_VCPUS; --vcpu after it changes the list)
  --jobs N           boot N hosts at a time (their consoles are printed whole,
                     in order, when done)
  --host FLAVOUR     emulated host flavour, comma-separated: mte (-M virt,mte=on),
                     nested (kernel parameter kvm-arm.mode=nested); default: none
  --vcpu LIST        vCPU configurations the walk, the guest view, the VM
                     rules and the defaults run in (comma-separated, all, or
                     offered): $(idregs_vcpu_configs 2>/dev/null || echo "see: gen/idregs-gen vcpu-configs").
                     Default: offered, the tests' own default: every one, those
                     the host's KVM does not offer skipped with the reason
                     (with --matrix: $MATRIX_VCPUS).  The table has a row per
                     host and configuration.
  --list             list tests, cached kernels and cpu models, then exit
  --log-dir DIR      keep each host's console log in DIR
  --report DIR       one host's report (docs/host-report.md): DIR/index.html,
                     report.json, summary.md and the console log; the
                     host's profiles and the failures' reproducers from one
                     more boot of it (natively: run on it)
  --pool DIR         with --report: the host profiles (idreg dump) to compare
                     it with (default: vmm/tests/data's qemu-host profiles)
  --emulated         use the emulated host even on arm64 with /dev/kvm
  --native           run natively (needs arm64 and /dev/kvm)
  --expect-skip      succeed only if every test skipped (a kernel without
                     the mask capability must skip cleanly)
  --known FILE       known findings (tools/check-kernels.known's format,
                     docs/findings.md): a test failing only on the findings
                     FILE names for a host's kernel and CPU does not fail the
                     host (its results still fail; the table counts them),
                     nor do the kernel warning and taint its test claims for
                     them; a finding whose result ran and passed does.
                     --matrix uses tools/check-kernels.known.
  TEST_FILTER        run only tests whose name contains one of these words
Setup: scripts/deps.sh (make deps) is run first when something is missing.
USAGE
}

die() { echo "run_tests: error: $*" >&2; exit 1; }

# The options, into read-only globals: KERNELS IMAGES CPUS FILTERS LIST_ONLY
# LOG_DIR MODE EXPECT_SKIP JOBS HOST_FLAVOUR HOST_TAG ALL_VCPUS VCPUS
# (empty: the tests' default, every configuration the host offers).
parse_args() {
	local kernels= cpus=max list_only=0 log_dir= mode=auto expect_skip=0 jobs=1
	local host_flavour= matrix=0 vcpus= img_tok all_vcpus known= report= pool=
	local images=() filters=()
	while [ $# -gt 0 ]; do
		case "$1" in
		--kernel) kernels=${2:?--kernel needs a value}; shift ;;
		--kernel-image) img_tok=$(emu_check_image "${2:?--kernel-image needs a path}") || exit 2
			images+=("$img_tok"); shift ;;
		--cpu) cpus=${2:?--cpu needs a value}; shift ;;
		--host) host_flavour=${2:?--host needs a value}; shift
			emu_check_host "$host_flavour" || exit 2 ;;
		--vcpu) vcpus=${2:?--vcpu needs a value}; shift
			case "$vcpus" in *[!a-z0-9,-]*) echo "run_tests: --vcpu $vcpus: not a list of names" >&2; exit 2 ;; esac ;;
		--matrix) kernels=all; cpus=$MATRIX_CPUS; jobs=2; matrix=1
			known=${known:-$TOP/tools/check-kernels.known} ;;
		--known) known=${2:?--known needs a file}; shift ;;
		--jobs) jobs=${2:?--jobs needs a value}; shift ;;
		--list) list_only=1 ;;
		--log-dir) log_dir=${2:?--log-dir needs a value}; shift ;;
		--report) report=${2:?--report needs a directory}; shift ;;
		--pool) pool=${2:?--pool needs a directory}; shift ;;
		--emulated) mode=emulated ;;
		--native) mode=native ;;
		--expect-skip) expect_skip=1 ;;
		-h|--help) usage; exit 0 ;;
		-*) usage >&2; exit 2 ;;
		*) filters+=("$1") ;;
		esac
		shift
	done

	all_vcpus=$(idregs_vcpu_configs) && [ -n "$all_vcpus" ] ||
		die "cannot list the vCPU configurations (gen/idregs-gen vcpu-configs)"
	check_vcpus "$all_vcpus" MATRIX_VCPUS "$MATRIX_VCPUS"
	[ -z "$vcpus" ] && [ "$matrix" = 1 ] && vcpus=$MATRIX_VCPUS
	case "$vcpus" in
	offered) vcpus= ;;
	all) vcpus=$all_vcpus ;;
	esac
	check_vcpus "$all_vcpus" --vcpu "$vcpus"

	if [ ${#images[@]} -gt 0 ]; then
		if [ -n "$kernels" ] || [ "$mode" = native ]; then
			echo "run_tests: error: --kernel-image boots an emulated host: not with --kernel, --matrix or --native" >&2
			exit 2
		fi
		mode=emulated
	fi
	if [ -n "$report" ]; then
		case "$kernels$cpus${images[*]+${images[*]}}" in
		all*|*,*|*all) echo "run_tests: error: --report is about one host: one kernel, one cpu" >&2; exit 2 ;;
		esac
		[ ${#images[@]} -le 1 ] || { echo "run_tests: error: --report takes one --kernel-image" >&2; exit 2; }
		log_dir=${log_dir:-$report}
	fi
	[ -z "$pool" ] || [ -n "$report" ] || { echo "run_tests: error: --pool needs --report" >&2; exit 2; }
	if [ "$mode" = auto ]; then
		if [ "$(uname -m)" = aarch64 ] && [ -w /dev/kvm ]; then
			mode=native
		else
			mode=emulated
		fi
	fi
	KERNELS=$kernels CPUS=$cpus LIST_ONLY=$list_only LOG_DIR=$log_dir MODE=$mode
	EXPECT_SKIP=$expect_skip JOBS=$jobs HOST_FLAVOUR=$host_flavour VCPUS=$vcpus
	ALL_VCPUS=$all_vcpus HOST_TAG=${host_flavour:+ host=$host_flavour} KNOWN=$known
	REPORT=$report POOL=$pool
	IMAGES=(${images[@]+"${images[@]}"})
	FILTERS=(${filters[@]+"${filters[@]}"})
	readonly KERNELS CPUS LIST_ONLY LOG_DIR MODE EXPECT_SKIP JOBS HOST_FLAVOUR VCPUS
	readonly ALL_VCPUS HOST_TAG IMAGES FILTERS KNOWN REPORT POOL
}

# The suite's tests that FILTERS select, one a line.
selected_tests() {
	local t f
	for t in $(idregs_selftests_var TEST_GEN_PROGS); do
		if [ ${#FILTERS[@]} = 0 ]; then
			echo "$t"
			continue
		fi
		for f in "${FILTERS[@]}"; do
			case "$t" in *"$f"*) echo "$t"; break ;; esac
		done
	done
}

ensure_deps() {
	local need=0
	if [ "$MODE" = emulated ]; then
		command -v qemu-system-aarch64 >/dev/null || need=1
		command -v aarch64-linux-gnu-gcc >/dev/null || need=1
		[ -n "$(emu_cached_kernels)" ] || need=1
	fi
	[ -f "$CACHE/src/7/tools/testing/selftests/kselftest_harness.h" ] || need=1
	[ "$need" = 0 ] || "$TOP/scripts/deps.sh" || exit 1
}

# The suite is built once into build/arm64/selftests (incremental; one run
# at a time builds there) and copied into this run's directory $OUT.
build() {
	local bin=$TOP/build/arm64/selftests f
	mkdir -p "$bin"
	(
		flock 9
		idregs_build_selftests "$bin" "$bin.log" || exit 1
		[ -z "$KNOWN" ] || make -s -C "$TOP" build/expect-list >>"$bin.log" 2>&1 || exit 1
		for f in "$bin"/*; do
			[ ! -f "$f" ] || cp "$f" "$OUT/"
		done
	) 9>"$bin.lock" || die "building the selftests failed"
}

# ktap_runner's list for binaries under $1: the tests that take --vcpu get
# VCPUS, or nothing (their default: every configuration).
write_list() {
	idregs_tests_list "$1" "$TEST_TIMEOUT" "$VCPUS" "${TESTS[@]}"
}

stage_initramfs() {
	local img=$1 stage=$OUT/stage
	idregs_stage "$OUT" "$stage" "${TESTS[@]}" || die "staging the initramfs failed"
	write_list /bin >"$stage/tests.list"
	emu_pack "$stage" "$img" || die "packing the initramfs failed"
}

# Host $1 (its console log: LOG.rc, LOG.killed beside it) for the
# summary: a line "LOG RELEASE CPU SECONDS VERDICT FINDINGS" (tab-separated) in
# $OUT/hosts.  The table, its counts and cells are console.py summary's.
add_host() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$OUT/hosts"
}

# Boot one host and leave "SECONDS|QEMU_STATUS" in $log.sum.
boot_one() {
	local kdir=$1 cpu=$2 img=$3 log=$4 start=$SECONDS rc
	# A bound per invocation of the staged list (a configuration with EL2
	# runs alone: write_list).
	emu_boot "$kdir" "$cpu" "$img" "$log" "$(emu_run_bound "$TEST_TIMEOUT" "$(wc -l <"$OUT/stage/tests.list")")"
	rc=$?
	echo "$((SECONDS - start))|$rc" >"$log.sum"
}

# The known findings (--known) that apply to a host: $log.findings
# (build/expect-list's lines), or nothing without --known.
host_findings() {
	local log=$1 release=$2 cpu=$3
	[ -n "$KNOWN" ] || return 0
	"$TOP/build/expect-list" "$KNOWN" "$release" "$cpu" >"$log.findings" ||
		die "reading the known findings $KNOWN"
	echo "$log.findings"
}

# The host's line in the run's KTAP stream ($4 = its number), its rows.
# A test failing only on known findings (--known) does not fail the host,
# nor do the kernel's warning and taint its test claims for them
# (emu_verdict).
report_host() {
	local kdir=$1 cpu=$2 log=$3 nr=$4 secs rc verdict release findings
	release=$(emu_booted_release "$log")
	[ -n "$release" ] || release=$(emu_release "$kdir")
	IFS='|' read -r secs rc <"$log.sum"
	findings=$(host_findings "$log" "$release" "$cpu")
	verdict=$(emu_verdict "$rc" "$log" "$findings")
	[ -n "$verdict" ] && emu_explain "$verdict" "$log" "run_tests: kernel $release -cpu $cpu$HOST_TAG" "$findings"
	case "$(idregs_console host-result "$log" "$verdict" "$findings")" in
	fail) echo "not ok $nr $release -cpu $cpu$HOST_TAG${verdict:+ # $verdict}" ;;
	skip) echo "ok $nr $release -cpu $cpu$HOST_TAG # SKIP" ;;
	*) echo "ok $nr $release -cpu $cpu$HOST_TAG" ;;
	esac
	add_host "$log" "$release" "$cpu${HOST_FLAVOUR:+/$HOST_FLAVOUR}" "$secs" "$verdict" "$findings"
}

# Hosts one after another with the console streamed, or JOBS at a time
# with each host's console printed whole when it is done (one KTAP stream
# per host, in matrix order).
run_emulated() {
	local img=$1 k c h i=0 running=0 host_kernels name
	local hosts=() logs=()
	if [ ${#IMAGES[@]} -gt 0 ]; then
		host_kernels=${IMAGES[*]}
	else
		host_kernels=$(emu_resolve_kernels "$KERNELS")
	fi
	for k in $host_kernels; do
		for c in $(emu_resolve_cpus "$CPUS"); do
			hosts+=("$k $c")
		done
	done
	[ -n "$LOG_DIR" ] && mkdir -p "$LOG_DIR"
	# An image is named by its release and its place on the command line:
	# two images may share a file name (vmlinuz).
	for h in "${hosts[@]}"; do
		read -r k c <<<"$h"
		case "$k" in
		image:*) name=$(emu_release "$k")-image$((i + 1)) ;;
		*) name=$k ;;
		esac
		i=$((i + 1))
		logs+=("${LOG_DIR:-$OUT}/console-$name-$c${HOST_FLAVOUR:+-${HOST_FLAVOUR//,/-}}.log")
	done
	i=0
	# One KTAP stream: every host is a subtest with the runner's own
	# stream nested inside.
	echo "TAP version 13"
	echo "1..${#hosts[@]}"
	if [ "$JOBS" -le 1 ]; then
		for h in "${hosts[@]}"; do
			read -r k c <<<"$h"
			echo "    # Subtest: $(emu_release "$k") -cpu $c$HOST_TAG"
			boot_one "$k" "$c" "$img" "${logs[$i]}"
			i=$((i + 1))
			report_host "$k" "$c" "${logs[$((i - 1))]}" "$i"
		done
		return
	fi
	for h in "${hosts[@]}"; do
		read -r k c <<<"$h"
		if [ "$running" -ge "$JOBS" ]; then
			wait -n
			running=$((running - 1))
		fi
		EMU_QUIET=1 boot_one "$k" "$c" "$img" "${logs[$i]}" &
		running=$((running + 1))
		i=$((i + 1))
	done
	wait
	i=0
	for h in "${hosts[@]}"; do
		read -r k c <<<"$h"
		echo "    # Subtest: $(emu_release "$k") -cpu $c$HOST_TAG"
		emu_ktap_nest <"${logs[$i]}"
		i=$((i + 1))
		report_host "$k" "$c" "${logs[$((i - 1))]}" "$i"
	done
}

# Natively the known findings are those of no particular CPU model (cpu=
# lists name QEMU's).
run_native() {
	local start=$SECONDS log=$OUT/native.log findings verdict
	write_list "$OUT" >"$OUT/run.list"
	"$OUT/ktap_runner" "$OUT/run.list" | tee "$log"
	[ -n "$(emu_counts "$log")" ] || die "the runner ended without a result"
	findings=$(host_findings "$log" "$(uname -r)" native)
	verdict=$(emu_verdict 0 "$log" "$findings")
	[ -n "$verdict" ] && emu_explain "$verdict" "$log" "run_tests: native $(uname -r)" "$findings"
	add_host "$log" "$(uname -r)" native $((SECONDS - start)) "$verdict" "$findings"
}

list() {
	local k
	echo "tests: $(idregs_selftests_var TEST_GEN_PROGS)"
	echo "cached kernels:"
	for k in $(emu_cached_kernels); do echo "  $k ($(emu_release "$k"))"; done
	echo "cpu models: $EMU_ALL_CPUS"
	echo "vCPU configurations: $ALL_VCPUS"
	echo "matrix vCPU configurations: $MATRIX_VCPUS"
}

# The table and the totals from the hosts' consoles (console.py
# summary); the exit status.
summarise() {
	touch "$OUT/hosts"
	if [ "$EXPECT_SKIP" = 1 ]; then
		idregs_console summary --expect-skip "$OUT/hosts"
	else
		idregs_console summary "$OUT/hosts"
	fi
}

# --report: the host's report from its console (tools/report/host-report.sh);
# the host's line of $OUT/hosts gives the console and what the run saw.
host_report() {
	local log release cpu secs verdict line f=() host=()
	# Tab-separated, empty fields kept (read would join tabs).
	IFS= read -r line <"$OUT/hosts"
	mapfile -t f < <(tr '\t' '\n' <<<"$line")
	log=${f[0]} release=${f[1]} cpu=${f[2]} secs=${f[3]} verdict=${f[4]-}
	if [ "$MODE" = native ]; then
		mkdir -p "$REPORT" && cp "$log" "$REPORT/console-native.log" || return 1
		log=$REPORT/console-native.log host=(--native)
	elif [ ${#IMAGES[@]} -gt 0 ]; then
		host=(--kernel-image "${IMAGES[0]#image:}")
	else
		host=(--kernel "$(emu_resolve_kernels "$KERNELS")")
	fi
	"$TOP/tools/report/host-report.sh" --out "$REPORT" --console "$log" --release "$release" \
		--cpu "${cpu%%/*}" --seconds "$secs" --verdict "$verdict" "${host[@]}" \
		${POOL:+--pool "$POOL"}
}

main() {
	local img rc
	parse_args "$@"
	mapfile -t TESTS < <(selected_tests)
	readonly TESTS
	export EMU_HOST=$HOST_FLAVOUR
	if [ "$LIST_ONLY" = 1 ]; then
		list
		exit 0
	fi
	[ ${#TESTS[@]} -gt 0 ] || die "no test matches: ${FILTERS[*]}"

	ensure_deps
	OUT=$(mktemp -d "${TMPDIR:-/tmp}/idregs.XXXXXX")
	readonly OUT
	trap 'rm -rf "$OUT"' EXIT
	build

	if [ "$MODE" = native ]; then
		run_native
	else
		img="$OUT/initramfs.cpio.gz"
		stage_initramfs "$img"
		[ ${#IMAGES[@]} -gt 0 ] || emu_resolve_kernels "$KERNELS" >/dev/null || exit 1
		run_emulated "$img"
	fi
	summarise
	rc=$?
	[ -z "$REPORT" ] || host_report || rc=1
	return "$rc"
}

# Sourced (tools/lib/test_idregs.sh reads its functions), it runs nothing.
[ "${BASH_SOURCE[0]}" != "$0" ] || main "$@"
