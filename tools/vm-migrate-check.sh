#!/usr/bin/env bash
# Real migrations with idregs' own VMM (idreg vm-save, vm-restore;
# docs/migration.md) between two emulated hosts (default: -cpu max and
# -cpu neoverse-n1, the newest cached kernel).  A guest runs on one host,
# its VM's complete state (every register KVM_GET_REG_LIST lists, its
# memory) is saved to a file, the file comes out on the console and goes
# into the other host's initramfs, and the VM is restored there:
#
#   - with the baseline of both hosts (`idreg baseline` of their profiles,
#     written by `vm-save --model`), A to B and B to A: every register is
#     accepted and the guest goes on, counts on and reads again what it
#     read before (the baseline's view);
#   - without it (the source's own values, vCPU configuration
#     NEG_CONFIG, the baseline's features), A to B and B to A: the restore
#     succeeds exactly when `idreg compare` says the destination can run
#     the source's model, and every ID register it refuses is one compare
#     names (`idreg compare --json`: the registers of its problems);
#   - two vCPU configurations on host A: a pmu VM restored as a pmu VM
#     goes on; restored into a VM without PMU it is refused on the PMU's
#     ID registers (PMUVer) and the PMU registers the new vCPU lacks.
#
# Each host boots twice (once per direction): A saves; B dumps, computes
# the baseline, restores A's state and saves its own; A restores B's and
# saves with the baseline; B restores that.
#
#   tools/vm-migrate-check.sh [--kernel VER] [--cpus A,B] [--keep DIR]
#
# Prints one KTAP result per check and a closing "N passed, N failed"
# line.  Exit: 0 all passed, 1 a failure, 2 usage.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tools/lib/qemu-host.sh"

# The vCPU configuration of the saves without the baseline: the features
# -cpu max and neoverse-n1 both offer (the baseline's), so that only the
# ID registers' values differ.
NEG_CONFIG=${NEG_CONFIG:-pmu}
# Seconds the guest's CNTVCT_EL0 may advance between its reads before the
# save and after the restore (measured: 0.05-0.7 s; the hosts boot 5-10 s
# apart, so a counter that followed the host's would be out).
COUNTER_BOUND=${COUNTER_BOUND:-5}

qemu_host_args vm-migrate-check '2,29p' "$@"
cpu_a=$QEMU_HOST_CPU_A cpu_b=$QEMU_HOST_CPU_B
ktap_workdir work "$QEMU_HOST_KEEP" idregs-vm-migrate || exit 2
title="idregs' own VMM migrates between -cpu $cpu_a and -cpu $cpu_b"

ktap_begin
[ -x "$CACHE/busybox-arm64/busybox" ] || "$TOP/scripts/deps.sh" --quiet ||
	{ echo "Bail out! scripts/deps.sh failed"; exit 1; }
make -s -C "$TOP" idreg >"$work/build.log" 2>&1 || {
	cat "$work/build.log" >&2
	echo "Bail out! building idreg failed"
	exit 1
}
idreg="$TOP/build/idreg"
answer="$TOP/tools/lib/idreg_answer.py"
kdir=$(emu_resolve_kernels "$QEMU_HOST_KERNEL") || exit 1
kdir=$(head -n 1 <<<"$kdir")
echo "# kernel $(emu_release "$kdir"), vCPU configuration without the baseline: $NEG_CONFIG"

# Every boot: the root of tools/lib/qemu-host.sh without QEMU; /plan runs
# idreg (each "run NAME" leaves NAME.out, NAME.err, NAME.rc and its
# /tmp/NAME.* files in $work/BOOT/out/), the files it gets are in /in/.

# boot NAME CPU [FILE...]: boot a host with -cpu CPU running $work/NAME/plan
# with the FILEs in /in/.
boot() {
	local name=$1 cpu=$2 dir=$work/$1 rc t0=$SECONDS
	shift 2
	mkdir -p "$dir/stage/in"
	cp "$dir/plan" "$dir/stage/plan"
	[ $# = 0 ] || cp "$@" "$dir/stage/in/"
	qemu_host_boot "$work" "$kdir" "$name" "$cpu"
	rc=$?
	echo "# boot $name (-cpu $cpu): $((SECONDS - t0)) s"
	return "$rc"
}

# out BOOT RUN [EXT]: the path of a file run RUN of boot BOOT left (its
# stdout without EXT); rc_of BOOT RUN: its exit status.
out() { qemu_host_file "$work" "$1" "$2" "${3:-out}"; }
rc_of() { qemu_host_rc "$work" "$1" "$2"; }

# The lines of a restore's JSON the checks read ("key value"): restored,
# counter, differ, the refused ID registers by name, the other refusals'
# errnos, the error.
summary() {
	python3 - "$1" "$COUNTER_BOUND" <<'PY'
import json, re, sys
COUNTER_BOUND = float(sys.argv[2])
try:
    d = json.load(open(sys.argv[1]))
except (OSError, ValueError) as e:
    print("unreadable", e)
    sys.exit(0)
is_id = re.compile(r"^S3_[013]_C0_C[0-7]_[0-7]$")
ids = [r["name"] for r in d["refused"] if is_id.match(r["what"])]
other = sorted({r["errno"] for r in d["refused"] if not is_id.match(r["what"])})
g = d["guest"] or {}
print("restored", "yes" if d["restored"] else "no")
print("set", d["set"], "refused", d["refused_total"])
print("refused_id", " ".join(ids))
print("refused_other", sum(1 for r in d["refused"] if not is_id.match(r["what"])),
      "errnos", ",".join(map(str, other)))
fw = [r for r in d["refused"] if r["what"].startswith("firmware ")]
print("refused_fw", " ".join(sorted("0x%016x" % int(r["id"], 16) for r in fw)))
print("refused_fw_values", ",".join(r["name"] + "=" + r["value"] + ">" + str(r["now"])
                                    for r in fw))
print("refused_names", ",".join(r["name"] for r in d["refused"]))
print("counter", g.get("counter", "-"), "differ", g.get("differ", "-"))
# The guest's virtual counter between its reads before the save and after
# the restore: the time it ran, not the time between the hosts' boots.
print("counter_seconds", g.get("cntvct_seconds", "-"),
      "ok" if 0 <= g.get("cntvct_seconds", -1) < COUNTER_BOUND else "out of bounds")
print("differences", " ".join(x["name"] for x in g.get("differences", [])))
print("error", d["error"] or "")
PY
}

# field KEY FILE: the value of a summary line.
field() { sed -n "s/^$1 //p" "$2" | head -n 1; }

# sorted_words WORDS...: one line, sorted, no repeats.
sorted_words() { tr ' ' '\n' <<<"$*" | sed '/^$/d' | sort -u | tr '\n' ' ' | sed 's/ $//'; }

# expect_fw NAME SOURCE DEST: the firmware registers of the profile SOURCE
# that the KVM of the profile DEST refuses, as `idreg migrate --json` names
# them (vmm/migration.c; its problems with a "kvm_reg"), into
# $work/NAME.fw, "ID NAME" a line.  A restore from SOURCE's host to DEST's
# is refused on exactly those.  migrate judges the hosts' own values: a
# model's lowered kvm_regs would pass where it refuses (none here: both
# hosts run one kernel).
expect_fw() {
	local name=$1 src=$2 dst=$3 rc
	"$idreg" migrate --json "$src" "$dst" >"$work/$name.migrate.json" 2>"$work/$name.migrate.err"
	rc=$?
	if ! "$answer" kvm-regs "$work/$name.migrate.json" problems >"$work/$name.fw" ||
		[ "$rc" -gt 1 ]; then
		echo "unanswered idreg-migrate-exit-$rc" >"$work/$name.fw"
		sed 's/^/# migrate: /' "$work/$name.migrate.err"
	fi
}

# fw_ids FILE, fw_names FILE: what expect_fw wrote, on one line.
fw_ids() { cut -d' ' -f1 "$1" | tr '\n' ' ' | sed 's/ $//'; }
fw_names() { cut -d' ' -f2 "$1" | tr '\n' ' ' | sed 's/ $//'; }

# A restore with the baseline: refused on exactly the registers of the
# fields `idreg baseline` reported blocking ($blocking_regs: differing, not
# writable where needed) and the firmware registers of expect_fw's FW_FILE,
# every other register accepted; with nothing to refuse, the guest goes
# on, counts on and reads what it read before.  A restore between boots of
# the same CPU passes no expectations.
check_restored() {
	local boot=$1 name=$2 what=$3 want_ids=${4:-} fw=${5:-/dev/null} s ids known
	s=$work/$boot.$name.summary
	summary "$(out "$boot" "$name")" >"$s"
	sed 's/^/# /' "$s"
	ids=$(sorted_words "$(field refused_id "$s")")
	want_ids=$(sorted_words "$want_ids")
	known=$(fw_ids "$fw")
	if [ -n "$want_ids$known" ]; then
		[ "$(field restored "$s")" = no ] && [ "$ids" = "$want_ids" ] &&
			[ "$(field refused_fw "$s")" = "$known" ]
		ktap_result $? "$what: refused exactly on the baseline's blocking registers (${want_ids:-none})${known:+ and the firmware registers idreg migrate names ($(fw_names "$fw"))}, every other register accepted"
		return
	fi
	[ "$(rc_of "$boot" "$name")" = 0 ] && [ "$(field restored "$s")" = yes ] &&
		[ "$(field counter "$s")" = "2000 differ 0" ] &&
		[ "$(field counter_seconds "$s" | cut -d' ' -f2-)" = ok ]
	rc=$?
	[ "$rc" = 0 ] || sed 's/^/# stderr: /' "$(out "$boot" "$name" err)" | head -n 5
	ktap_result "$rc" "$what: every register accepted, the guest counts on to 2000, its CNTVCT_EL0 goes on (under $COUNTER_BOUND s) and it reads what it read before"
}

# A vm-save that must succeed.
check_saved() {
	local boot=$1 name=$2 what=$3
	[ "$(rc_of "$boot" "$name")" = 0 ] && [ -s "$(out "$boot" "$name" state)" ]
	rc=$?
	sed 's/^/# /' "$(out "$boot" "$name")" "$(out "$boot" "$name" err)" 2>/dev/null | head -n 5
	ktap_result "$rc" "$what"
}

# A restore without the baseline against `idreg compare` of the source's
# model (the baseline of its own profile) and the destination's profile:
# restored exactly when compare says it can run; every ID register compare
# names is refused, and every one refused is named by compare or is a
# blocking register of the baseline (a field not writable on the source is
# not in the source's model: compare cannot name it).  compare and baseline
# are read from their --json answers (tools/lib/idreg_answer.py).  Firmware
# registers are beyond compare: those of expect_fw's FW_FILE.
check_against_compare() {
	local boot=$1 name=$2 model=$3 profile=$4 what=$5 fw=$6 s cmp crc named refused r bad= also
	local known fw_said
	known=$(fw_ids "$fw")
	fw_said="the firmware registers idreg migrate names ($(fw_names "$fw"))"
	s=$work/$boot.$name.summary
	cmp=$work/$boot.$name.compare
	summary "$(out "$boot" "$name")" >"$s"
	"$idreg" compare --json "$model" "$profile" >"$cmp" 2>"$cmp.err"
	crc=$?
	sed 's/^/# restore: /' "$s"
	"$answer" messages "$cmp" problems | cut -c 1-160 | sed 's/^# /# compare: /' | tail -n 25
	named=$(sorted_words "$("$answer" registers "$cmp" problems)")
	refused=$(sorted_words "$(field refused_id "$s")")
	echo "# ID registers compare names: ${named:-none}"
	echo "# ID registers KVM refused:   ${refused:-none}"
	for r in $named; do
		[[ " $refused " == *" $r "* ]] || bad+=" $r (named, not refused)"
	done
	for r in $refused; do
		[[ " $named $blocking_regs " == *" $r "* ]] || bad+=" $r (refused, named by neither)"
	done
	[ -n "$bad" ] && echo "# disagreement:$bad"
	if [ "$crc" = 1 ]; then
		[ "$(field restored "$s")" = no ] && [ -n "$refused" ] && [ -z "$bad" ] &&
			[ "$(field refused_fw "$s")" = "$known" ]
		rc=$?
		also=
		[ "$named" = "$refused" ] || also=" and the baseline's blocking ones"
		ktap_result "$rc" "$what: compare says it cannot run (exit 1); the restore is refused on its $(wc -w <<<"$named") registers$also${known:+, and $fw_said}"
	else
		[ "$crc" = 0 ] && [ -z "$bad" ] && [ "$(field refused_fw "$s")" = "$known" ] &&
			{ [ -n "$known$refused" ] || [ "$(field counter "$s")" = "2000 differ 0" ]; }
		ktap_result $? "$what: compare says it can run (exit $crc); the restore agrees${refused:+ but for the blocking $refused}${known:+, refused $fw_said}"
	fi
}

qemu_host_stage "$work" --no-qemu || { echo "Bail out! staging the hosts' root failed"; exit 1; }

# Boot 1, A: its profiles; a pmu VM saved; restored as pmu and as default.
mkdir -p "$work/1-a"
cat >"$work/1-a/plan" <<PLAN
run a idreg dump
run a-neg idreg dump --vcpu $NEG_CONFIG
run a-own idreg vm-save --vcpu $NEG_CONFIG /tmp/a-own.state
run a-same idreg vm-restore --json /tmp/a-own.state
run a-default idreg vm-restore --json --vcpu default /tmp/a-own.state
PLAN
boot 1-a "$cpu_a"
ktap_result $? "-cpu $cpu_a boots, saves a $NEG_CONFIG VM and restores it twice"
check_saved 1-a a-own "-cpu $cpu_a: vm-save --vcpu $NEG_CONFIG: the guest read what GET_ONE_REG gives"
check_restored 1-a a-same "-cpu $cpu_a: the $NEG_CONFIG VM into a $NEG_CONFIG VM on the same host"
s=$work/1-a.a-default.summary
summary "$(out 1-a a-default)" >"$s"
sed 's/^/# /' "$s"
# PMUVer lives in ID_AA64DFR0_EL1 (and PerfMon in ID_DFR0_EL1); the PMU's
# own registers do not exist without it (ENOENT, errno 2).
ids=" $(sorted_words "$(field refused_id "$s")") "
[ "$(field restored "$s")" = no ] && [[ "$ids" == *" ID_AA64DFR0_EL1 "* ]] &&
	[ -z "$(sed 's/ ID_AA64DFR0_EL1 / /; s/ ID_DFR0_EL1 / /; s/ //g' <<<"$ids")" ] &&
	[ "$(field refused_other "$s" | sed 's/.*errnos //')" = 2 ]
ktap_result $? "-cpu $cpu_a: the $NEG_CONFIG VM into a default VM is refused on the PMU's ID registers ($(sorted_words "$ids")) and the PMU registers the new vCPU lacks"
ktap_failures && ktap_finish "$title ($SECONDS s)"

# Boot 2, B: its profiles and the baseline; A's state without the
# baseline; B's own saves.
mkdir -p "$work/2-b"
cat >"$work/2-b/plan" <<PLAN
run b idreg dump
run b-neg idreg dump --vcpu $NEG_CONFIG
run model idreg baseline /in/a.out /tmp/b.out
run b-from-a-own idreg vm-restore --json /in/a-own.state
run b-base idreg vm-save --model /tmp/model.out /tmp/b-base.state
run b-own idreg vm-save --vcpu $NEG_CONFIG /tmp/b-own.state
PLAN
boot 2-b "$cpu_b" "$(out 1-a a)" "$(out 1-a a-own state)"
ktap_result $? "-cpu $cpu_b boots, computes the baseline, restores -cpu $cpu_a's VM and saves two"
[ "$(rc_of 2-b model)" -le 1 ] && [ -s "$(out 2-b model)" ]
rc=$?
grep -v '^note: ' "$(out 2-b model err)" | sed 's/^/# /'
ktap_result "$rc" "idreg baseline of -cpu $cpu_a and -cpu $cpu_b"
# The registers of the fields the baseline cannot make agree.
"$idreg" baseline --json "$(out 1-a a)" "$(out 2-b b)" >"$work/baseline.json" 2>/dev/null
# Fields only: our VMM enables the imp-id capability, so MIDR_EL1 travels.
blocking_regs=$(sorted_words "$("$answer" field-registers "$work/baseline.json" blocking)")
echo "# the baseline's blocking registers: ${blocking_regs:-none}"
"$idreg" baseline "$(out 1-a a-neg)" >"$work/a-own.model.json" 2>/dev/null
"$idreg" baseline "$(out 2-b b-neg)" >"$work/b-own.model.json" 2>/dev/null
expect_fw a-b "$(out 1-a a)" "$(out 2-b b)"
expect_fw b-a "$(out 2-b b)" "$(out 1-a a)"
expect_fw a-b-own "$(out 1-a a-neg)" "$(out 2-b b-neg)"
expect_fw b-a-own "$(out 2-b b-neg)" "$(out 1-a a-neg)"
check_against_compare 2-b b-from-a-own "$work/a-own.model.json" "$(out 2-b b-neg)" \
	"-cpu $cpu_a to -cpu $cpu_b without the baseline" "$work/a-b-own.fw"
check_saved 2-b b-base "-cpu $cpu_b: vm-save --model (the baseline): the guest reads what was written"
check_saved 2-b b-own "-cpu $cpu_b: vm-save --vcpu $NEG_CONFIG"
ktap_failures && ktap_finish "$title ($SECONDS s)"

# Boot 3, A: B's states; A's save with the baseline.
mkdir -p "$work/3-a"
cat >"$work/3-a/plan" <<PLAN
run a-from-a-own idreg vm-restore --json /in/a-own.state
run a-from-b-base idreg vm-restore --json /in/b-base.state
run a-from-b-own idreg vm-restore --json /in/b-own.state
run a-base idreg vm-save --model /in/model.out /tmp/a-base.state
PLAN
boot 3-a "$cpu_a" "$(out 2-b model)" "$(out 2-b b-base state)" "$(out 2-b b-own state)" \
	"$(out 1-a a-own state)"
ktap_result $? "-cpu $cpu_a boots again, restores -cpu $cpu_b's VMs and its own first boot's, saves one"
check_restored 3-a a-from-a-own "-cpu $cpu_a's first boot to its second (the same CPU, another host)"
check_restored 3-a a-from-b-base "-cpu $cpu_b to -cpu $cpu_a with the baseline" "$blocking_regs" \
	"$work/b-a.fw"
check_against_compare 3-a a-from-b-own "$work/b-own.model.json" "$(out 1-a a-neg)" \
	"-cpu $cpu_b to -cpu $cpu_a without the baseline" "$work/b-a-own.fw"
check_saved 3-a a-base "-cpu $cpu_a: vm-save --model (the baseline)"

# Boot 4, B: A's state with the baseline.
mkdir -p "$work/4-b"
cat >"$work/4-b/plan" <<PLAN
run b-from-a-base idreg vm-restore --json /in/a-base.state
run b-from-b-base idreg vm-restore --json /in/b-base.state
PLAN
boot 4-b "$cpu_b" "$(out 3-a a-base state)" "$(out 2-b b-base state)"
ktap_result $? "-cpu $cpu_b boots again and restores -cpu $cpu_a's VM and its own first boot's"
check_restored 4-b b-from-a-base "-cpu $cpu_a to -cpu $cpu_b with the baseline" "$blocking_regs" \
	"$work/a-b.fw"
check_restored 4-b b-from-b-base "-cpu $cpu_b's first boot to its second with the baseline (the same CPU, another host)"
ktap_finish "$title ($SECONDS s)"
