#!/usr/bin/env bash
# The idreg CLI as a script sees it: exit codes and the first line of what
# it says, on the real profiles in vmm/tests/data and on bad input.
#
#   vmm/tests/test_cli.sh [IDREG]      (default build/idreg)
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
IDREG=${1:-$TOP/build/idreg}
DATA=$TOP/vmm/tests/data
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
nr=0 failed=0

# expect WANT_EXIT PATTERN DESC -- ARGS...: PATTERN (grep -E) must match the
# combined output, or be empty.
expect() {
	local want=$1 pattern=$2 desc=$3 rc
	shift 4
	"$IDREG" "$@" >"$work/out" 2>&1
	rc=$?
	nr=$((nr + 1))
	if [ "$rc" = "$want" ] && { [ -z "$pattern" ] || grep -qE "$pattern" "$work/out"; }; then
		echo "ok $nr - $desc"
	else
		echo "not ok $nr - $desc: exit $rc (want $want)${pattern:+, output should match '$pattern'}"
		sed 's/^/#   /' "$work/out" | head -n 5
		failed=$((failed + 1))
	fi
}

# expect_json WANT_EXIT EXPR DESC -- ARGS...: stdout is one JSON document
# for which the python3 expression EXPR (over d) is true.
expect_json() {
	local want=$1 expr=$2 desc=$3 rc
	shift 4
	"$IDREG" "$@" >"$work/out" 2>"$work/err"
	rc=$?
	nr=$((nr + 1))
	if [ "$rc" = "$want" ] && python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)
' "$work/out" "$expr" 2>>"$work/err"; then
		echo "ok $nr - $desc"
	else
		echo "not ok $nr - $desc: exit $rc (want $want), JSON should satisfy: $expr"
		cat "$work/err" "$work/out" | sed 's/^/#   /' | head -n 5
		failed=$((failed + 1))
	fi
}

model() {
	printf '{"model": {"name": "host", "props": {%s}}}\n' "$1" >"$work/$2"
	echo "$work/$2"
}

expect 0 '^usage: idreg' "--help" -- --help
expect 2 'usage' "unknown command" -- frobnicate
expect 0 'SYSREG_ID_AA64ISAR0_EL1_AES' "list" -- list
expect 0 'SYSREG_' "list --writable" -- list --writable "$DATA/max.json"
expect 3 'needs KVM' "dump without KVM says so" -- dump
# try: the reproducer of a finding; its input is checked before KVM.
expect 3 'try needs KVM' "try without KVM says so" -- try ID_AA64DFR0_EL1.PMUVer=0x8 --vcpu pmu
expect 3 'try needs KVM' "try of a whole register" -- try ID_AA64ISAR0_EL1=0
expect 3 'vm-save needs KVM' "vm-save without KVM says so" -- vm-save vm.state
expect 3 'vm-restore needs KVM' "vm-restore without KVM says so" -- vm-restore vm.state
# explore and replay: the stateful explorer; replay checks its file first.
expect 3 'explore needs KVM' "explore without KVM says so" -- explore --seed 1 --steps 10
expect 3 'replay needs KVM' "replay of a good sequence without KVM says so" -- replay "$TOP/selftests/finding-pmuver0-reinit.seq"
expect 2 "not 'idregs-sequence 1'" "replay of a file that is no sequence" -- replay "$TOP/selftests/settings"
expect 2 'has no field Foo' "try of an unknown field" -- try ID_AA64DFR0_EL1.Foo=1
expect 2 'no ID register' "try of an unknown register" -- try NOPE_EL1.X=1
expect 2 'does not fit in 4 bits' "try of a value too wide" -- try ID_AA64DFR0_EL1.PMUVer=0x10
expect 2 'not a number' "try of a bad value" -- try ID_AA64DFR0_EL1.PMUVer=x
expect 2 'vCPU configuration' "try of an unknown configuration" -- try ID_AA64DFR0_EL1.PMUVer=1 --vcpu nested
expect 2 'usage: idreg try' "try without an argument" -- try
expect 0 '' "baseline of one host" -- baseline "$DATA/max.json"
expect 1 '^blocking: SYSREG_ID_AA64MMFR2_EL1_(EVT|FWB|IDS)' "baseline max + neoverse-n1 is blocked by MMFR2" \
	-- baseline "$DATA/max.json" "$DATA/neoverse-n1.json"
"$IDREG" baseline "$DATA/max.json" "$DATA/neoverse-n1.json" >"$work/base.json" 2>/dev/null
# Profiles without the "offered" record: QEMU's defaults there are unknown
# (issue 28, 6): exit 4, cannot predict.
expect 4 'pmu=on: cannot predict the guest: .*does not record whether KVM offers it' \
	"max.json cannot predict the baseline: what KVM offers is not recorded" -- compare "$work/base.json" "$DATA/max.json"
expect 4 'may or may not run' "neoverse-n1.json neither" -- compare "$work/base.json" "$DATA/neoverse-n1.json"
expect 0 '^-cpu host,SYSREG_' "qemu-args of the baseline of profiles without features" -- qemu-args "$work/base.json"
expect 1 'SYSREG_ID_AA64ISAR1_EL1_LRCPC' "neoverse-n1 cannot run max's LRCPC" \
	-- compare "$(model '"SYSREG_ID_AA64ISAR1_EL1_LRCPC": 2' lrcpc.json)" "$DATA/neoverse-n1.json"
expect 0 '' "a profile equals itself" -- diff "$DATA/max.json" "$DATA/max.json"
expect 1 'SYSREG_MIDR_EL1_PartNum: not writable -> writable' "6.12 -> 7.3 makes MIDR writable" \
	-- diff "$DATA/max-6.12.json" "$DATA/max.json"
expect 2 'model.props.SYSREG_ID_AA64ISAR1_EL1_LRCPC: value 0x100 wider than 4-bit field' "value too wide" \
	-- qemu-args "$(model '"SYSREG_ID_AA64ISAR1_EL1_LRCPC": 256' wide.json)"
expect 2 'SYSREG_NO_SUCH' "unknown property" -- qemu-args "$(model '"SYSREG_NO_SUCH_FIELD": 1' unknown.json)"
arm=$(model '"SYSREG_ID_AA64MMFR0_EL1_BigEnd": 0, "SYSREG_ID_AA64ISAR0_EL1_Atomic": 2' arm.json)
kern=$(model '"SYSREG_ID_AA64MMFR0_EL1_BIGEND": 0, "SYSREG_ID_AA64ISAR0_EL1_ATOMIC": 2' kernel.json)
want_arm='^-cpu host,SYSREG_ID_AA64ISAR0_EL1_Atomic=0x2,SYSREG_ID_AA64MMFR0_EL1_BigEnd=0x0$'
want_kern='^-cpu host,SYSREG_ID_AA64ISAR0_EL1_ATOMIC=0x2,SYSREG_ID_AA64MMFR0_EL1_BIGEND=0x0$'
expect 0 "$want_arm" "qemu-args in Arm's names" -- qemu-args "$arm"
expect 0 "$want_arm" "the kernel's names in, Arm's out" -- qemu-args "$kern"
expect 0 "$want_kern" "--names kernel" -- qemu-args --names kernel "$arm"
expect 0 "$want_kern" "--names kernel before the command" -- --names kernel qemu-args "$kern"
expect 0 '"SYSREG_CLIDR_EL1_Ttypen": 0' "baseline JSON with --names kernel: Ttypen" \
	-- --names kernel baseline "$DATA/max.json"
expect 0 '"SYSREG_ID_AA64MMFR0_EL1_BIGEND": 1' "baseline JSON with --names kernel: BIGEND" \
	-- --names kernel baseline "$DATA/max.json"
expect 0 'SYSREG_ID_AA64MMFR0_EL1_BigEnd .*\(kernel: BIGEND\)' "list shows both spellings" -- list
expect 0 'SYSREG_CLIDR_EL1_Ttypen +\[46:33\]' "list shows the kernel's Ttypen" -- list
expect 2 'needs .arm. or .kernel.' "--names without a spelling" -- qemu-args "$arm" --names
expect 2 'expected .arm. or .kernel.' "--names of something else" -- --names qemu qemu-args "$arm"
expect 2 'SYSREG_ID_AA64MMFR0_EL1_bigend: unknown property .*did you mean SYSREG_ID_AA64MMFR0_EL1_BigEnd\?' \
	"a near miss gets a suggestion" -- qemu-args "$(model '"SYSREG_ID_AA64MMFR0_EL1_bigend": 0' near.json)"
expect 2 'duplicate' "duplicate property" \
	-- qemu-args "$(model '"SYSREG_ID_AA64ISAR1_EL1_LRCPC": 1, "SYSREG_ID_AA64ISAR1_EL1_LRCPC": 2' dup.json)"
expect 2 'model.props.SYSREG_ID_AA64ISAR1_EL1_LRCPC' "wrong type" \
	-- qemu-args "$(model '"SYSREG_ID_AA64ISAR1_EL1_LRCPC": [1]' type.json)"
: >"$work/empty.json"
expect 2 'empty' "empty file" -- qemu-args "$work/empty.json"
echo '{"model": {"name": "host", "props": {' >"$work/broken.json"
expect 2 'broken.json' "malformed JSON" -- qemu-args "$work/broken.json"
expect 2 '' "a model where a profile is expected" -- diff "$work/base.json" "$DATA/max.json"
expect 2 'No such file|cannot open' "missing file" -- qemu-args "$work/nonexistent.json"

# vCPU features: profiles dumped with qemu-host (max: pmu, sve, pauth;
# neoverse-n1: pmu), models with QEMU's options.
maxqh=$DATA/max-qemu-host.json
n1qh=$DATA/neoverse-n1-qemu-host.json
pmusve=$(model '"pmu": true, "sve": true, "SYSREG_ID_AA64DFR0_EL1_PMUVer": 6, "SYSREG_ID_AA64ZFR0_EL1_SVEver": 1' pmusve.json)
expect 0 'can run' "max (qemu-host) runs PMUVer 6 with SVE fields" -- compare "$pmusve" "$maxqh"
expect 1 "^sve=on: QEMU stops: can't apply global host-arm-cpu.sve=on: 'sve' feature not supported by KVM on this host" \
	"neoverse-n1 (qemu-host) cannot: sve named" -- compare "$pmusve" "$n1qh"
expect 4 "^pmu=on: cannot predict the guest: .*does not record whether KVM offers it" \
	"a profile without the record: whether QEMU has pmu is unknown" -- compare "$pmusve" "$DATA/max.json"
expect 0 '^-cpu host,pmu=on,sve=on,SYSREG_ID_AA64DFR0_EL1_PMUVer=0x6,' "qemu-args with the stated -cpu options" \
	-- qemu-args "$pmusve"
printf '{"machine": {"mte": true, "virtualization": true}, "model": {"name": "host", "props": {"SYSREG_ID_AA64PFR1_EL1_MTE": 2}}}\n' >"$work/mte.json"
expect 0 ' -M virt,mte=on,virtualization=on$' "qemu-args with the -M virt options" -- qemu-args "$work/mte.json"
# Issue 19's disagreements, as a script sees them.
expect 0 '^-cpu host,sve=off$' "1: sve=off with SVE fields: resolved, left out" \
	-- qemu-args "$(model '"sve": false, "SYSREG_ID_AA64ZFR0_EL1_SVEver": 1' nosve.json)"
expect 0 'note: SYSREG_ID_AA64DFR0_EL1_PMUVer=0x6: pmu=off wins' "1: PMUVer 6 with pmu=off: a note, not an error" \
	-- compare "$(model '"pmu": false, "SYSREG_ID_AA64DFR0_EL1_PMUVer": 6' nopmu.json)" "$maxqh"
expect 0 '^-cpu host$' "2: a model without options keeps QEMU's defaults" -- qemu-args "$(model '' none.json)"
sed 's/"offered": \[/"offered": [/' "$n1qh" | python3 -c 'import json,sys; d=json.load(sys.stdin); d["vcpu"]["features"]=[]; d["vcpu"]["offered"]=[]; print(json.dumps(d))' >"$work/nopmu-host.json"
expect 1 "Property 'host-arm-cpu.pmu' not found" "2: pmu=off where KVM has no PMU stops QEMU" \
	-- explain "$work/nopmu-host.json" -- -cpu host,pmu=off
expect 0 '^-cpu host$' "3: EL2 without virtualization=on is left out" \
	-- qemu-args -- -cpu host,SYSREG_ID_AA64PFR0_EL1_EL2=0x1
expect 1 'Security extensions' "3: secure=on is refused under KVM" -- explain "$maxqh" -- -M virt,secure=on -cpu host
printf '{"machine": {"mte": true}, "model": {"name": "host", "props": {}}}\n' >"$work/mteonly.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["vcpu"]={"config": "mte", "features": ["mte"], "offered": ["mte"]}; print(json.dumps(d))' "$maxqh" >"$work/mte-host.json"
expect 1 'Live migration disabled due to MTE enabled' "4: MTE blocks migration" \
	-- compare "$work/mteonly.json" "$work/mte-host.json"
expect 0 'sve128=on,sve256=off,kvm-steal-time=off' "6: sve<N> and kvm-steal-time are kept" \
	-- qemu-args -- -cpu host,sve128=on,sve256=off,kvm-steal-time=off
expect 1 'never enables KVM_CAP_ARM_WRITABLE_IMP_ID_REGS' "7: QEMU has no MIDR_EL1 property" \
	-- qemu-args -- -cpu host,SYSREG_MIDR_EL1_PartNum=0x51
expect 1 '^blocking: MIDR_EL1: differs' "7: a baseline has no MIDR property; MIDR differs: blocking" \
	-- baseline "$maxqh" "$n1qh"
expect 0 ' -M virt,gic-version=3$' "8: a pinned GIC field is gic-version" \
	-- qemu-args -- -cpu host,SYSREG_ID_AA64PFR0_EL1_GIC=0x1
expect 0 'SYSREG_ID_AA64ISAR0_EL1_Atomic=0x8' "9: 010 is 8, base 0 as QEMU reads it" \
	-- qemu-args --names arm -- -cpu host,SYSREG_ID_AA64ISAR0_EL1_Atomic=010
expect 2 'value 0x8 wider than 4-bit field|wider' "9: \"010\" in JSON is 8 too" \
	-- qemu-args "$(model '"SYSREG_ID_AA64PFR0_EL1_EL0": "0100"' octal.json)"
expect 2 'model.props.sve: expected true or false' "sve as a number" -- qemu-args "$(model '"sve": 1' sve1.json)"
expect 1 '^dropped: feature sve: not in the model, blocked by .*neoverse-n1-qemu-host.json: KVM does not offer sve' \
	"baseline of qemu-host profiles drops sve, naming the host" -- baseline "$maxqh" "$n1qh"
"$IDREG" baseline "$maxqh" "$n1qh" >"$work/baseqh.json" 2>/dev/null
expect 0 'can run' "neoverse-n1 runs that baseline" -- compare "$work/baseqh.json" "$n1qh"
expect 0 'can run' "max runs that baseline" -- compare "$work/baseqh.json" "$maxqh"
expect 0 '^-cpu host,pmu=on,sve=off,pauth=off,' "whose qemu-args ask for the PMU, sve and pauth off" -- qemu-args "$work/baseqh.json"
expect 0 'vCPU qemu-host \(pmu,sve,pauth\)' "diff names both vCPUs" -- diff "$maxqh" "$maxqh"
expect 2 'vCPU configuration .nested.' "dump --vcpu of something unknown" -- dump --vcpu nested
expect 1 '^KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3: value 0x2 -> 0x1$' "diff shows the rest of the vCPU (kvm_regs)" \
	-- diff "$DATA/max-vcpu-regs.json" "$DATA/neoverse-n1-vcpu-regs.json"
expect 0 '^0 differences$' "a profile with kvm_regs equals itself" \
	-- diff "$DATA/max-vcpu-regs.json" "$DATA/max-vcpu-regs.json"
"$IDREG" baseline "$DATA/max-vcpu-regs.json" "$DATA/max-6.12-vcpu-regs.json" >"$work/base-psci.json" 2>/dev/null
expect 0 ',kvm-psci-version=1\.1(,|$)' "qemu-args sets the baseline's PSCI version (QEMU 11.1's kvm-psci-version)" \
	-- qemu-args "$work/base-psci.json"
expect 1 'KVM in this kernel does not support PSCI version 1.3' "explain: a PSCI version the host's KVM lacks stops QEMU" \
	-- explain "$DATA/max-6.12-vcpu-regs.json" -- -cpu host,kvm-psci-version=1.3

# The seed's line (a representative one: fields writable on max), explain on
# each host, guest-check and qmp-check.
seed="-cpu host,pauth=off,pmu=off,sve=off,SYSREG_ID_AA64PFR0_EL1_CSV3=0x1,SYSREG_ID_AA64PFR0_EL1_DIT=0x1,SYSREG_ID_AA64PFR1_EL1_SSBS=0x2,SYSREG_ID_AA64PFR1_EL1_BT=0x1,SYSREG_ID_AA64ISAR0_EL1_RNDR=0x1,SYSREG_ID_AA64ISAR0_EL1_Atomic=0x2,SYSREG_ID_AA64ISAR0_EL1_SHA2=0x2,SYSREG_ID_AA64ISAR1_EL1_LRCPC=0x2,SYSREG_ID_AA64DFR0_EL1_PMUVer=0x6,SYSREG_ID_AA64MMFR0_EL1_PARange=0x6,SYSREG_CTR_EL0_L1Ip=0x2"
expect 0 'QEMU starts and KVM accepts' "the seed's line: explain on max" -- explain "$maxqh" -- -accel kvm -M virt $seed
expect 0 'field ID_AA64DFR0_EL1.PMUVer: guest reads 0x0 \(profile 0x6\): pmu=off' "explain: PMUVer 0 by pmu=off" \
	-- explain "$maxqh" -- -accel kvm -M virt $seed
expect 0 'register S3_0_C0_C4_4 ID_AA64ZFR0_EL1 = 0x0000000000000000' "explain: ID_AA64ZFR0_EL1 0 by sve=off" \
	-- explain "$maxqh" -- -accel kvm -M virt $seed
expect 0 'field ID_AA64ISAR1_EL1.API: guest reads 0x0 \(profile 0x5\): pauth=off' "explain: API 0 by pauth=off" \
	-- explain "$maxqh" -- -accel kvm -M virt $seed
expect 1 'SYSREG_ID_AA64ISAR1_EL1_LRCPC=0x2 where the host has 0x1' "the seed's line on neoverse-n1: named what it cannot give" \
	-- explain "$n1qh" -- -accel kvm -M virt $seed
expect 0 '"accepted": true' "explain --json" -- explain "$maxqh" --json -- -accel kvm -M virt $seed
expect 1 'option aarch64=off: stated' "explain: a stated option QEMU stops on is listed as stated" \
	-- explain "$maxqh" -- -cpu host,aarch64=off
expect 2 'usage' "explain without a line" -- explain "$maxqh"
expect 2 'idreg models -cpu host only' "explain of another CPU model" -- explain "$maxqh" -- -cpu max
"$IDREG" explain "$maxqh" --json -- -accel kvm -M virt -cpu host >"$work/explain.json"
python3 - "$work/explain.json" >"$work/guest.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("boot banner, ignored")
for k, r in d["registers"].items():
    if r["guest"] == "undef":
        print(k + "=undef")
    elif r["guest"] == "value":
        print("%s=0x%016x" % (k, int(r["value"], 16)))
    else:
        print(k + "=0x0000000000000000")
PY
expect 0 '0 differences' "guest-check: what explain predicts matches" \
	-- guest-check "$maxqh" "$work/guest.txt" -- -accel kvm -M virt -cpu host
sed 's/^S3_0_C0_C4_0=0x\(.*\)2$/S3_0_C0_C4_0=0x\13/' "$work/guest.txt" >"$work/guest-el0.txt"
expect 1 '^S3_0_C0_C4_0 ID_AA64PFR0_EL1.EL0: predicted 0x2, read 0x3' "guest-check names register and field" \
	-- guest-check "$maxqh" "$work/guest-el0.txt" -- -accel kvm -M virt -cpu host
grep -v '^S3_0_C0_C7_0=' "$work/guest.txt" >"$work/guest-short.txt"
expect 1 '^S3_0_C0_C7_0 ID_AA64MMFR0_EL1: missing' "guest-check: a missing register" \
	-- guest-check "$maxqh" "$work/guest-short.txt" -- -accel kvm -M virt -cpu host
vqs=$(for n in 128 256 384 512 640 768 896 1024 1152 1280 1408 1536 1664 1792 1920 2048; do printf '"sve%s": true, ' $n; done)
printf '{"QMP": {"version": {}}}\n{"return": {}}\n{"return": {"model": {"name": "host", "props": {%s"pmu": true, "sve": true, "pauth": true, "aarch64": true, "kvm-no-adjvtime": false, "kvm-steal-time": true}}}}\n' "$vqs" >"$work/qmp.txt"
expect 0 '0 disagreements' "qmp-check: QMP's host model agrees with the profile" -- qmp-check "$maxqh" "$work/qmp.txt"
expect 1 "^sve: QMP says true, QEMU's default here is false \\(KVM does not offer it\\)" "qmp-check: a disagreement named" \
	-- qmp-check "$n1qh" "$work/qmp.txt"
expect 2 'no line of' "qmp-check without the host model" -- qmp-check "$maxqh" "$DATA/max.json"
# Issue 28: one exit status per meaning: 1 QEMU or KVM refuses (QEMU's
# words), 2 idreg's bad input, 4 cannot predict.
expect 1 "QEMU stops: KVM does not support GICv4 emulation" "28/12: gic-version=4 is QEMU's refusal" \
	-- explain "$maxqh" -- -M virt,gic-version=4 -cpu host
expect 1 "Parameter 'pmu' expects 'on' or 'off'" "28/12: pmu=1 is QEMU's refusal" -- explain "$maxqh" -- -cpu host,pmu=1
expect 1 "can't apply global host-arm-cpu.foo=on: Property 'host-arm-cpu.foo' not found" \
	"28/12: foo=on is QEMU's refusal" -- explain "$maxqh" -- -cpu host,foo=on
expect 1 'wider than 4-bit field' "28/12: a value too wide is QEMU's refusal" \
	-- explain "$maxqh" -- -cpu host,SYSREG_ID_AA64ISAR1_EL1_LRCPC=0x100
expect 4 '^unknown: pmu=on: cannot predict' "28/12: cannot predict is exit 4" -- explain "$DATA/max.json" -- -cpu host
expect 1 'cannot disable sve128' "28/1: sve128=off is refused" -- explain "$DATA/max-qemu-virt.json" -- -cpu host,sve128=off
expect 2 'idreg models -cpu host only' "28/12: another CPU model is idreg's bad input" -- explain "$maxqh" -- -cpu max
expect_json 1 "'cannot disable sve256' in d['qemu_says'] and not d['accepted']" "28/8: explain --json: qemu_says, QEMU's lines" \
	-- explain "$DATA/max-qemu-virt.json" --json -- -cpu host,sve512=on,sve256=off
# The others of issue 28, as explain says them.
virt=$DATA/max-qemu-virt.json
expect 1 "can't apply global host-arm-cpu.sve-max-vq=4: Property 'host-arm-cpu.sve-max-vq' not found" \
	"28/2: sve-max-vq does not exist on host" -- explain "$virt" -- -cpu host,sve-max-vq=4
expect 0 '^SVE vector lengths: 128 \(' "28/1: sve256=off leaves 128 bits only" -- explain "$virt" -- -cpu host,sve256=off
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["vcpu"]["gic_offered"]=["v2","v3"]; print(json.dumps(d))' "$virt" >"$work/v2v3.json"
expect 0 '^in-kernel GIC: v3 ' "28/3: -smp 4,maxcpus=16: GICv3" -- explain "$work/v2v3.json" -- -smp 4,maxcpus=16 -cpu host
expect 0 '^in-kernel GIC: v2 ' "28/3: -smp sockets=2,cores=4 is 8 vCPUs: GICv2" \
	-- explain "$work/v2v3.json" -- -smp sockets=2,cores=4 -cpu host
expect 0 'field CTR_EL0.L1Ip: guest reads 0x2' "28/4: a property given twice: the last value" \
	-- explain "$virt" -- -cpu host,SYSREG_CTR_EL0_L1Ip=0x1,SYSREG_CTR_EL0_L1Ip=0x2
expect 0 '^option pmu=on: QEMU' "28/4: of two -cpu, the last" -- explain "$virt" -- -cpu host,pmu=off -cpu host
sed 's/"value": "0x000000000600000a"/"value": "0x00000000060000aa"/' "$virt" >"$work/copsdbg.json"
expect 0 'field ID_DFR0_EL1.CopSDbg: guest reads 0x0 \(profile 0xa\): no EL3' "28/5: no EL3: CopSDbg 0" \
	-- explain "$work/copsdbg.json" -- -cpu host,SYSREG_ID_AA64PFR0_EL1_DIT=0x1
expect 4 'pmu=off: cannot predict' "28/6: pmu=off on a profile without offers: cannot predict" \
	-- explain "$DATA/max.json" -- -cpu host,pmu=off
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); d["vcpu"]["config"]="mte"; d["vcpu"]["features"]=["mte"]; d["vcpu"]["offered"]=["pmu","sve","pauth","mte"]; print(json.dumps(d))' "$virt" >"$work/mte-cfg.json"
expect 4 "^option pmu=on: QEMU's default where KVM offers it" "28/7: a profile of the mte configuration: pmu on by default" \
	-- explain "$work/mte-cfg.json" -- -cpu host
expect 4 '^unknown: pmu=on: cannot predict' "28/7: and pmu, as sve, cannot be predicted" -- explain "$work/mte-cfg.json" -- -cpu host
expect 1 "MTE requested, but not supported by KVM" "28/8: mte=on in 11.1's words" -- explain "$virt" -- -M virt,mte=on -cpu host
expect 1 "Could not set register system register op0:3 op1:0 crn:0 crm:6 op2:1 to 200001 \\(is 100001\\)" \
	"28/8: a refused register in 11.1's words" -- explain "$n1qh" -- -accel kvm -M virt $seed
expect 1 'kvm_init_vcpu: kvm_arch_init_vcpu failed \(0\): Invalid argument' "28/9: aarch64=off on max: the vCPU's creation fails" \
	-- explain "$virt" -- -cpu host,aarch64=off
expect 0 'field ID_AA64PFR0_EL1.GIC: guest reads 0x0 \(profile 0x1\): no in-kernel GIC' "28/10: kernel-irqchip=off: no GIC field" \
	-- explain "$virt" -- -accel kvm,kernel-irqchip=off -cpu host
expect 1 'neoverse-n1-qemu-host.json: 1 errors$' "28/11: QEMU stops at foo=on: nothing after it" \
	-- explain "$n1qh" -- -accel kvm -M virt $seed,foo=on
# 13: a property missing on either side is a difference; values are compared.
printf '{"return": {"model": {"name": "host", "props": {"pmu": true}}}}\n' >"$work/qmp-pmu.txt"
expect 1 '^sve: QMP lacks the property' "28/13: qmp-check: a QMP answer of just pmu lacks sve" \
	-- qmp-check "$maxqh" "$work/qmp-pmu.txt"

# --json: what scripts read (docs/idreg.md gives the formats).
aes='[f for r in d["registers"] if r["name"] == "ID_AA64ISAR0_EL1" for f in r["fields"] if f["name"] == "AES"]'
expect_json 0 "d['format'] == 'idregs-list-1' and $aes[0]['mask'] == '0x00000000000000f0'" \
	"list --json: fields with their bits" -- list --json
expect_json 0 "all('value' in f for r in d['registers'] for f in r['fields'])" \
	"list --json --writable: each field with its value" -- list --json --writable "$DATA/max.json"
pmusve=$(model '"pmu": true, "sve": true, "SYSREG_ID_AA64DFR0_EL1_PMUVer": 6' pmusve-json.json)
expect_json 1 "not d['accepted'] and any(p.get('feature') == 'sve' for p in d['problems'])" \
	"compare --json: neoverse-n1 refuses sve, the problem names the feature" -- compare --json "$pmusve" "$n1qh"
expect_json 0 "d['accepted'] and d['properties'] == 1" "compare --json: max runs it" \
	-- compare --json "$pmusve" "$maxqh"
# migrate: QEMU's cpreg list from one host into the other's KVM (the sets
# QEMU 11.1 names on 7.3.4, docs/qemu.md); a host into itself is fine.
expect_json 1 "not d['accepted'] and sorted({m['register'] for m in d['problems']}) == ['ID_AA64ISAR1_EL1', 'ID_AA64MMFR0_EL1', 'ID_AA64MMFR2_EL1', 'ID_AA64PFR0_EL1', 'ID_MMFR0_EL1', 'MIDR_EL1'] and {m['feature'] for m in d['notes'] if 'feature' in m} == {'sve', 'pauth'}" \
	"migrate --json: neoverse-n1's guest into max: refused on the registers QEMU names" \
	-- migrate --json "$n1qh" "$maxqh"
expect_json 0 "d['format'] == 'idregs-migrate-1' and d['accepted'] and not d['problems']" \
	"migrate --json: max into max" -- migrate --json "$maxqh" "$maxqh"
expect 1 'MIDR_EL1: .* refused on' "migrate: the refusal names the register" -- migrate "$n1qh" "$maxqh"
# The whole vCPU (profiles with the register list, kvm_regs): the firmware
# registers too, named as KVM's uapi names them.
maxv=$DATA/max-vcpu-regs.json
n1v=$DATA/neoverse-n1-vcpu-regs.json
max612v=$DATA/max-6.12-vcpu-regs.json
wa3="{'register': 'KVM_REG_ARM_SMCCC_ARCH_WORKAROUND_3', 'kvm_reg': '0x6030000000140003'}.items() <= m.items()"
expect_json 1 "not d['accepted'] and any($wa3 for m in d['problems']) and
	all('bits' in m for m in d['problems'] if 'register' in m)" \
	"migrate --json: max's guest into neoverse-n1: WORKAROUND_3 refused, named" -- migrate --json "$maxv" "$n1v"
expect_json 1 "not any($wa3 for m in d['problems']) and any($wa3 for m in d['notes'])" \
	"migrate --json: neoverse-n1's guest into max: WORKAROUND_3 accepted (a note)" -- migrate --json "$n1v" "$maxv"
expect_json 1 "not d['migratable'] and any($wa3 for m in d['blocking'])" \
	"baseline --json: max and neoverse-n1: WORKAROUND_3 blocks" -- baseline --json "$maxv" "$n1v"
expect_json 1 "d['model']['kvm_regs'] == {'KVM_REG_ARM_PSCI_VERSION': '0x0000000000010001'} and
	any(m.get('register') == 'KVM_REG_ARM_VENDOR_HYP_BMAP_2' for m in d['blocking'])" \
	"baseline --json: 7.3 and 6.12: PSCI lowered for the VMM to set; VENDOR_HYP_BMAP_2 blocks" \
	-- baseline --json "$maxv" "$max612v"
printf '{"model": {"name": "host", "props": {}}, "kvm_regs": {"KVM_REG_ARM_PSCI_VERSION": "0x10003"}}\n' >"$work/psci.json"
expect 1 'kvm-psci-version: QEMU stops: KVM in this kernel does not support PSCI version 1.3' \
	"compare: a PSCI version 6.12 does not know (QEMU writes it: kvm-psci-version)" -- compare "$work/psci.json" "$max612v"
printf '{"model": {"name": "host", "props": {}}, "kvm_regs": {"KVM_REG_ARM_STD_BMAP": "0x10"}}\n' >"$work/bmap.json"
expect 1 'KVM_REG_ARM_STD_BMAP=0x10: refused by .*max-6.12-vcpu-regs.json' \
	"compare: a bitmap bit 6.12 does not implement (the VMM writes it)" -- compare "$work/bmap.json" "$max612v"
expect 0 'can run' "compare: 7.3 knows it" -- compare "$work/psci.json" "$maxv"
expect_json 1 "not d['migratable'] and 'SYSREG_ID_AA64MMFR2_EL1_EVT' in [m.get('property') for m in d['blocking']] and
	any(m.get('register') == 'MIDR_EL1' and m['bits'] == '0xffffffffffffffff' for m in d['blocking'])" \
	"baseline --json: blocking fields and registers, with their bits" -- baseline --json "$maxqh" "$n1qh"
"$IDREG" baseline --json "$maxqh" "$n1qh" 2>/dev/null |
	python3 -c 'import json, sys; json.dump(json.load(sys.stdin)["model"], sys.stdout)' >"$work/base-json.json"
expect 0 'can run' "baseline --json: its model is the model" -- compare "$work/base-json.json" "$n1qh"
expect_json 1 "[(x['key'], x['field'], x['predicted'], x['read']) for x in d['differences']] ==
	[('S3_0_C0_C4_0', 'EL0', '0x0000000000000002', '0x0000000000000003')]" \
	"guest-check --json: the field that differs" \
	-- guest-check --json "$maxqh" "$work/guest-el0.txt" -- -accel kvm -M virt -cpu host
expect_json 0 "d['agrees'] and d['differences'] == []" "guest-check --json: agreement" \
	-- guest-check --json "$maxqh" "$work/guest.txt" -- -accel kvm -M virt -cpu host

# The forms a VMM stack takes (qemu-args --form), each read back by idreg,
# and the named model file a fleet keeps (baseline --name).
SOURCE_DATE_EPOCH=1796000000 "$IDREG" baseline --name pool-2026-12 "$maxqh" "$n1qh" \
	>"$work/pool.json" 2>/dev/null
nr=$((nr + 1))
if python3 -c 'import json, sys; d = json.load(open(sys.argv[1]))
sys.exit(not (d["name"] == "pool-2026-12" and d["format"] == "idregs-model-1" and
	      d["created"] == "2026-11-30T00:53:20Z" and d["model"]["props"]["pmu"]))' "$work/pool.json"; then
	echo "ok $nr - baseline --name: name, format and date (SOURCE_DATE_EPOCH) beside the model"
else
	echo "not ok $nr - baseline --name: name, format and date (SOURCE_DATE_EPOCH) beside the model"
	failed=$((failed + 1))
fi
expect 2 "model name '../x': expected" "baseline --name: a name that is no file name" \
	-- baseline --name ../x "$maxqh"
expect 2 'name needs a value' "baseline --name without a name" -- baseline "$maxqh" --name
sed 's/"idregs-model-1"/"idregs-model-2"/' "$work/pool.json" >"$work/pool2.json"
expect 2 'pool2.json: format: expected "idregs-model-1"' "a model file of another format" \
	-- qemu-args "$work/pool2.json"
expect 2 'expected cpu, global or libvirt' "qemu-args --form of something else" \
	-- qemu-args --form xml "$work/pool.json"

# same DESC CMD...: CMD prints what qemu-args prints for pool.json.
"$IDREG" qemu-args "$work/pool.json" >"$work/pool.line" 2>/dev/null
same() {
	local desc=$1
	shift
	nr=$((nr + 1))
	if "$@" 2>"$work/err" | cmp -s - "$work/pool.line"; then
		echo "ok $nr - $desc"
	else
		echo "not ok $nr - $desc"
		sed 's/^/#   /' "$work/err" | head -n 3
		failed=$((failed + 1))
	fi
}
same "--form cpu is the line" "$IDREG" qemu-args --form cpu "$work/pool.json"
"$IDREG" qemu-args --form global "$work/pool.json" >"$work/pool.global" 2>/dev/null
# shellcheck disable=SC2046 # the form is words, one option or argument each
same "--form global read back as a command line" "$IDREG" qemu-args -- $(cat "$work/pool.global")
expect 0 '^-global host-arm-cpu.SYSREG_ID_AA64DFR0_EL1_PMUVer=0x4$' \
	"--form global: a -global line per property" -- qemu-args --form global "$work/pool.json"
"$IDREG" qemu-args --form libvirt "$work/pool.json" >"$work/pool.xml" 2>/dev/null
same "--form libvirt read back as a model file" "$IDREG" qemu-args "$work/pool.xml"
expect 0 "<idregs:model xmlns:idregs='urn:idregs:model:1' name='pool-2026-12' created='2026-11-30T00:53:20Z'/>" \
	"--form libvirt: the model's name in <metadata>" -- qemu-args --form libvirt "$work/pool.json"
expect 0 'can run' "compare takes the libvirt fragment as a model" -- compare "$work/pool.xml" "$n1qh"
# shellcheck disable=SC2046
expect 0 'QEMU starts and KVM accepts' "explain takes the -global lines" \
	-- explain "$maxqh" -- -accel kvm -M virt $(cat "$work/pool.global")
expect 1 "can't apply global host-arm-cpu.nope=1: Property 'host-arm-cpu.nope' not found" \
	"an unknown -global property: QEMU's refusal, in its words" -- qemu-args -- -cpu host -global host-arm-cpu.nope=1
sed "s/<cpu mode='host-passthrough'/<cpu mode='host-model'/" "$work/pool.xml" >"$work/hm.xml"
expect 2 "hm.xml: libvirt XML: <cpu mode='host-model'>: idreg models -cpu host only" \
	"a libvirt fragment of another CPU mode" -- qemu-args "$work/hm.xml"

# declared: the profile's masks against what sys_regs.c declares.
expect 0 '0 registers differ' "declared: 7.3 -cpu max as declared" -- declared "$DATA/max.json"
expect 0 'Linux 6.12' "declared: a 6.12 profile is held to 6.12" -- declared "$DATA/max-6.12.json"
# Between 6.12 and 7.2: either series' masks pass where they disagree.
sed 's/"kernel": "6.12.117+deb13-arm64"/"kernel": "6.18.15+deb13-arm64"/' "$DATA/max-6.12.json" >"$work/b612.json"
expect 0 'ID_AA64ISAR0_EL1: .*writable, as in 6.12' \
	"declared: between 6.12 and 7.2, 6.12's masks pass, saying which" -- declared "$work/b612.json"
sed 's/"kernel": "7.3.4+deb13-arm64"/"kernel": "6.18.15+deb13-arm64"/' "$DATA/max.json" >"$work/b73.json"
expect 0 '0 registers differ from what both declare' \
	"declared: between 6.12 and 7.2, 7.3's masks pass too" -- declared "$work/b73.json"
sed 's/"0xffffffff00fff00f"/"0xffffffff00fff000"/' "$work/b73.json" >"$work/blost.json"
expect 1 'ID_AA64ISAR1_EL1.*DPB \(3:0\)' \
	"declared: between, a field both declare and lost fails" -- declared "$work/blost.json"
sed 's/"0xffffffff00fff00f"/"0xffffffff0ffff00f"/' "$DATA/max.json" >"$work/gpa.json"
expect 1 'ID_AA64ISAR1_EL1: writable, not declared: GPA \(27:24\)' \
	"declared: a field writable by mistake is named" -- declared "$work/gpa.json"
sed 's/"0xffffffff00fff00f"/"0xffffffff00fff000"/' "$DATA/max.json" >"$work/lost.json"
expect 1 'ID_AA64ISAR1_EL1: declared, not writable: DPB \(3:0\)' \
	"declared: a declared field lost is named" -- declared "$work/lost.json"
sed 's/"kernel": "7.3.4+deb13-arm64"/"kernel": "6.7.1"/' "$DATA/max.json" >"$work/old.json"
expect 2 'older than every series' "declared: a kernel older than every series read" \
	-- declared "$work/old.json"

# list --configs: the configurations run_tests.sh runs (--vcpu all) and checks
# its documented MATRIX_VCPUS against.
expect 0 '^default$' "list --configs: default first" -- list --configs
"$IDREG" list --configs >"$work/configs"
nr=$((nr + 1))
if [ "$(tail -n 1 "$work/configs")" = qemu-host ] && ! grep -qv '^[a-z0-9-]*$' "$work/configs" &&
	[ "$(sort -u "$work/configs" | wc -l)" = "$(wc -l <"$work/configs")" ]; then
	echo "ok $nr - list --configs: one name a line, no name twice, qemu-host last"
else
	echo "not ok $nr - list --configs: one name a line, no name twice, qemu-host last"
	failed=$((failed + 1))
fi
nr=$((nr + 1))
if "$TOP/run_tests.sh" --list >"$work/list" 2>&1 &&
	grep -qx "vCPU configurations: $(paste -sd, - <"$work/configs")" "$work/list" &&
	grep -q '^matrix vCPU configurations: ' "$work/list"; then
	echo "ok $nr - run_tests.sh: every configuration from idreg, MATRIX_VCPUS among them"
else
	echo "not ok $nr - run_tests.sh: every configuration from idreg, MATRIX_VCPUS among them"
	sed 's/^/#   /' "$work/list" | head -n 5
	failed=$((failed + 1))
fi
nr=$((nr + 1))
if ! "$TOP/run_tests.sh" --vcpu pmu,nope --list >"$work/list" 2>&1 &&
	grep -q "unknown vCPU configuration 'nope'" "$work/list"; then
	echo "ok $nr - run_tests.sh --vcpu: an unknown name is refused"
else
	echo "not ok $nr - run_tests.sh --vcpu: an unknown name is refused"
	failed=$((failed + 1))
fi

echo "$((nr - failed)) passed, $failed failed"
[ "$failed" = 0 ]
