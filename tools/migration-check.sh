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
# max and is refused on neoverse-n1, naming sve as QEMU would, and that the
# baseline names the firmware register that keeps them apart
# (KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3).  What idreg
# answers is read from its JSON (--json, docs/idreg.md), never its sentences.
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
	-h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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

# idreg's JSON answers, read with python3 (docs/idreg.md gives the formats).
# json_messages FILE KEY...: each message of those lists, as a comment.
json_messages() {
	python3 - "$@" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for key in sys.argv[2:]:
    for m in d[key]:
        print("# " + m["message"])
PY
}

# PMUv3 and SVE: -cpu max's vCPU has both, neoverse-n1's only PMUv3.
feature_check() {
	local m=$work/pmu-sve.json want cpu rc
	printf '%s\n' '{"model": {"name": "host", "props": {"pmu": true, "sve": true,' \
		'"SYSREG_ID_AA64DFR0_EL1_PMUVer": 6,' \
		'"SYSREG_ID_AA64ZFR0_EL1_SVEver": 1}}}' >"$m"
	for cpu in max neoverse-n1; do
		"$idreg" compare --json "$m" "$work/$cpu.json" >"$work/$cpu.features" 2>"$work/$cpu.features.err"
		rc=$?
		if [ "$cpu" = max ]; then
			[ "$rc" = 0 ]
			want="runs it"
		else
			# Refused, and one of the problems is about the feature sve.
			[ "$rc" = 1 ] && python3 - "$work/$cpu.features" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if any(p.get("feature") == "sve" for p in d["problems"]) else 1)
PY
			want="refuses it (exit $rc), naming sve"
		fi
		rc=$?
		sed 's/^/# /' "$work/$cpu.features.err"
		json_messages "$work/$cpu.features" notes problems 2>/dev/null
		ktap_result "$rc" "a model with PMUVer 6 and SVE fields: -cpu $cpu $want"
	done
}
if [[ ",$cpus," == *,max,* && ",$cpus," == *,neoverse-n1,* ]]; then
	feature_check
else
	echo "# SKIP the PMUv3 + SVE model: needs --cpus max,neoverse-n1"
fi

"$idreg" baseline --json "$work/$cpu_a.json" "$work/$cpu_b.json" >"$work/baseline.json" 2>"$work/baseline.err"
rc=$?
# The model itself, for compare and apply; the blocking fields (whose bits
# may differ between the guests, by register) and the count of the notes.
python3 - "$work/baseline.json" "$work/model.json" "$work/blocking" <<'PY' || rc=3
import json, sys
d = json.load(open(sys.argv[1]))
json.dump(d["model"], open(sys.argv[2], "w"), indent=2, sort_keys=True)
bits, props, regs = {}, [], []
for m in d["blocking"]:
    if "register" not in m:
        continue
    bits[m["register"]] = bits.get(m["register"], 0) | int(m["bits"], 16)
    if "property" in m:
        props.append(m["property"])
    else:
        regs.append(m["register"])
with open(sys.argv[3], "w") as f:
    f.write(" ".join(props + regs) + "\n")
    for reg, b in bits.items():
        f.write("%s 0x%016x\n" % (reg, b))
PY
# The per-field notes are many; the blocking fields and the count are enough here.
json_messages "$work/baseline.json" dropped blocking 2>/dev/null
sed 's/^/# /' "$work/baseline.err"
echo "# $(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["notes"]))' "$work/baseline.json" 2>/dev/null) fields differ and take the baseline's value (idreg baseline prints them)"
# 1 means "computed, but something blocks": the check below accounts for it.
[ "$rc" -le 1 ]
ktap_result $? "baseline of the two profiles (idreg exit $rc)"
ktap_failures && ktap_finish "migration between -cpu $cpu_a and -cpu $cpu_b"

# Beyond the ID registers: -cpu max's KVM reads SMCCC_ARCH_WORKAROUND_3 as
# 2 (not required), neoverse-n1's as 1, and KVM refuses a level above the
# host's and stores no other: a max guest cannot be restored on
# neoverse-n1, whatever its ID registers.  The baseline must say so.
if [[ ",$cpus," == *,max,* && ",$cpus," == *,neoverse-n1,* ]]; then
	# The whole answer first: grep -q stopping early would break the pipe.
	blocking=$("$TOP/tools/lib/idreg_answer.py" registers "$work/baseline.json" blocking)
	grep -qx KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3 <<<"$blocking"
	ktap_result $? "the baseline names KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3 as blocking"
else
	echo "# SKIP the firmware registers: needs --cpus max,neoverse-n1"
fi

for cpu in "$cpu_a" "$cpu_b"; do
	"$idreg" compare "$work/model.json" "$work/$cpu.json" >"$work/$cpu.compare" 2>&1
	rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$work/$cpu.compare"
	ktap_result "$rc" "-cpu $cpu can run the baseline (idreg compare)"
done

for cpu in "$cpu_a" "$cpu_b"; do
	"${host[@]}" --cpu "$cpu" --put "$work/model.json" -- \
		"$TOP/build/arm64/idreg" apply --guest-view --json /bin/model.json \
		>"$work/$cpu.view" 2>"$work/$cpu.view.err"
	rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$work/$cpu.view.err" "$work/$cpu.view" | tail -n 20
	ktap_result "$rc" "-cpu $cpu applies the baseline and its guest reads what GET_ONE_REG gives"
done
ktap_failures && ktap_finish "migration between -cpu $cpu_a and -cpu $cpu_b"

# The two guests' reads, register by register, outside the blocking bits:
# prints the differences as comments, then "SAME DIFFER".
counts=$(python3 - "$work/$cpu_a.view" "$work/$cpu_b.view" "$work/blocking" "$cpu_a" "$cpu_b" <<'PY'
import json, sys
views = [json.load(open(p))["guest"] for p in sys.argv[1:3]]
lines = open(sys.argv[3]).read().splitlines()
allowed = {reg: int(b, 16) for reg, b in (l.split() for l in lines[1:])}
a = {r["register"]: r for r in views[0]}
same = differ = 0
for r in views[1]:
    reg = r["register"]
    if reg not in a:
        print("# %s: read by the guest on -cpu %s only" % (reg, sys.argv[5]))
        differ += 1
        continue
    va, vb = a[reg].get("value"), r.get("value")
    if va is None or vb is None:
        print("# %s: trapped on -cpu %s" % (reg, sys.argv[4] if va is None else sys.argv[5]))
        differ += 1
        continue
    x = (int(va, 16) ^ int(vb, 16)) & ~allowed.get(reg, 0) & (2**64 - 1)
    if x:
        print("# %s: -cpu %s guest %s, -cpu %s guest %s (differing bits 0x%016x)"
              % (reg, sys.argv[4], va, sys.argv[5], vb, x))
        differ += 1
    else:
        same += 1
print(same, differ)
PY
)
sed '$d' <<<"$counts"
read -r same differ <<<"$(tail -n 1 <<<"$counts")"
read -r blocking <"$work/blocking"
[ "${differ:-1}" = 0 ] && [ "${same:-0}" -gt 0 ]
ktap_result $? "both guests see the same ${same:-0} ID registers (outside $(wc -w <<<"$blocking") blocking field(s) and register(s): $blocking)"
ktap_finish "migration between -cpu $cpu_a and -cpu $cpu_b"
