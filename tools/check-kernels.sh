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
# findings (tools/check-kernels.known: kernel series, CPUs, result name,
# finding id in docs/findings.md): a KVM bug stays failing in the suite
# and known here, a false failure fails the check, and so does a finding
# that no longer fails (the file cannot rot).  A 16K-page kernel on a CPU
# without the 16K granule cannot boot: reported as a skip with the reason.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=$("$TOP/scripts/deps.sh" --print-cache)
KNOWN=$TOP/tools/check-kernels.known
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
  ($KNOWN: SERIES CPUS RESULT FINDING lines).  RELEASE: only these
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

# The failing results of a host: the first word of each "not ok" line of
# a test's results (nested under the test), without a trailing ':'.
failing() {
	sed -n 's/^    # not ok [0-9]* \([^ ]*\).*/\1/p' "$1" | sed 's/:$//' | sort -u
}

known_for() {
	local series=$1 cpu=$2
	awk -v s="$series" -v c="$cpu" '!/^#/ && NF >= 4 && $1 == s &&
		($2 == "*" || index("," $2 ",", "," c ",")) { print $3 }' "$KNOWN" | sort -u
}

finding_of() {
	awk -v s="$1" -v r="$2" '!/^#/ && $1 == s && $3 == r { print $4; exit }' "$KNOWN"
}

bad=0
printf '%-22s %-12s %7s %7s %7s %6s %8s %5s  %s\n' kernel cpu passed failed skipped known unknown secs verdict
for h in "${hosts[@]}"; do
	read -r rel cpu <<<"$h"
	base=$LOG_DIR/$rel-$cpu
	series=$(series_of "$rel")
	if [ -f "$base.skip" ]; then
		printf '%-22s %-12s %7s %7s %7s %6s %8s %5s  %s\n' "$rel" "$cpu" - - - - - 0 "$(cat "$base.skip")"
		continue
	fi
	read -r rc secs <"$base.done"
	totals=$(sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\1 \2 \3/p' "$base.out" | tail -n 1)
	read -r np nf ns <<<"${totals:-? ? ?}"
	mapfile -t got < <(failing "$base.out")
	mapfile -t want_f < <(known_for "$series" "$cpu")
	unexpected=$(comm -23 <(printf '%s\n' "${got[@]}" | sed '/^$/d') <(printf '%s\n' "${want_f[@]}" | sed '/^$/d'))
	fixed=$(comm -13 <(printf '%s\n' "${got[@]}" | sed '/^$/d') <(printf '%s\n' "${want_f[@]}" | sed '/^$/d'))
	nknown=$(comm -12 <(printf '%s\n' "${got[@]}" | sed '/^$/d') <(printf '%s\n' "${want_f[@]}" | sed '/^$/d') | sed '/^$/d' | wc -l)
	nunexp=$(echo "$unexpected" | sed '/^$/d' | wc -l)
	verdict=ok
	# A host that failed with no failing result (no boot, a crash, a hang).
	if [ -z "$totals" ] || { [ "$rc" != 0 ] && [ ${#got[@]} = 0 ]; }; then
		verdict="host failed (run_tests.sh status $rc): $(grep -m 1 -E '^not ok|error' "$base.out" || true)"
	elif [ -n "$unexpected" ] || [ -n "$fixed" ]; then
		verdict=FAIL
	fi
	printf '%-22s %-12s %7s %7s %7s %6s %8s %5s  %s\n' "$rel" "$cpu" "$np" "$nf" "$ns" \
		"$nknown" "$nunexp" "$secs" "$verdict"
	[ "$verdict" = ok ] || bad=$((bad + 1))
	while read -r r; do
		[ -n "$r" ] || continue
		echo "    unknown failure: $(grep -m 1 -E "^    # not ok [0-9]+ $r[: ]" "$base.out" |
			sed 's/^    # not ok [0-9]* //' | cut -c 1-300)"
	done <<<"$unexpected"
	while read -r r; do
		[ -n "$r" ] || continue
		echo "    known finding $(finding_of "$series" "$r") no longer fails: $r (update $KNOWN)"
	done <<<"$fixed"
	# The reproducers of this host's findings: the first of each field.
	grep -h -o 'reproduce: idreg try .*' "$base.out" |
		awk '{ split($4, a, "=") } !seen[a[1]]++' | sed 's/^/    /' || true
done
echo "check-kernels: ${#hosts[@]} hosts, $bad not as known, $(($(date +%s) - t_start)) s (logs: $LOG_DIR)"
[ "$bad" = 0 ]
