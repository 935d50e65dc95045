#!/usr/bin/env bash
# Benchmark idregs on the emulated arm64 host.  Measures, in one run:
#   - raw GET+SET_ONE_REG pairs per second (the floor of any walk),
#   - the walk's tries per second and total time (writable_fields_test),
#   - VM + vCPU creation cost,
#   - the stateful explorer's steps per minute (idreg explore, 20000 steps),
#   - boot-to-first-test time of the emulated host,
#   - the whole matrix (./run_tests.sh --matrix) wall time,
# and the ratio walk per-try cost / raw pair cost, which compares across
# machines of different speed, and the ONE_REG calls per try (the test's
# idregs-vms-total record: what it asks of KVM, whatever the machine's
# pace).  Results go to a file, not to test verdicts.
# With --explore: the stateful explorer alone, one idreg explore run per
# seed on the host (--host FLAVOURS: tools/emu/emu.sh's, e.g. nested,mte):
# steps, distinct sequences, steps/min, and each finding's shrunk
# reproducer (kept beside the results file as ...-seedN.seq).
#
#   tools/bench.sh [--kernel VER] [--cpu MODEL] [--no-matrix] [--out FILE]
#   tools/bench.sh --explore [--kernel VER] [--cpu MODEL] [--host FLAVOURS]
#                  [--seeds "1 2 3"] [--out FILE]
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=$("$TOP/scripts/deps.sh" --print-cache)
. "$TOP/tools/lib/idregs.sh"
kernel=
cpu=max
matrix=1
outfile=
explore_only=0
host=
seeds="1 2 3"
USAGE="usage: tools/bench.sh [--kernel VER] [--cpu MODEL] [--no-matrix] [--out FILE]
       tools/bench.sh --explore [--kernel VER] [--cpu MODEL] [--host FLAVOURS] [--seeds LIST] [--out FILE]"

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2:?}; shift ;;
	--cpu) cpu=${2:?}; shift ;;
	--no-matrix) matrix=0 ;;
	--out) outfile=${2:?}; shift ;;
	--explore) explore_only=1 ;;
	--host) host=${2:?}; shift ;;
	--seeds) seeds=${2:?}; shift ;;
	-h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "$USAGE" >&2; exit 2 ;;
	esac
	shift
done

die() { echo "bench: error: $*" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/idregs-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
outfile=${outfile:-$TOP/build/bench-$(date -u +%Y%m%dT%H%M%SZ).txt}
mkdir -p "$(dirname "$outfile")"

# The explorer alone: one line per seed, and the findings' reproducers.
explore_runs() {
	local seed rec out steps distinct secs rate failed seq
	local host_label=${host:-default}
	make -s -C "$TOP" build/arm64/idreg >"$work/idreg.log" 2>&1 ||
		{ cat "$work/idreg.log" >&2; die "building idreg failed"; }
	{
	printf "idreg explore, %s, emulated host kernel %s, -cpu %s, host %s, %s steps a seed\n" \
		"$(date -u +%Y-%m-%dT%H:%MZ)" "${kernel:-newest}" "$cpu" "$host_label" "$EXPLORE_STEPS"
	for seed in $seeds; do
		out="$work/explore-$seed.txt"
		EMU_HOST=$host "$TOP/tools/emu/run-on-host" --cpu "$cpu" ${kernel:+--kernel "$kernel"} \
			-- "$TOP/build/arm64/idreg" explore --seed "$seed" --steps "$EXPLORE_STEPS" \
			>"$out" 2>&1
		rec=$(idregs_records "$out" explore | tail -n 1)
		[ -n "$rec" ] || die "seed $seed: no idregs-explore record: $(tail -n 5 "$out")"
		steps=$(idregs_field steps "$rec")
		distinct=$(idregs_field distinct "$rec")
		secs=$(idregs_field seconds "$rec")
		rate=$(idregs_field steps_per_min "$rec")
		failed=$(idregs_field failed "$rec")
		printf "seed %-4s %6s steps, %5s distinct sequences, %7s s, %6s steps/min: %s\n" \
			"$seed" "$steps" "$distinct" "$secs" "$rate" \
			"$([ "$failed" = 1 ] && echo "FINDING" || echo "as predicted, the kernel clean")"
		if [ "$failed" = 1 ]; then
			seq="${outfile%.txt}-seed$seed.seq"
			# the reproducer, without what the runners add after it (taint, dmesg)
			sed -n '/^# idreg explore --seed/,$p' "$out" |
				grep -vE '^(# idregs-|kernel taint|dmesg:|run-on-host:|[a-z_]+: [0-9.]+ s$)' >"$seq"
			sed -n 's/^# kernel [^:]*: /    /p' "$seq" | head -n 1
			echo "    reproducer: $seq"
		fi
	done
	} | tee "$outfile"
	echo "bench: results in $outfile"
}
EXPLORE_STEPS=${EXPLORE_STEPS:-20000}
if [ "$explore_only" = 1 ]; then
	explore_runs
	exit 0
fi

make -s -C "$TOP/selftests" ARCH=arm64 OUTPUT="$work/st" all >"$work/build.log" 2>&1 ||
	{ cat "$work/build.log" >&2; die "building the selftests failed"; }
cflags=$(make -s -C "$TOP/selftests" --no-print-directory ARCH=arm64 print-CPPFLAGS)
# The library's objects as the selftests build left them.
objs=$(make -s -C "$TOP/selftests" --no-print-directory ARCH=arm64 OUTPUT="$work/st" print-LIB_OBJ)
# shellcheck disable=SC2086
aarch64-linux-gnu-gcc -O2 -static -Wall -Wextra -Werror -D_GNU_SOURCE $cflags \
	-o "$work/idreg_bench" "$TOP/tools/bench/idreg_bench.c" $objs ||
	die "building idreg_bench failed"

host_args=(--cpu "$cpu" --runner "$work/st/ktap_runner")
[ -n "$kernel" ] && host_args+=(--kernel "$kernel")

"$TOP/tools/emu/run-on-host" "${host_args[@]}" -- "$work/idreg_bench" >"$work/raw.txt" ||
	die "idreg_bench failed: $(cat "$work/raw.txt")"
# The walk WALK_RUNS times, one boot each: the median per-try cost counts.
# The featureless vCPU alone, as the figures have always been measured (the
# test's default walks every configuration the host offers); its
# idregs-walk-totals record says what it did (docs/results.md).
WALK_RUNS=${WALK_RUNS:-3}
boot_start=$SECONDS
for i in $(seq "$WALK_RUNS"); do
	"$TOP/tools/emu/run-on-host" "${host_args[@]}" --put "$work/st/writable_fields.expect" \
		--console "$work/walk.console" \
		-- "$work/st/writable_fields_test" --vcpu default >"$work/walk.txt" ||
		die "the walk failed: $(tail -n 5 "$work/walk.txt")"
	idregs_records "$work/walk.txt" walk-totals >>"$work/walks.txt"
	idregs_records "$work/walk.txt" vms-total >"$work/calls.txt"
done
walk_boot_total=$(( (SECONDS - boot_start) / WALK_RUNS ))

val() { sed -n "s/.* $1=\\([0-9.]*\\).*/\\1/p" "$2" | head -n 1; }
pair_us=$(val pair_us "$work/raw.txt")
pairs_per_s=$(val pairs_per_s "$work/raw.txt")
vm_ms=$(val vm_vcpu_ms "$work/raw.txt")
median_pair_us=$(val median_pair_us "$work/raw.txt")
# The median walk (by seconds) of the runs.
walk_line=$(while read -r rec; do echo "$(idregs_field seconds "$rec") $rec"; done <"$work/walks.txt" |
	sort -g | head -n $(( (WALK_RUNS + 1) / 2 )) | tail -n 1)
walk_values=$(idregs_field values "${walk_line#* }")
walk_secs=$(idregs_field seconds "${walk_line#* }")
# The ONE_REG calls (every run makes the same ones; the process's, from
# its start: the passes' reads too).
calls=$(head -n 1 "$work/calls.txt")
gets=$(idregs_field gets "$calls")
sets=$(idregs_field sets "$calls")
# The runner prints the guest kernel's uptime when /init starts.
boot_s=$(sed -n 's/.*uptime \([0-9.]*\) s.*/\1/p' "$work/walk.console" | head -n 1)

# The stateful explorer: its idregs-explore record (docs/results.md).
make -s -C "$TOP" build/arm64/idreg >"$work/idreg.log" 2>&1 ||
	{ cat "$work/idreg.log" >&2; die "building idreg failed"; }
EMU_HOST=$host "$TOP/tools/emu/run-on-host" "${host_args[@]}" -- "$TOP/build/arm64/idreg" explore --seed 1 \
	--steps "$EXPLORE_STEPS" >"$work/explore.txt" 2>&1 ||
	die "idreg explore failed: $(tail -n 5 "$work/explore.txt")"
explore_rec=$(idregs_records "$work/explore.txt" explore | tail -n 1)
explore_steps=$(idregs_field steps "$explore_rec")
explore_secs=$(idregs_field seconds "$explore_rec")
explore_rate=$(idregs_field steps_per_min "$explore_rec")

matrix_s=-
if [ "$matrix" = 1 ]; then
	start=$SECONDS
	"$TOP/run_tests.sh" --matrix >"$work/matrix.log" 2>&1 || die "the matrix failed: $(tail -n 3 "$work/matrix.log")"
	matrix_s=$((SECONDS - start))
fi

awk -v v="$walk_values" -v s="$walk_secs" -v p="$pair_us" -v pm="$median_pair_us" -v vm="$vm_ms" \
    -v runs="$WALK_RUNS" -v gets="${gets:-0}" -v sets="${sets:-0}" \
    -v pps="$pairs_per_s" -v boot="${boot_s:--}" -v m="$matrix_s" -v wb="$walk_boot_total" \
    -v es="$explore_steps" -v et="$explore_secs" -v er="$explore_rate" \
    -v k="${kernel:-newest}" -v c="$cpu" -v d="$(date -u +%Y-%m-%dT%H:%MZ)" 'BEGIN {
	try_us = s / v * 1e6
	printf "idregs benchmark, %s, emulated host kernel %s, -cpu %s\n", d, k, c
	printf "raw GET+SET pair:        %8.2f us   (%d pairs/s; best of 5 rounds, median %.2f us)\n", p, pps, pm
	printf "walk:                    %8d values in %.2f s = %.0f tries/s, %.2f us/try (median of %d)\n", v, s, v / s, try_us, runs
	printf "walk per-try / raw pair: %8.2f\n", try_us / p
	if (gets + sets)
		printf "ONE_REG calls per try:   %8.2f   (%d GET + %d SET for %d values: %.2f pairs)\n", (gets + sets) / v, gets, sets, v, (gets + sets) / v / 2
	printf "VM + vCPU creation:      %8.2f ms\n", vm
	printf "boot to /init:           %8s s (guest uptime)\n", boot
	printf "one host, boot + walk:   %8d s (wall)\n", wb
	printf "idreg explore:           %8d steps in %.2f s = %.0f steps/min (--seed 1)\n", es, et, er
	printf "matrix (--matrix):       %8s s (wall)\n", m
}' | tee "$outfile"
echo "bench: results in $outfile"
