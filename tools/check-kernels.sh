#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# make check-kernels: the suite on every extra kernel make deps fetched
# ($IDREGS_CACHE/kernels/extra/RELEASE/: the newest arm64 build of each
# series Debian has images of between the oldest and newest source read,
# and the 16K-page build of the newest), each booted with
# ./run_tests.sh --kernel-image on -cpu max with every vCPU configuration
# (those a host without MTE or nested virtualization cannot give skip).
#
# A kernel passes when the results that fail on it are exactly its known
# findings: a KVM bug stays failing in the suite and known here, a false
# failure fails the check, and so does a finding that no longer fails
# (the file cannot rot).  A kernel warning fails the host unless a known
# finding's test claims it (sequences_test's reproducers).  A 16K-page kernel on a CPU without the 16K
# granule cannot boot: reported as a skip with the reason.
#
# Known results have one mechanism (selftests/expect.h, docs/findings.md):
# a file of entries "RESULT KERNELS KEY=VALUE... REASON" read by one
# parser (selftests/expect.c).  An expectation (values=, direction=), in
# selftests/TEST.expect, is a difference userspace cannot predict: the
# test itself reports it XFAIL.  A known finding (finding=ID, cpu=LIST),
# in tools/check-kernels.known, is a KVM bug: the result stays a failure
# and this check counts it as known (build/expect-list lists the findings
# for a kernel and CPU; tools/lib/console.py compares them with the
# console).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=$("$TOP/scripts/deps.sh" --print-cache)
. "$TOP/tools/lib/idregs.sh"
KNOWN=$TOP/tools/check-kernels.known
EXPECT_LIST=$TOP/build/expect-list
CPUS=max
JOBS=2
LOG_DIR=
# The console reaches the log in 4 KB blocks (tools/emu/emu.sh pipes it
# through tr): on a loaded machine a host that booted can look as if it
# had not reached /init at 60 s.  A kernel that cannot boot on a CPU is a
# skip below, so waiting longer costs nothing here.
export EMU_BOOT_LIMIT=${EMU_BOOT_LIMIT:-180}
# QEMU's CPU models whose ID_AA64MMFR0_EL1.TGran16 says "not implemented"
# (a 16K-page kernel stops in head.S before its first console line).
NO_16K_CPUS=" a64fx cortex-a57 cortex-a72 "

usage() {
	cat <<USAGE
usage: tools/check-kernels.sh [--cpu LIST] [--jobs N] [--log-dir DIR] [--known FILE] [RELEASE...]
  Boot every kernel of \$IDREGS_CACHE/kernels/extra/ (make deps; now:
  $CACHE/kernels/extra) on -cpu max (or LIST) with every vCPU
  configuration and compare the failing results with the known findings
  ($KNOWN: RESULT SERIES finding=ID cpu=CPUS REASON lines, the format
  of selftests/expect.h).  RELEASE: only these
  (6.18.15, 7.3.4-16k).  --jobs N: hosts at a time (default $JOBS).
  Exit 0 when every kernel fails exactly its known findings; 1 otherwise.
USAGE
}

want=()
while [ $# -gt 0 ]; do
	case "$1" in
	--cpu) CPUS=${2:?--cpu needs a value}; shift ;;
	--jobs) JOBS=${2:?--jobs needs a value}; shift ;;
	--log-dir) LOG_DIR=${2:?--log-dir needs a value}; shift ;;
	--known) KNOWN=${2:?--known needs a value}; shift ;;
	-h|--help) usage; exit 0 ;;
	-*) usage >&2; exit 2 ;;
	*) want+=("$1") ;;
	esac
	shift
done

[ -f "$KNOWN" ] || { echo "check-kernels: no known-findings file $KNOWN" >&2; exit 2; }
make -s -C "$TOP" build/expect-list || exit 2
"$EXPECT_LIST" "$KNOWN" 0.0 >/dev/null || exit 2
if [ -z "$LOG_DIR" ]; then
	LOG_DIR=$TOP/build/check-kernels
fi
rm -rf "$LOG_DIR"
mkdir -p "$LOG_DIR"

releases=()
for d in "$CACHE"/kernels/extra/*/; do
	[ -s "$d/vmlinuz" ] || continue
	r=$(basename "$d")
	if [ ${#want[@]} -gt 0 ]; then
		case " ${want[*]} " in *" $r "*) ;; *) continue ;; esac
	fi
	releases+=("$r")
done
if [ ${#releases[@]} = 0 ]; then
	echo "check-kernels: no extra kernels in $CACHE/kernels/extra (run make deps)" >&2
	exit 2
fi
mapfile -t releases < <(printf '%s\n' "${releases[@]}" | sort -V)

# One host: its run_tests.sh output, console log, and a line
# "RC SECONDS" in $LOG_DIR/REL-CPU.done.
run_one() {
	local rel=$1 cpu=$2 out=$LOG_DIR/$1-$2 t0 rc=0
	t0=$(date +%s)
	nice -n 10 "$TOP/run_tests.sh" --kernel-image "$CACHE/kernels/extra/$rel/vmlinuz" \
		--cpu "$cpu" --vcpu all --log-dir "$out.logs" >"$out.out" 2>&1 || rc=$?
	echo "$rc $(($(date +%s) - t0))" >"$out.done"
}

series_of() {
	cat "$CACHE/kernels/extra/$1/series" 2>/dev/null || echo "${1%.*}"
}

t_start=$(date +%s)
running=0
hosts=()
for rel in "${releases[@]}"; do
	for cpu in ${CPUS//,/ }; do
		case "$rel" in *-16k)
			case "$NO_16K_CPUS" in *" $cpu "*)
				echo "skip: the CPU has no 16K granule (ID_AA64MMFR0_EL1.TGran16 0): a 16K-page kernel cannot boot" \
					>"$LOG_DIR/$rel-$cpu.skip"
				hosts+=("$rel $cpu")
				continue ;;
			esac ;;
		esac
		hosts+=("$rel $cpu")
		run_one "$rel" "$cpu" &
		running=$((running + 1))
		if [ "$running" -ge "$JOBS" ]; then
			wait -n || true
			running=$((running - 1))
		fi
	done
done
wait || true

bad=0
printf '%-22s %-12s %7s %7s %7s %6s %8s %5s  %s\n' kernel cpu passed failed skipped known unknown secs verdict
for h in "${hosts[@]}"; do
	read -r rel cpu <<<"$h"
	base=$LOG_DIR/$rel-$cpu
	if [ -f "$base.skip" ]; then
		printf '%-22s %-12s %7s %7s %7s %6s %8s %5s  %s\n' "$rel" "$cpu" - - - - - 0 "$(cat "$base.skip")"
		continue
	fi
	read -r rc secs <"$base.done"
	# The host's console, read by the one reader (tools/lib/console.py):
	# its counts, the boot's own verdict, its failures against the
	# findings known for its series and CPU (build/expect-list).
	log=$(find "$base.logs" -name 'console-*.log' 2>/dev/null | head -n 1)
	log=${log:-$base.logs/missing.log}
	read -r np nf ns <<<"$(idregs_console counts "$log")"
	"$EXPECT_LIST" "$KNOWN" "$(series_of "$rel")" "$cpu" >"$base.findings"
	# A kernel warning or taint is the host's failure unless its test
	# claims it for a known finding (docs/results.md, idregs-taint).
	host=$(idregs_console host "$log" "$(cat "$log.rc" 2>/dev/null || echo "$rc")" \
		--findings "$base.findings")
	idregs_console known "$log" "$base.findings" >"$base.known"
	nknown=$(awk -F'\t' '$1 == "known" { print $2 }' "$base.known")
	nunexp=$(grep -c '^unknown' "$base.known" || true)
	verdict=ok
	if [ -n "$host" ]; then
		verdict="host failed (run_tests.sh status $rc): $host"
	elif grep -q '^unknown\|^fixed' "$base.known"; then
		verdict=FAIL
	fi
	printf '%-22s %-12s %7s %7s %7s %6s %8s %5s  %s\n' "$rel" "$cpu" "${np:-?}" "${nf:-?}" "${ns:-?}" \
		"$nknown" "$nunexp" "$secs" "$verdict"
	[ "$verdict" = ok ] || bad=$((bad + 1))
	# A host that failed as a whole says nothing about its findings.
	awk -F'\t' -v known="$KNOWN" -v host_failed="${host:+1}" '
	$1 == "unknown" { print "    unknown failure: " substr($3, 1, 300) }
	$1 == "fixed" && !host_failed { print "    known finding " $3 " no longer fails: " $2 " (update " known ")" }' "$base.known"
	# The reproducers the tests print beside a finding, for people: the
	# first of each field.
	grep -h -o 'reproduce: idreg try .*' "$log" 2>/dev/null |
		awk '{ split($4, a, "=") } !seen[a[1]]++' | sed 's/^/    /' || true
done
echo "check-kernels: ${#hosts[@]} hosts, $bad not as known, $(($(date +%s) - t_start)) s (logs: $LOG_DIR)"
[ "$bad" = 0 ]
