#!/usr/bin/env bash
# End-to-end migration check on the emulated fleet: dump the profiles of two
# different emulated CPUs (same kernel) with the vCPU QEMU's -cpu host
# creates (idreg dump's default, --vcpu qemu-host: PMUv3, SVE and pointer
# authentication where KVM offers them), compute their baseline model with
# `idreg baseline` (the features both hosts give), then on each host apply
# the model (a vCPU with its features) and run a guest that reads every ID
# register.  Both guests must see the same ID registers; the only bits
# allowed to differ are those of fields the baseline reported as blocking
# migration (they differ and KVM does not let us write them, or QEMU has no
# property for them: MIDR_EL1).  Models resolve as QEMU resolves them
# (vmm/qemu.c): apply writes what QEMU would.  Between max and neoverse-n1
# it also checks that a model with PMUv3 (PMUVer 6) and SVE fields runs on
# max and is refused on neoverse-n1, naming sve as QEMU would.
#
#   tools/migration-check.sh [--kernel VER] [--cpus A,B] [--keep DIR]
#
# Prints one KTAP result per step and a closing "N passed, N failed" line.
# Exit: 0 all passed, 1 a failure.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tools/lib/ktap.sh"
kernel=
cpus=max,neoverse-n1
keep=

while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=${2:?}; shift ;;
	--cpus) cpus=${2:?}; shift ;;
	--keep) keep=${2:?}; shift ;;
	-h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "usage: tools/migration-check.sh [--kernel VER] [--cpus A,B] [--keep DIR]" >&2; exit 2 ;;
	esac
	shift
done
IFS=, read -r cpu_a cpu_b <<<"$cpus"
[ -n "$cpu_a" ] && [ -n "$cpu_b" ] || { echo "migration-check: --cpus needs two models" >&2; exit 2; }

ktap_workdir work "$keep" idregs-migrate || exit 2


ktap_begin
make -s -C "$TOP" idreg >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; echo "Bail out! building idreg failed"; exit 1; }
idreg="$TOP/build/idreg"
host=("$TOP/tools/emu/run-on-host" ${kernel:+--kernel "$kernel"})

for cpu in "$cpu_a" "$cpu_b"; do
	"${host[@]}" --cpu "$cpu" -- "$TOP/build/arm64/idreg" dump --vcpu qemu-host >"$work/$cpu.json" 2>"$work/$cpu.dump.err"
	rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$work/$cpu.dump.err" "$work/$cpu.json" | tail -n 20
	ktap_result "$rc" "dump profile on -cpu $cpu"
done
ktap_failures && ktap_finish "migration between -cpu $cpu_a and -cpu $cpu_b"

# PMUv3 and SVE: -cpu max's vCPU has both, neoverse-n1's only PMUv3.
feature_check() {
	local m=$work/pmu-sve.json want cpu rc
	printf '%s\n' '{"model": {"name": "host", "props": {"pmu": true, "sve": true,' \
		'"SYSREG_ID_AA64DFR0_EL1_PMUVer": 6,' \
		'"SYSREG_ID_AA64ZFR0_EL1_SVEver": 1}}}' >"$m"
	for cpu in max neoverse-n1; do
		"$idreg" compare "$m" "$work/$cpu.json" >"$work/$cpu.features" 2>&1
		rc=$?
		if [ "$cpu" = max ]; then
			[ "$rc" = 0 ]
			want="runs it"
		else
			[ "$rc" = 1 ] && grep -q "^sve=on: QEMU stops: 'sve' feature not supported by KVM" "$work/$cpu.features"
			want="refuses it (exit $rc), naming sve"
		fi
		rc=$?
		sed 's/^/# /' "$work/$cpu.features"
		ktap_result "$rc" "a model with PMUVer 6 and SVE fields: -cpu $cpu $want"
	done
}
if [[ ",$cpus," == *,max,* && ",$cpus," == *,neoverse-n1,* ]]; then
	feature_check
else
	echo "# SKIP the PMUv3 + SVE model: needs --cpus max,neoverse-n1"
fi

"$idreg" baseline "$work/$cpu_a.json" "$work/$cpu_b.json" >"$work/model.json" 2>"$work/baseline.err"
rc=$?
# The per-field notes are many; the blocking fields and the count are enough here.
grep -v '^note: ' "$work/baseline.err" | sed 's/^/# /'
echo "# $(grep -c '^note: ' "$work/baseline.err") fields differ and take the baseline's value (idreg baseline prints them)"
# 1 means "computed, but something blocks": the check below accounts for it.
[ "$rc" -le 1 ]
ktap_result $? "baseline of the two profiles (idreg exit $rc)"
ktap_failures && ktap_finish "migration between -cpu $cpu_a and -cpu $cpu_b"
blocking=$(sed -n 's/^blocking: \(SYSREG_[A-Za-z0-9_]*\):.*/\1/p' "$work/baseline.err")
# Whole registers QEMU cannot set (MIDR_EL1: no property): every bit may differ.
blocking_regs=$(sed -n 's/^blocking: \([A-Z][A-Za-z0-9_]*\): differs .* QEMU cannot set it.*/\1/p' "$work/baseline.err")

for cpu in "$cpu_a" "$cpu_b"; do
	"$idreg" compare "$work/model.json" "$work/$cpu.json" >"$work/$cpu.compare" 2>&1
	rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$work/$cpu.compare"
	ktap_result "$rc" "-cpu $cpu can run the baseline (idreg compare)"
done

for cpu in "$cpu_a" "$cpu_b"; do
	"${host[@]}" --cpu "$cpu" --put "$work/model.json" -- \
		"$TOP/build/arm64/idreg" apply --guest-view /bin/model.json >"$work/$cpu.view" 2>&1
	rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$work/$cpu.view" | tail -n 20
	ktap_result "$rc" "-cpu $cpu applies the baseline and its guest reads what GET_ONE_REG gives"
done
ktap_failures && ktap_finish "migration between -cpu $cpu_a and -cpu $cpu_b"

# Bits of the blocking fields, per register: "REG mask".
"$idreg" list >"$work/list.txt"
blocking_masks() {
	local prop reg hi lo
	for prop in $blocking; do
		read -r hi lo <<<"$(sed -n "s/^  $prop  *\\[\\([0-9]*\\):\\([0-9]*\\)\\].*/\\1 \\2/p" "$work/list.txt" | head -n 1)"
		reg=$(awk -v p="$prop" '/^[A-Z]/ { r = $1 } $1 == p { print r; exit }' "$work/list.txt")
		# 1 << 64 is 1 in bash: a whole-register field is every bit.
		if [ $((hi - lo + 1)) -ge 64 ]; then
			printf '%s %d\n' "$reg" -1
		else
			printf '%s %d\n' "$reg" $(( ((1 << (hi - lo + 1)) - 1) << lo ))
		fi
	done
}
declare -A allowed=()
while read -r reg m; do
	[ -n "$reg" ] && allowed[$reg]=$(( ${allowed[$reg]:-0} | m ))
done < <(blocking_masks)
for reg in $blocking_regs; do allowed[$reg]=-1; done

declare -A view_a=()
while read -r _ reg val _; do view_a[$reg]=$val; done < <(grep '^guest ' "$work/$cpu_a.view")
same=0 differ=0
while read -r _ reg val _; do
	a=${view_a[$reg]:-}
	if [ -z "$a" ]; then
		echo "# $reg: read by the guest on -cpu $cpu_b only"
		differ=$((differ + 1))
		continue
	fi
	x=$(( a ^ val ))
	if [ $(( x & ~${allowed[$reg]:-0} )) != 0 ]; then
		printf '# %s: -cpu %s guest 0x%016x, -cpu %s guest 0x%016x (differing bits 0x%016x)\n' \
			"$reg" "$cpu_a" "$a" "$cpu_b" "$val" "$(( x & ~${allowed[$reg]:-0} ))"
		differ=$((differ + 1))
	else
		same=$((same + 1))
	fi
done < <(grep '^guest ' "$work/$cpu_b.view")
[ "$differ" = 0 ] && [ "$same" -gt 0 ]
ktap_result $? "both guests see the same $same ID registers (outside $(wc -w <<<"$blocking $blocking_regs") blocking field(s) and register(s): ${blocking//$'\n'/ } ${blocking_regs//$'\n'/ })"
ktap_finish "migration between -cpu $cpu_a and -cpu $cpu_b"
