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

TOP=$(cd "$(dirname "$0")" && pwd)
CACHE=$("$TOP/scripts/deps.sh" --print-cache)
. "$TOP/tools/emu/emu.sh"
# Each test's timeout, kselftest's way (selftests/settings).
TEST_TIMEOUT=$(sed -n 's/^timeout=//p' "$TOP/selftests/settings")

kernels=
images=()
cpus=max
filters=()
list_only=0
log_dir=
mode=auto
expect_skip=0
jobs=1
host_flavour=
matrix=0
vcpus=
MATRIX_CPUS="max,neoverse-n1,cortex-a72"
# The matrix's third axis: the configurations a host without MTE or nested
# virtualization can give (7.x/6.12 -cpu max give them all; neoverse-n1
# and cortex-a72 skip sve and pauth, neoverse-n1 also aarch32-el1, with
# the reason).  mte, el2 and el2-e2h0 need --host mte / nested.  Every
# name must be one of vcpu_configs' (checked on every run).
MATRIX_VCPUS="default,pmu,sve,pauth,aarch32-el1,qemu-host"

# Every vCPU configuration, comma-separated, in the table's order
# (lib/include/idregs/vcpu_features.def): the native idreg says.
vcpu_configs() {
	make -s -C "$TOP" build/idreg >&2 || return 1
	"$TOP/build/idreg" list --configs | paste -sd, -
}

# check_vcpus WHAT LIST: every name of LIST is a configuration.
check_vcpus() {
	local name
	for name in ${2//,/ }; do
		case ",$all_vcpus," in
		*",$name,"*) ;;
		*) echo "run_tests: $1: unknown vCPU configuration '$name' (known: $all_vcpus, all)" >&2
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
  --vcpu LIST        vCPU configurations the walk, the guest view and the VM
                     rules run in (comma-separated, or all):
                     $(vcpu_configs 2>/dev/null || echo "see: build/idreg list --configs").
                     Default: default (with --matrix: $MATRIX_VCPUS).  One
                     the host cannot give skips, with the reason.  The table
                     has a row per host and configuration.
  --list             list tests, cached kernels and cpu models, then exit
  --log-dir DIR      keep each host's console log in DIR
  --emulated         use the emulated host even on arm64 with /dev/kvm
  --native           run natively (needs arm64 and /dev/kvm)
  --expect-skip      succeed only if every test skipped (a kernel without
                     the mask capability must skip cleanly)
  TEST_FILTER        run only tests whose name contains one of these words
Setup: scripts/deps.sh (make deps) is run first when something is missing.
USAGE
}

die() { echo "run_tests: error: $*" >&2; exit 1; }

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
	--matrix) kernels=all; cpus=$MATRIX_CPUS; jobs=2; matrix=1 ;;
	--jobs) jobs=${2:?--jobs needs a value}; shift ;;
	--list) list_only=1 ;;
	--log-dir) log_dir=${2:?--log-dir needs a value}; shift ;;
	--emulated) mode=emulated ;;
	--native) mode=native ;;
	--expect-skip) expect_skip=1 ;;
	-h|--help) usage; exit 0 ;;
	-*) usage >&2; exit 2 ;;
	*) filters+=("$1") ;;
	esac
	shift
done

if [ -z "$vcpus" ]; then
	vcpus=default
	[ "$matrix" = 1 ] && vcpus=$MATRIX_VCPUS
fi
all_vcpus=$(vcpu_configs) && [ -n "$all_vcpus" ] ||
	die "cannot list the vCPU configurations (make build/idreg; build/idreg list --configs)"
check_vcpus MATRIX_VCPUS "$MATRIX_VCPUS"
[ "$vcpus" = all ] && vcpus=$all_vcpus
check_vcpus --vcpu "$vcpus"

if [ ${#images[@]} -gt 0 ]; then
	if [ -n "$kernels" ] || [ "$mode" = native ]; then
		echo "run_tests: error: --kernel-image boots an emulated host: not with --kernel, --matrix or --native" >&2
		exit 2
	fi
	mode=emulated
fi
if [ "$mode" = auto ]; then
	if [ "$(uname -m)" = aarch64 ] && [ -w /dev/kvm ]; then
		mode=native
	else
		mode=emulated
	fi
fi

selftests_var() {
	make -s -C "$TOP/selftests" --no-print-directory ARCH=arm64 "print-$1"
}

selected_tests() {
	local t f
	for t in $(selftests_var TEST_GEN_PROGS); do
		if [ ${#filters[@]} = 0 ]; then
			echo "$t"
			continue
		fi
		for f in "${filters[@]}"; do
			case "$t" in *"$f"*) echo "$t"; break ;; esac
		done
	done
}

ensure_deps() {
	local need=0
	if [ "$mode" = emulated ]; then
		command -v qemu-system-aarch64 >/dev/null || need=1
		command -v aarch64-linux-gnu-gcc >/dev/null || need=1
		[ -n "$(emu_cached_kernels)" ] || need=1
	fi
	[ -f "$CACHE/src/7/tools/testing/selftests/kselftest_harness.h" ] || need=1
	[ "$need" = 0 ] || "$TOP/scripts/deps.sh" || exit 1
}

# The suite is built once into build/arm64/selftests (incremental; one run
# at a time builds there) and copied into this run's directory $1.
build() {
	local out=$1 bin=$TOP/build/arm64/selftests
	mkdir -p "$bin"
	(
		flock 9
		make -s -C "$TOP/selftests" ARCH=arm64 OUTPUT="$bin" all >"$bin.log" 2>&1 || {
			cat "$bin.log" >&2
			exit 1
		}
		for f in "$bin"/*; do
			[ ! -f "$f" ] || cp "$f" "$out/"
		done
	) 9>"$bin.lock" || die "building the selftests failed"
}

# NAME TIMEOUT PATH [ARGS] lines for ktap_runner, binaries found under $1;
# the tests that take --vcpu get the configurations, and as many timeouts.
nr_vcpus() {
	echo "${vcpus//,/ }" | wc -w
}

write_list() {
	local dir=$1 t n vcpu_tests
	n=$(nr_vcpus)
	vcpu_tests=$(selftests_var VCPU_TESTS)
	for t in "${tests[@]}"; do
		case " $vcpu_tests " in
		*" $t "*) echo "$t $((TEST_TIMEOUT * n)) $dir/$t --vcpu $vcpus" ;;
		*) echo "$t $TEST_TIMEOUT $dir/$t" ;;
		esac
	done
}

stage_initramfs() {
	local out=$1 img=$2 stage t
	stage="$out/stage"
	mkdir -p "$stage/bin"
	cp "$out/ktap_runner" "$stage/init"
	for t in $(selftests_var TEST_FILES) "${tests[@]}"; do
		cp "$out/$t" "$stage/bin/$t"
	done
	write_list /bin >"$stage/tests.list"
	emu_pack "$stage" "$img" || die "packing the initramfs failed"
}

tot_pass=0 tot_fail=0 tot_skip=0
cells_pass=0 cells_fail=0 cells_skip=0
summary=()

add_summary() {
	local host=$1 cpu=$2 pass=$3 fail=$4 skip=$5 secs=$6 note=${7:-} fields=${8:--}
	tot_pass=$((tot_pass + pass)) tot_fail=$((tot_fail + fail)) tot_skip=$((tot_skip + skip))
	summary+=("$(printf '%-24s %-16s %-12s %8s %6d %6d %7d %7ds%s' "$host" "$cpu" "(tests)" "$fields" "$pass" "$fail" "$skip" "$secs" "${note:+  $note}")")
}

# Per vCPU configuration of the host's log $1: "CONFIG PASS FAIL SKIP
# FIELDS|REASON" lines, counting the results (KTAP subtests) of the tests,
# in $vcpus order.  A result belongs to the configuration its name ends
# with (@CONFIG, the tests' naming), else to default (the tests without
# --vcpu, and @imp_id_writable, run with a vCPU without features).  FIELDS
# is what the walk walked in it, "(+N)" the fields walked with another
# default or mask than in default; REASON the first skip of the
# configuration's own ("vcpu@CONFIG: why").
config_counts() {
	awk -v list="$vcpus" '
	BEGIN {
		n = split(list, order, ",")
		for (i = 1; i <= n; i++) known[order[i]] = 1
	}
	/^# (not )?ok [0-9]+ / {
		line = $0
		res = line ~ /^# not ok/ ? "fail" : "pass"
		sub(/^# (not )?ok [0-9]+ /, "", line)
		if (line ~ /^# SKIP /) { res = "skip"; sub(/^# SKIP /, "", line) }
		else if (line ~ /^# XFAIL /) sub(/^# XFAIL /, "", line)
		name = line
		sub(/: .*/, "", name)
		cfg = name
		if (!sub(/.*@/, "", cfg) || !(cfg in known)) cfg = "default"
		count[cfg, res]++
		if (res == "skip" && name == "vcpu@" cfg && !(cfg in why)) {
			why[cfg] = line
			sub(/^[^:]*: /, "", why[cfg])
		}
		next
	}
	/^# # vcpu [^ ]+ \(features [^)]*\): walked [0-9]+ fields/ {
		match($0, /walked [0-9]+ fields/)
		walked[$4] = substr($0, RSTART + 7, RLENGTH - 14)
		if (match($0, /it adds [0-9]+ fields/))
			walked[$4] = walked[$4] "(+" substr($0, RSTART + 8, RLENGTH - 15) ")"
	}
	END {
		for (i = 1; i <= n; i++) {
			c = order[i]
			printf "%s %d %d %d %s|%s\n", c, count[c, "pass"], count[c, "fail"],
			       count[c, "skip"], (c in walked) ? walked[c] : "-", why[c]
		}
	}' "$1"
}

# A row per configuration under the host's row; each counts as one cell
# of the kernel x CPU x configuration matrix: failed if a result failed,
# skipped if every result skipped (the reason shown), else passed.
add_config_rows() {
	local log=$1 cfg pass fail skip rest fields why any=0 counts
	counts=$(config_counts "$log")
	while read -r cfg pass fail skip rest; do
		[ $((pass + fail + skip)) -gt 0 ] && any=1
	done <<<"$counts"
	# A host whose tests all skipped as a whole (no masks) has no cells.
	[ "$any" = 1 ] || return 0
	while read -r cfg pass fail skip rest; do
		IFS='|' read -r fields why <<<"$rest"
		if [ "$fail" -gt 0 ]; then
			cells_fail=$((cells_fail + 1)) why=
		elif [ "$pass" = 0 ]; then
			cells_skip=$((cells_skip + 1))
		else
			cells_pass=$((cells_pass + 1)) why=
		fi
		summary+=("$(printf '%-24s %-16s %-12s %8s %6d %6d %7d %8s%s' "" "" "$cfg" "$fields" "$pass" "$fail" "$skip" "" "${why:+  $why}")")
	done <<<"$counts"
}

# The walk's closing line counts the writable fields of the host.
writable_fields() {
	sed -n 's/.*# \([0-9]*\) writable fields;.*/\1/p' "$1" | head -n 1
}

# Boot one host and leave "pass fail skip seconds fields|verdict" in $log.sum.
boot_one() {
	local kdir=$1 cpu=$2 img=$3 log=$4
	local start=$SECONDS rc verdict pass fail skip secs fields
	local bound=$((EMU_BOOT_ALLOWANCE + TEST_TIMEOUT * ${#tests[@]} * $(nr_vcpus)))
	emu_boot "$kdir" "$cpu" "$img" "$log" "$bound"
	rc=$?
	verdict=$(emu_verdict "$rc" "$log")
	read -r pass fail skip secs <<<"$(emu_counts "$log")"
	[ -n "$verdict" ] && fail=$((${fail:-0} + 1))
	fields=$(writable_fields "$log")
	echo "${pass:-0} ${fail:-0} ${skip:-0} $((SECONDS - start)) ${fields:--}|$verdict" >"$log.sum"
}

# The host's line in the run's KTAP stream ($4 = its number), its row.
report_host() {
	local kdir=$1 cpu=$2 log=$3 nr=$4 counts verdict pass fail skip secs fields release
	release=$(emu_booted_release "$log")
	[ -n "$release" ] || release=$(emu_release "$kdir")
	IFS='|' read -r counts verdict <"$log.sum"
	read -r pass fail skip secs fields <<<"$counts"
	[ -n "$verdict" ] && emu_explain "$verdict" "$log" "run_tests: kernel $release -cpu $cpu$host_tag"
	if [ "$fail" -gt 0 ]; then
		echo "not ok $nr $release -cpu $cpu$host_tag${verdict:+ # $verdict}"
	elif [ "$pass" = 0 ]; then
		echo "ok $nr $release -cpu $cpu$host_tag # SKIP"
	else
		echo "ok $nr $release -cpu $cpu$host_tag"
	fi
	add_summary "$release" "$cpu${host_flavour:+/$host_flavour}" "$pass" "$fail" "$skip" "$secs" "$verdict" "$fields"
	add_config_rows "$log"
}

# Hosts one after another with the console streamed, or $jobs at a time
# with each host's console printed whole when it is done (one KTAP stream
# per host, in matrix order).
run_emulated() {
	local img=$1 k c i=0 running=0
	local hosts=() host_kernels
	if [ ${#images[@]} -gt 0 ]; then
		host_kernels=${images[*]}
	else
		host_kernels=$(emu_resolve_kernels "$kernels")
	fi
	for k in $host_kernels; do
		for c in $(emu_resolve_cpus "$cpus"); do
			hosts+=("$k $c")
		done
	done
	[ -n "$log_dir" ] && mkdir -p "$log_dir"
	local logs=()
	for h in "${hosts[@]}"; do
		read -r k c <<<"$h"
		logs+=("${log_dir:-$out}/console-$(basename "${k#image:}")-$c${host_flavour:+-${host_flavour//,/-}}.log")
	done
	# One KTAP stream: every host is a subtest with the runner's own
	# stream nested inside.
	echo "TAP version 13"
	echo "1..${#hosts[@]}"
	if [ "$jobs" -le 1 ]; then
		for h in "${hosts[@]}"; do
			read -r k c <<<"$h"
			echo "    # Subtest: $(emu_release "$k") -cpu $c$host_tag"
			boot_one "$k" "$c" "$img" "${logs[$i]}"
			i=$((i + 1))
			report_host "$k" "$c" "${logs[$((i - 1))]}" "$i"
		done
		return
	fi
	for h in "${hosts[@]}"; do
		read -r k c <<<"$h"
		if [ "$running" -ge "$jobs" ]; then
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
		echo "    # Subtest: $(emu_release "$k") -cpu $c$host_tag"
		emu_ktap_nest <"${logs[$i]}"
		i=$((i + 1))
		report_host "$k" "$c" "${logs[$((i - 1))]}" "$i"
	done
}

run_native() {
	local out=$1 start=$SECONDS pass fail skip secs
	write_list "$out" >"$out/run.list"
	"$out/ktap_runner" "$out/run.list" | tee "$out/native.log"
	read -r pass fail skip secs <<<"$(emu_counts "$out/native.log")"
	[ -n "$pass" ] || die "the runner ended without a result"
	add_summary "$(uname -r)" native "$pass" "$fail" "$skip" $((SECONDS - start)) "" \
		"$(writable_fields "$out/native.log")"
	add_config_rows "$out/native.log"
}

mapfile -t tests < <(selected_tests)
export EMU_HOST=$host_flavour
host_tag=${host_flavour:+ host=$host_flavour}

if [ "$list_only" = 1 ]; then
	echo "tests: $(selftests_var TEST_GEN_PROGS)"
	echo "cached kernels:"
	for k in $(emu_cached_kernels); do echo "  $k ($(emu_release "$k"))"; done
	echo "cpu models: $EMU_ALL_CPUS"
	echo "vCPU configurations: $all_vcpus"
	echo "matrix vCPU configurations: $MATRIX_VCPUS"
	exit 0
fi
[ ${#tests[@]} -gt 0 ] || die "no test matches: ${filters[*]}"

ensure_deps
out=$(mktemp -d "${TMPDIR:-/tmp}/idregs.XXXXXX")
trap 'rm -rf "$out"' EXIT
build "$out"

if [ "$mode" = native ]; then
	run_native "$out"
else
	img="$out/initramfs.cpio.gz"
	stage_initramfs "$out" "$img"
	[ ${#images[@]} -gt 0 ] || emu_resolve_kernels "$kernels" >/dev/null || exit 1
	run_emulated "$img"
fi

echo "#"
echo "# (tests) rows count the tests of a host; the rows under it count their results per vCPU configuration"
echo "# $(printf '%-24s %-16s %-12s %8s %6s %6s %7s %8s' kernel cpu vcpu writable passed failed skipped time)"
for s in "${summary[@]}"; do
	echo "# $s" | sed 's/ *$//'
done
echo "# kernel x cpu x vCPU configuration: $cells_pass passed, $cells_fail failed, $cells_skip skipped"
echo "$tot_pass passed, $tot_fail failed, $tot_skip skipped"

if [ "$expect_skip" = 1 ]; then
	if [ "$tot_fail" = 0 ] && [ "$tot_pass" = 0 ] && [ "$tot_skip" -gt 0 ]; then
		echo "# every test skipped, as expected"
		exit 0
	fi
	echo "run_tests: error: expected every test to skip" >&2
	exit 1
fi
[ "$tot_fail" -gt 0 ] && exit 1
[ "$tot_pass" = 0 ] && exit 4
exit 0
