#!/usr/bin/env bash
# tools/mutate/run.sh's verdicts without a kernel: canned consoles (the
# runner's KTAP with the tests' results inside) through verdict.sh, and
# run.sh's record and report on canned verdicts.  That a TIMEOUT, a hung
# host, one that never reached /init and a missing result are errors and
# never kills; that a kill names its failing result and is "behaviour"
# unless only the declared masks or sanitising disagreed; the score lines.
#
#   tools/mutate/test_run.sh
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tools/mutate/run.sh
. "$TOP/tools/mutate/run.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0 n=0

check() {
	local what=$1 want=$2 got=$3
	n=$((n + 1))
	if [ "$got" = "$want" ]; then
		echo "ok $n $what"
	else
		echo "not ok $n $what"
		echo "#   want: $want"
		echo "#   got:  $got"
		fails=$((fails + 1))
	fi
}

# A console of the runner: test $1 with result lines $2 (one a line, as the
# test prints them), ending with runner line $3 (empty: never ends).
console() {
	echo "# selftests: idregs: $1"
	echo "# TAP version 13"
	[ -z "$2" ] || sed 's/^/# /' <<<"$2"
	[ -z "$3" ] || echo "$3"
}

IDREGS="writable_masks_test defaults_test guest_view_test"
ok_all() {
	local t i=0
	for t in $IDREGS; do
		i=$((i + 1))
		console "$t" "ok 1 something" "ok $i selftests: idregs: $t"
	done
}

# judge FILE HOST: the idregs verdict of a console.
judge_console() {
	verdict_results "$1" >"$1.results"
	# shellcheck disable=SC2086
	verdict_suite "$1.results" "$2" $IDREGS
}

ok_all >"$work/pass"
check "every test passed: survived" survived "$(judge_console "$work/pass" "")"

{
	console writable_masks_test "ok 1 ID_AA64PFR0_EL1: mask 0x0 as declared" "ok 1 selftests: idregs: writable_masks_test"
	console defaults_test "not ok 4 ID_AA64PFR0_EL1.sanitised: 0x1 SVE (35:32) = 0x1, but sanitise_id_aa64pfr0_el1() clears it" \
		"not ok 2 selftests: idregs: defaults_test # exit=1"
	console guest_view_test "ok 1 x" "ok 3 selftests: idregs: guest_view_test"
} >"$work/source"
check "only a sanitised result failed: a source kill naming it" \
	"killed source defaults_test: not ok 4 ID_AA64PFR0_EL1.sanitised: 0x1 SVE (35:32) = 0x1, but sanitise_id_aa64pfr0_el1() clears it" \
	"$(judge_console "$work/source" "")"

{
	console writable_masks_test "not ok 7 CLIDR_EL1: mask 0x0: declared writable but not: Ctype1 (2:0)" \
		"not ok 1 selftests: idregs: writable_masks_test # exit=1"
	console defaults_test "not ok 4 ID_AA64PFR0_EL1.sanitised@sve: 0x1 bad" "not ok 2 selftests: idregs: defaults_test # exit=1"
	console guest_view_test "ok 1 x" "ok 3 selftests: idregs: guest_view_test"
} >"$work/source2"
check "a declared mask and a sanitised@config result: still source only" \
	"killed source writable_masks_test: not ok 7 CLIDR_EL1: mask 0x0: declared writable but not: Ctype1 (2:0)" \
	"$(judge_console "$work/source2" "")"

{
	console writable_masks_test "not ok 7 CLIDR_EL1: mask 0x0: declared writable but not: Ctype1 (2:0)" \
		"not ok 1 selftests: idregs: writable_masks_test # exit=1"
	console defaults_test "ok 1 x" "ok 2 selftests: idregs: defaults_test"
	console guest_view_test "not ok 9 CTR_EL0.a32@aarch32-el1: guest read 0x8444c004, KVM_GET_ONE_REG 0x8444c003" \
		"not ok 3 selftests: idregs: guest_view_test # exit=1"
} >"$work/behaviour"
check "a source and a behaviour result: a behaviour kill naming the behaviour result" \
	"killed behaviour guest_view_test: not ok 9 CTR_EL0.a32@aarch32-el1: guest read 0x8444c004, KVM_GET_ONE_REG 0x8444c003" \
	"$(judge_console "$work/behaviour" "")"

{
	console writable_masks_test "not ok 2 masks.unwritable: slot 5 (ID_PFR2_EL1) answered 0xff... with the buffer prefilled" \
		"not ok 1 selftests: idregs: writable_masks_test # exit=1"
	console defaults_test "ok 1 x" "ok 2 selftests: idregs: defaults_test"
	console guest_view_test "ok 1 x" "ok 3 selftests: idregs: guest_view_test"
} >"$work/masks-behaviour"
check "a writable_masks result about the ioctl's answer is behaviour" \
	"killed behaviour writable_masks_test: not ok 2 masks.unwritable: slot 5 (ID_PFR2_EL1) answered 0xff... with the buffer prefilled" \
	"$(judge_console "$work/masks-behaviour" "")"

{
	console writable_masks_test "ok 1 x" "ok 1 selftests: idregs: writable_masks_test"
	console defaults_test "ok 1 x" "ok 2 selftests: idregs: defaults_test"
	console guest_view_test "ok 1 x" "not ok 3 selftests: idregs: guest_view_test # TIMEOUT 60 seconds"
} >"$work/timeout"
check "a TIMEOUT is an error, not a kill" "error guest_view_test: TIMEOUT 60 seconds" \
	"$(judge_console "$work/timeout" "")"

{
	console writable_masks_test "ok 1 x" "ok 1 selftests: idregs: writable_masks_test"
	console defaults_test "ok 1 x" "ok 2 selftests: idregs: defaults_test"
	console guest_view_test "not ok 4 guest.default@pmu: guest on vcpu 0 stalled: stopped after 10000 ms, 3 exits, 2 values (PC 0x40001008)" \
		"not ok 3 selftests: idregs: guest_view_test # exit=1"
} >"$work/stalled"
check "a guest stopped by its wall-time bound is an error" \
	"error guest_view_test: not ok 4 guest.default@pmu: guest on vcpu 0 stalled: stopped after 10000 ms, 3 exits, 2 values (PC 0x40001008)" \
	"$(judge_console "$work/stalled" "")"

{
	console writable_masks_test "ok 1 x" "ok 1 selftests: idregs: writable_masks_test"
	console defaults_test "ok 1 x" ""
} >"$work/hung"
check "a host that hung: an error naming the tests without a result" \
	"error emulated host hung: killed after 450 s (no result for defaults_test guest_view_test)" \
	"$(judge_console "$work/hung" "emulated host hung: killed after 450 s")"

: >"$work/noinit"
check "a host that never reached /init: an error" \
	"error the kernel did not reach /init within 60 s (x) (no result for writable_masks_test defaults_test guest_view_test)" \
	"$(judge_console "$work/noinit" "the kernel did not reach /init within 60 s (x)")"

{
	console writable_masks_test "ok 1 x" "ok 1 selftests: idregs: writable_masks_test"
} >"$work/short"
check "a host that ended without every result: an error" \
	"error emulated host ended without a result (qemu exit status 0) (no result for defaults_test guest_view_test)" \
	"$(judge_console "$work/short" "emulated host ended without a result (qemu exit status 0)")"

{
	console writable_masks_test "ok 1 x" "ok 1 selftests: idregs: writable_masks_test"
	console defaults_test "ok 1 x" ""
	echo "Unable to handle kernel NULL pointer dereference at virtual address 0"
} >"$work/crash"
check "a host kernel crash during a test: a behaviour kill" \
	"killed behaviour defaults_test: host kernel crash/warning" \
	"$(judge_console "$work/crash" "host kernel crash/warning")"

{
	console writable_masks_test "ok 1 x" "ok 1 selftests: idregs: writable_masks_test"
	console defaults_test "ok 1 x" "ok 2 selftests: idregs: defaults_test"
	console guest_view_test "ok 1 x" "not ok 3 selftests: idregs: guest_view_test # exit=139"
} >"$work/exit"
check "a test failing without a failing result: a behaviour kill by its exit" \
	"killed behaviour guest_view_test: exit=139" "$(judge_console "$work/exit" "")"

{
	echo "# selftests: idregs: set_id_regs"
	echo "# ==== Test Assertion Failure ===="
	echo "#   arm64/set_id_regs.c:450: val == user_val"
	echo "not ok 1 selftests: idregs: set_id_regs # exit=254"
} >"$work/sir"
verdict_results "$work/sir" >"$work/sir.results"
check "set_id_regs' assertion names the failing line" \
	"killed behaviour set_id_regs: assertion: arm64/set_id_regs.c:450: val == user_val" \
	"$(verdict_suite "$work/sir.results" "" set_id_regs)"

check "verdict_kind: a declared mask result is source" source \
	"$(verdict_kind writable_masks_test "not ok 3 ID_AA64MMFR1_EL1: mask 0xf: writable but not declared: VH (11:8) (7.3)")"
check "verdict_kind: a defaults result is behaviour" behaviour \
	"$(verdict_kind defaults_test "not ok 3 CLIDR_EL1.defaults@mte: 0x0 Ttype1 = 0, the VM has MTE")"
check "verdict_kind: the register list against sys_reg_descs[] is source" source \
	"$(verdict_kind vcpu_surroundings_test "not ok 4 reg_list.id_slots@pmu: 61 ID slots listed, held to 7.3's sys_reg_descs[] (0 slots they leave open); 1 differ from it, 0 where GET_ONE_REG disagrees with the list; S3_0_0_3_3 missing, but arch/arm64/kvm/sys_regs.c:3367")"
check "verdict_kind: a listed slot GET_ONE_REG cannot read is behaviour" behaviour \
	"$(verdict_kind vcpu_surroundings_test "not ok 4 reg_list.id_slots: 61 ID slots listed, held to 7.3's sys_reg_descs[] (0 slots they leave open); 1 differ from it, 1 where GET_ONE_REG disagrees with the list; S3_0_0_3_3 not listed but GET_ONE_REG reads it")"
check "verdict_kind: a sanitised-looking name in another test is behaviour" behaviour \
	"$(verdict_kind guest_view_test "not ok 3 ID_AA64PFR0_EL1.sanitised: 0x1")"

# The runner's own parts: hosts from the header, the default arguments.
printf '# Mutant: m\n# Class: c\n# Expect: killed\n# Host: host=nested vcpu=el2\n' >"$work/40-x.patch"
check "setup_of reads # Host:" "max nested el2" "$(setup_of "$work/40-x.patch" max)"
check "default_args: the same host without --vcpu" "max nested -" "$(default_args "$work/40-x.patch" max)"
printf '# Mutant: m\n# Class: c\n# Expect: killed\n# Host: host=mte\n' >"$work/88-y.patch"
check "default_args: nothing without vcpu= (the first run stands for both)" "" "$(default_args "$work/88-y.patch" max)"
check "setup_of: the default configuration by default" "max mte default" "$(setup_of "$work/88-y.patch" max)"

# record and report on canned verdicts: the two scores, the table's kind.
mkdir -p "$work/run"
: >"$work/run/counts"
: >"$work/run/rows.md"
: >"$work/run/sir-broken"
printf '# Mutant: m\n# Class: c\n# Expect: killed\n' >"$work/01-a.patch"
printf '# Mutant: m\n# Class: c\n# Expect: killed\n' >"$work/02-b.patch"
printf '# Mutant: m\n# Class: c\n# Expect: equivalent: no test can\n' >"$work/03-c.patch"
printf 'killed behaviour guest_view_test: not ok 1 x\tsurvived\tkilled behaviour guest_view_test: not ok 1 x\t5\n' >"$work/run/01-a.verdict"
printf 'killed source defaults_test: not ok 2 y.sanitised: z\tkilled behaviour set_id_regs: q\tsurvived\t6\n' >"$work/run/02-b.verdict"
printf 'survived\tsurvived\tsurvived\t7\n' >"$work/run/03-c.verdict"
printf 'killed behaviour x: y\tsurvived\tsurvived\t5\n' >"$work/run/40-x.verdict"
for m in 01-a 02-b 03-c 40-x; do
	record "$work/run" "$work/$m.patch" "$m" max 3 "[?]" >/dev/null
done
report "$work/run" "$work/run/out.md" test >"$work/run/report"
check "score: behaviour and source only" \
	"idregs killed 2/3 by behaviour, 1/3 by source comparison only (66% by behaviour)" \
	"$(grep 'by behaviour' "$work/run/report")"
check "score: with the tests' default arguments" \
	"idregs killed 1/3 with the tests' default arguments (no vcpu= from # Host:, as kernel CI runs them), 3/3 with them" \
	"$(grep '^idregs killed.*default arguments' "$work/run/report")"
check "the table says the kill's kind" "| 02-b | c | m | killed | source |" \
	"$(grep -o '^| 02-b | c | m | killed | source |' "$work/run/out.md")"
check "an equivalent mutant that survives counts nowhere" "" "$(grep -c '03-c' "$work/run/counts" | grep -v '^1$')"

echo "# $n checks, $fails failed"
[ "$fails" = 0 ]
