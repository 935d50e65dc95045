#!/usr/bin/env bash
# Run the idregs selftests.
#
# On an arm64 host with /dev/kvm they run natively.  Elsewhere they run on
# an emulated arm64 host: static test binaries are packed into an initramfs
# whose /init (tools/runner/ktap_runner.c) runs them and powers off, and a
# Debian arm64 kernel from the deps cache boots it under
# qemu-system-aarch64 (TCG, virtualization=on, so KVM works inside).
#
# Exit: 0 all passed, 1 any failure (or a broken host), 4 everything skipped.
set -uo pipefail

TOP=$(cd "$(dirname "$0")" && pwd)
CACHE=$("$TOP/scripts/deps.sh" --print-cache)
ALL_CPUS="max cortex-a57 cortex-a72 cortex-a76 cortex-a710 neoverse-n1 neoverse-n2 neoverse-v1 a64fx"
BOOT_ALLOWANCE=90	# seconds for the kernel to boot and power off, beyond the tests

kernels=
cpus=max
filters=()
list_only=0
log_dir=
mode=auto
expect_skip=0
memory=1024

usage() {
	cat <<USAGE
usage: ./run_tests.sh [options] [TEST_FILTER...]
  --kernel VER|all   emulated host kernel: a cached series (7, 6.12, 6.1) or a
                     release prefix (7.3); 'all' = every cached kernel.
                     Default: the newest.
  --cpu MODEL|all    qemu -cpu model (default max); 'all' = $ALL_CPUS;
                     a comma-separated list is accepted too
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
	--cpu) cpus=${2:?--cpu needs a value}; shift ;;
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

all_tests() {
	selftests_var TEST_GEN_PROGS
}

selected_tests() {
	local t f
	for t in $(all_tests); do
		if [ ${#filters[@]} = 0 ]; then
			echo "$t"
			continue
		fi
		for f in "${filters[@]}"; do
			case "$t" in *"$f"*) echo "$t"; break ;; esac
		done
	done
}

cached_kernels() {
	local d
	for d in "$CACHE"/kernels/*/; do
		[ -s "$d/vmlinuz" ] && basename "$d"
	done | sort -rV
}

# Map --kernel to cache series directories.
resolve_kernels() {
	local want=$1 k found
	if [ -z "$want" ]; then
		cached_kernels | head -n 1
		return
	fi
	if [ "$want" = all ]; then
		cached_kernels
		return
	fi
	for w in ${want//,/ }; do
		found=
		for k in $(cached_kernels); do
			if [ "$k" = "$w" ] || case "$(cat "$CACHE/kernels/$k/release")" in "$w"*) true ;; *) false ;; esac; then
				found=$k
				break
			fi
		done
		[ -n "$found" ] || die "no cached kernel matches '$w' (cached: $(cached_kernels | tr '\n' ' ')); see scripts/deps.sh"
		echo "$found"
	done
}

resolve_cpus() {
	if [ "$1" = all ]; then
		echo $ALL_CPUS
	else
		echo "${1//,/ }"
	fi
}

ensure_deps() {
	local need=0
	if [ "$mode" = emulated ]; then
		command -v qemu-system-aarch64 >/dev/null || need=1
		command -v aarch64-linux-gnu-gcc >/dev/null || need=1
		[ -n "$(cached_kernels)" ] || need=1
	fi
	[ -f "$CACHE/src/7/tools/testing/selftests/kselftest_harness.h" ] || need=1
	[ "$need" = 0 ] || "$TOP/scripts/deps.sh" || exit 1
}

build() {
	local out=$1
	make -s -C "$TOP/selftests" ARCH=arm64 OUTPUT="$out" all >"$out.build.log" 2>&1 || {
		cat "$out.build.log" >&2
		die "building the selftests failed"
	}
}

# Stage /init, the tests and the list, and pack them (newc, no device nodes:
# /init mounts devtmpfs itself).
pack_initramfs() {
	local out=$1 img=$2 stage t
	stage=$(mktemp -d)
	mkdir -p "$stage/bin"
	cp "$out/ktap_runner" "$stage/init"
	local timeout
	timeout=$(sed -n 's/^timeout=//p' "$TOP/selftests/settings")
	for t in $(selftests_var TEST_FILES); do
		cp "$out/$t" "$stage/bin/$t"
	done
	for t in "${tests[@]}"; do
		cp "$out/$t" "$stage/bin/$t"
		echo "$t $timeout /bin/$t"
	done >"$stage/tests.list"
	(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --reproducible 2>/dev/null |
		gzip -1 >"$img") || die "packing the initramfs failed"
	rm -rf "$stage"
}

# Totals over all hosts.
tot_pass=0 tot_fail=0 tot_skip=0
summary=()

boot_host() {
	local kdir=$1 cpu=$2 img=$3 log=$4
	local vmlinuz="$CACHE/kernels/$kdir/vmlinuz" release
	[ -s "$vmlinuz" ] || die "kernel image missing: $vmlinuz (run scripts/deps.sh --refresh)"
	release=$(cat "$CACHE/kernels/$kdir/release" 2>/dev/null || echo "$kdir")
	local timeout
	timeout=$(sed -n 's/^timeout=//p' "$TOP/selftests/settings")
	local bound=$((BOOT_ALLOWANCE + timeout * ${#tests[@]}))
	local start=$SECONDS rc

	echo "# host: kernel $release, -cpu $cpu"
	timeout -k 5 "$bound" qemu-system-aarch64 \
		-M virt,virtualization=on,gic-version=3 -cpu "$cpu" -m "$memory" -nic none \
		-display none -monitor none -serial stdio -no-reboot \
		-kernel "$vmlinuz" -initrd "$img" \
		-append "console=ttyAMA0 rdinit=/init panic=-1 quiet" \
		</dev/null 2>&1 | tr -d '\r' | tee "$log"
	rc=${PIPESTATUS[0]}
	local secs=$((SECONDS - start)) pass=0 fail=0 skip=0 verdict=

	local result
	result=$(grep -a '^# IDREGS-RESULT ' "$log" | tail -n 1)
	local crash
	crash=$(grep -a -E 'Kernel panic|Oops|BUG:|WARNING:|Unable to handle kernel|Internal error:|kernel tainted' "$log" | head -n 20)
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		verdict="emulated host hung: killed after $bound s"
	elif [ -z "$result" ]; then
		verdict="emulated host ended without a result (qemu exit $rc)"
	fi
	if [ -n "$result" ]; then
		pass=$(sed -n 's/.* pass=\([0-9]*\).*/\1/p' <<<"$result")
		fail=$(sed -n 's/.* fail=\([0-9]*\).*/\1/p' <<<"$result")
		skip=$(sed -n 's/.* skip=\([0-9]*\).*/\1/p' <<<"$result")
	fi
	if [ -n "$crash" ]; then
		echo "run_tests: the host kernel reported a problem:" >&2
		echo "$crash" | sed 's/^/run_tests:   /' >&2
		verdict=${verdict:-"host kernel crash/warning"}
	fi
	if [ -n "$verdict" ]; then
		echo "run_tests: kernel $release -cpu $cpu: $verdict" >&2
		echo "run_tests: last console lines:" >&2
		tail -n 15 "$log" | sed 's/^/run_tests:   /' >&2
		fail=$((fail + 1))
	fi
	tot_pass=$((tot_pass + pass)) tot_fail=$((tot_fail + fail)) tot_skip=$((tot_skip + skip))
	summary+=("$(printf '%-24s %-12s %6d %6d %7d %7ds%s' "$release" "$cpu" "$pass" "$fail" "$skip" "$secs" "${verdict:+  $verdict}")")
}

run_native() {
	local out=$1
	build "$out"
	local start=$SECONDS t timeout
	timeout=$(sed -n 's/^timeout=//p' "$TOP/selftests/settings")
	for t in "${tests[@]}"; do
		echo "$t $timeout $out/$t"
	done >"$out/run.list"
	"$out/ktap_runner" "$out/run.list" | tee "$out/native.log"
	local result
	result=$(grep -a '^# IDREGS-RESULT ' "$out/native.log" | tail -n 1)
	[ -n "$result" ] || die "the runner ended without a result"
	tot_pass=$(sed -n 's/.* pass=\([0-9]*\).*/\1/p' <<<"$result")
	tot_fail=$(sed -n 's/.* fail=\([0-9]*\).*/\1/p' <<<"$result")
	tot_skip=$(sed -n 's/.* skip=\([0-9]*\).*/\1/p' <<<"$result")
	summary+=("$(printf '%-24s %-12s %6d %6d %7d %7ds' "$(uname -r)" native "$tot_pass" "$tot_fail" "$tot_skip" $((SECONDS - start)))")
}

mapfile -t tests < <(selected_tests)

if [ "$list_only" = 1 ]; then
	echo "tests: $(all_tests)"
	echo "cached kernels:"
	for k in $(cached_kernels); do echo "  $k ($(cat "$CACHE/kernels/$k/release"))"; done
	echo "cpu models: $ALL_CPUS"
	exit 0
fi
[ ${#tests[@]} -gt 0 ] || die "no test matches: ${filters[*]}"

ensure_deps
out=$(mktemp -d "${TMPDIR:-/tmp}/idregs.XXXXXX")
trap 'rm -rf "$out" "$out.build.log"' EXIT

if [ "$mode" = native ]; then
	run_native "$out"
else
	build "$out"
	img="$out/initramfs.cpio.gz"
	pack_initramfs "$out" "$img"
	kernel_dirs=$(resolve_kernels "$kernels") || exit 1
	[ -n "$log_dir" ] && mkdir -p "$log_dir"
	for k in $kernel_dirs; do
		for c in $(resolve_cpus "$cpus"); do
			log="$out/console-$k-$c.log"
			[ -n "$log_dir" ] && log="$log_dir/console-$k-$c.log"
			boot_host "$k" "$c" "$img" "$log"
		done
	done
fi

echo "#"
echo "# $(printf '%-24s %-12s %6s %6s %7s %8s' kernel cpu passed failed skipped time)"
for s in "${summary[@]}"; do
	echo "# $s"
done
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
