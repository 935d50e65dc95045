#!/usr/bin/env bash
# The idregs selftests as a kernel CI runs them, end to end:
#
#   tools/kselftest-check.sh [--kernel VER] [--cpu MODEL] [--host FLAVOUR] [--known FILE] [--log FILE]
#
# 1. exports the suite into the cached linux-source 7.x tree
#    (tools/kselftest-export.sh, tree from scripts/kernel-tree.sh);
# 2. builds and packages it with the kernel's own selftests Makefile for
#    arm64: make TARGETS=idregs gen_tar (install, emit_tests, the tarball);
# 3. boots an emulated arm64 host (tools/emu/emu.sh) whose initramfs holds
#    the unpacked package and Debian's static busybox, with a shell script
#    as /init: it runs writable_fields_test through the installed
#    run_kselftest.sh with an excuse for a difference that does not happen
#    added to writable_fields.expect, which the test must fail as stale
#    (run 2), puts the file back, runs the whole suite (run 1: last, as
#    its last results, sequences_test's reproducers of known findings may
#    taint the kernel) and powers off;
# 4. checks the KTAP: in the first run every test of the suite (the
#    Makefile's TESTS, which kselftest-list.txt must list) is "ok" without
#    SKIP, or "not ok" on exactly the known findings of the kernel and CPU
#    (--known, default tools/check-kernels.known: docs/findings.md; the
#    kernel warning a test claims for one is no crash), the totals count
#    them and run_kselftest.sh exits 0 (1 when a known finding failed); the tests,
#    run without arguments, report per vCPU configuration (results of
#    every configuration their idregs-config records call offered: at
#    least "...@pmu", "...@el2" on a nested host, "...@mte" on an MTE one);
#    in the second the stale-excuse result inside writable_fields_test and
#    the test itself are "not ok" and run_kselftest.sh exits 1.
#
# Exit: 0 all checks passed, 1 a check or a step failed, 2 usage.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=$("$TOP/scripts/deps.sh" --print-cache)
. "$TOP/tools/emu/emu.sh"
. "$TOP/tools/lib/idregs.sh"

kernel=
cpu=max
host=
log=
known=$TOP/tools/check-kernels.known
# What the failing run adds to writable_fields.expect: an excuse for a
# difference KVM does not make (selftests/expect.h), which
# writable_fields_test must report "not ok" as stale.
STALE_EXCUSE="ID_AA64ISAR0_EL1.AES	*	values=0xf	direction=accepts	kselftest-check: an excuse for nothing"

usage() {
	cat <<USAGE
usage: tools/kselftest-check.sh [--kernel VER] [--cpu MODEL] [--host FLAVOUR] [--known FILE] [--log FILE]
  --kernel VER      emulated host kernel (default: the newest cached)
  --cpu MODEL       qemu -cpu model (default: max)
  --host FLAVOUR    emulated host flavour, comma-separated (run_tests.sh's):
                    nested (EL2 vCPUs), mte; default: none
  --known FILE      the known findings (default: $known)
  --log FILE        keep the host's console log in FILE
USAGE
}

die() { echo "kselftest-check: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2:?--kernel needs a value}; shift ;;
	--cpu) cpu=${2:?--cpu needs a value}; shift ;;
	--host) host=${2:?--host needs a value}; shift
		emu_check_host "$host" || exit 2 ;;
	--log) log=${2:?--log needs a value}; shift ;;
	--known) known=${2:?--known needs a file}; shift ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done

[ -x "$CACHE/busybox-arm64/busybox" ] && command -v rsync >/dev/null ||
	"$TOP/scripts/deps.sh" --quiet || die "scripts/deps.sh failed"
[ -f "$known" ] || die "no known-findings file $known"
make -s -C "$TOP" build/expect-list || die "building build/expect-list failed"
tree=$("$TOP/scripts/kernel-tree.sh" 7 "$CACHE/kselftest/linux-7") ||
	die "no kernel tree (scripts/kernel-tree.sh 7)"
"$TOP/tools/kselftest-export.sh" "$tree" >/dev/null || die "export into $tree failed"

work=$(mktemp -d "${TMPDIR:-/tmp}/idregs-ksft.XXXXXX")
trap 'rm -rf "$work"' EXIT
uapi="$CACHE/uapi/usr/include"
echo "# kselftest-check: make -C $tree/tools/testing/selftests TARGETS=idregs gen_tar"
make -j2 -C "$tree/tools/testing/selftests" TARGETS=idregs ARCH=arm64 \
	CROSS_COMPILE=aarch64-linux-gnu- O="$work/build" KSFT_INSTALL_PATH="$work/install" \
	KHDR_INCLUDES="-isystem $uapi -isystem $uapi/aarch64-linux-gnu" \
	USERCFLAGS=-Werror USERLDFLAGS=-static gen_tar >"$work/build.log" 2>&1 || {
	cat "$work/build.log" >&2
	die "the kernel's selftests Makefile failed to build and package idregs"
}
tarball="$work/install/kselftest-packages/kselftest.tar.gz"
[ -s "$tarball" ] || die "gen_tar made no $tarball"

# The host's root: busybox, /init, and the package as a CI unpacks it.
stage="$work/stage"
mkdir -p "$stage/bin" "$stage/kselftest"
cp "$CACHE/busybox-arm64/busybox" "$stage/bin/busybox"
tar -xzf "$tarball" -C "$stage/kselftest" || die "cannot unpack $tarball"
# run_kselftest.sh calls GNU timeout with --foreground, which busybox's
# lacks: this stand-in drops it (a test killed at its timeout then ends
# with exit=143 rather than runner.sh's TIMEOUT line).
mkdir -p "$stage/usr/bin"
cat >"$stage/usr/bin/timeout" <<'TIMEOUT'
#!/bin/sh
[ "$1" = --foreground ] && shift
exec /bin/busybox timeout "$@"
TIMEOUT
chmod +x "$stage/usr/bin/timeout"
cat >"$stage/init" <<INIT
#!/bin/busybox sh
# PID 1: devtmpfs first (it holds the console), busybox's applets as the
# tools run_kselftest.sh calls, and the /dev links udev would make
# (runner.sh writes to /dev/stdout).
/bin/busybox mkdir -p /dev /proc /sys /tmp /sbin /usr/sbin
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
echo "# host kernel: \$(uname -r) (uptime \$(cut -d' ' -f1 /proc/uptime) s)"
cd /kselftest
cp idregs/writable_fields.expect /tmp/writable_fields.expect
echo '$STALE_EXCUSE' >>idregs/writable_fields.expect
echo "# kselftest-check: run 2"
./run_kselftest.sh -t idregs:writable_fields_test
echo "# kselftest-check: run 2 exit=\$?"
cp /tmp/writable_fields.expect idregs/writable_fields.expect
echo "# kselftest-check: run 1"
./run_kselftest.sh
echo "# kselftest-check: run 1 exit=\$?"
echo "# kselftest-check: done"
poweroff -f
INIT
chmod +x "$stage/init"
emu_pack "$stage" "$work/initramfs.cpio.gz" || die "packing the initramfs failed"

kdir=$(emu_resolve_kernels "$kernel") || exit 1
kdir=$(head -n 1 <<<"$kdir")
timeout=$(idregs_settings_timeout)
mapfile -t tests < <(idregs_selftests_var TESTS | tr ' ' '\n')
console="$work/console.log"
# Run 2 runs one test more.
bound=$(emu_run_bound "$timeout" $((${#tests[@]} + 1)))
EMU_HOST=$host EMU_QUIET=1 emu_boot "$kdir" "$cpu" "$work/initramfs.cpio.gz" "$console" "$bound"
rc=$?
[ -n "$log" ] && cp "$console" "$log"
who="kselftest-check: kernel $(emu_release "$kdir") -cpu $cpu${host:+ host=$host}"
# The known findings of the kernel that booted, on this CPU model.
release=$(emu_booted_release "$console")
"$TOP/build/expect-list" "$known" "${release:-$(emu_release "$kdir")}" "$cpu" >"$work/findings" ||
	die "reading the known findings $known"
verdict=$(EMU_DONE_RE='^# kselftest-check: done$' emu_verdict "$rc" "$console" "$work/findings")
if [ -n "$verdict" ]; then
	emu_explain "$verdict" "$console" "$who" "$work/findings"
	exit 1
fi

# Run N's lines of the console.
run() {
	awk -v n="$1" '$0 == "# kselftest-check: run " n { on = 1; next }
		on && /^# kselftest-check: / { exit } on' "$console"
}
run 1 >"$work/run1"
run 2 >"$work/run2"
for n in 1 2; do
	echo "# run_kselftest.sh, run $n:"
	grep -E '^(TAP version|1\.\.|ok |not ok |# Totals)' "$work/run$n" | sed 's/^/#   /'
done

# The checks read the runs through the console reader
# (tools/lib/console.py): the runner's lines per test, the totals, each
# result's name, status and configuration; never a test's sentences.
idregs_console tests "$work/run1" >"$work/run1.tests"
idregs_console tests "$work/run2" >"$work/run2.tests"
idregs_console results "$work/run1" >"$work/run1.results"
idregs_console results "$work/run2" >"$work/run2.results"
nr=0 failed=0
# check WHAT GOT WANT
check() {
	nr=$((nr + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $nr - $1"
	else
		echo "not ok $nr - $1: got '$2', expected '$3'"
		failed=$((failed + 1))
	fi
}
# A line of FILE ($1) whose tab-separated fields are $2... ("" any).
has_row() {
	local file=$1
	shift
	awk -F'\t' -v want="$(printf '%s\t' "$@")" '
	BEGIN { n = split(want, w, "\t") - 1 }
	{ for (i = 1; i <= n; i++) if (w[i] != "" && $i != w[i]) next; found = 1; exit }
	END { print found ? "yes" : "no" }' "$file"
}
listed=$(paste -sd " " "$stage/kselftest/kselftest-list.txt")
expected=$(printf "idregs:%s\n" "${tests[@]}" | paste -sd " ")
check "kselftest-list.txt lists the suite" "$listed" "$expected"
# A test fails only on its known findings (console.py known: no unknown
# failure, no finding that ran and passed).
idregs_console known "$work/run1" "$work/findings" >"$work/run1.known"
nfailed=0
for t in "${tests[@]}"; do
	if [ "$(has_row "$work/run1.tests" "$t" fail "")" = yes ]; then
		nfailed=$((nfailed + 1))
		check "run_kselftest.sh: $t failed on known findings only" \
			"$(has_row "$work/run1.tests" "$t" fail exit=1)" yes
	else
		check "run_kselftest.sh: $t passed" "$(has_row "$work/run1.tests" "$t" ok "")" yes
	fi
done
check "run 1: every failing result a known finding of $(basename "$known")" \
	"$(grep -c '^unknown' "$work/run1.known")" 0
check "run 1: no known finding that ran and passed" "$(grep -c '^fixed' "$work/run1.known")" 0
check "run_kselftest.sh: totals, every test passed but those failing on known findings" \
	"$(idregs_console totals "$work/run1")" \
	"pass:$((${#tests[@]} - nfailed)) fail:$nfailed xfail:0 xpass:0 skip:0 error:0"
# Without arguments the tests run every configuration the host offers:
# each one their idregs-config records call offered, pmu at least, el2 on
# a nested host, mte on an MTE one, all of them on a nested+MTE host.
configs=pmu
case ",$host," in *,nested,*) configs+=" el2" ;; esac
case ",$host," in *,mte,*) configs+=" mte" ;; esac
if [ "$configs" = "pmu el2 mte" ]; then
	configs=$(idregs_vcpu_configs | tr , '\n' | grep -vx default) ||
		die "cannot list the vCPU configurations"
fi
offered=$(idregs_console records "$work/run1" config |
	awk '{ name = ""; on = 0
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^name=/) name = substr($i, 6)
			if ($i == "offered=1") on = 1
		}
		if (on && name != "default") print name }')
configs=$(printf '%s\n' $configs $offered | awk '!seen[$0]++')
for c in $configs; do
	check "run_kselftest.sh: results of the $c configuration, no arguments given" \
		"$(has_row "$work/run1.results" "" "" pass "" "$c")" yes
done
check "run_kselftest.sh exit status $([ "$nfailed" = 0 ] && echo 0 || echo 1)" \
	"$(grep -c "^# kselftest-check: run 1 exit=$([ "$nfailed" = 0 ] && echo 0 || echo 1)\$" "$console")" 1
check "writable_fields_test fails an excuse for nothing: its expectations result fails" \
	"$(has_row "$work/run2.results" writable_fields_test "" fail "" "" expectations)" yes
check "and run_kselftest.sh reports the test not ok" \
	"$(has_row "$work/run2.tests" writable_fields_test fail exit=1)" yes
check "run_kselftest.sh exit status 1" "$(grep -c '^# kselftest-check: run 2 exit=1$' "$console")" 1
if [ "$failed" != 0 ]; then
	echo "$who: console:" >&2
	sed 's/^/  /' "$console" | tail -n 60 >&2
fi
echo "$((nr - failed)) passed, $failed failed"
[ "$failed" = 0 ]
