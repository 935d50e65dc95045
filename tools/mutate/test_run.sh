#!/usr/bin/env bash
# tools/mutate/run.sh without a kernel: consoles built from the schema
# (tools/lib/console.py make: results with their idregs-result kind)
# through run.sh's suite_verdict, and run.sh's record and report on canned
# verdicts.  That a TIMEOUT, a hung host, one that never reached /init and
# a missing result are errors and never kills; that a kill names its
# failing result and is "behaviour" unless only source results failed; the
# files a patch changes (git's and diff -u's headers); the score lines.
# The reader's own cases: tools/lib/test_console.py.
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

# A console of the runner from the schema (tools/lib/console.py make):
# JSON on stdin into file $1, with the boot's own verdict $2 in $1.host.
console() {
	idregs_console make >"$1"
	printf '%s\n' "$2" >"$1.host"
}

IDREGS="writable_masks_test defaults_test guest_view_test"
# judge FILE: the idregs verdict of a console (run.sh's suite_verdict).
judge_console() {
	# shellcheck disable=SC2086
	suite_verdict "$1" $IDREGS
}

console "$work/pass" "" <<'JSON'
{"tests": [{"name": "writable_masks_test", "results": [{"name": "a"}]},
 {"name": "defaults_test", "results": [{"name": "a"}]},
 {"name": "guest_view_test", "results": [{"name": "a"}]}]}
JSON
check "every test passed: survived" survived "$(judge_console "$work/pass")"

console "$work/source" "" <<'JSON'
{"tests": [{"name": "writable_masks_test", "end": "fail",
  "results": [{"name": "CLIDR_EL1", "status": "fail", "kind": "source", "detail": "d"}]},
 {"name": "defaults_test", "end": "fail",
  "results": [{"name": "ID_AA64PFR0_EL1.sanitised@sve", "status": "fail", "kind": "source"}]},
 {"name": "guest_view_test", "results": [{"name": "a"}]}]}
JSON
check "only source results failed: a source kill naming the first" \
	"killed source writable_masks_test: not ok 1 CLIDR_EL1: d" "$(judge_console "$work/source")"

console "$work/behaviour" "" <<'JSON'
{"tests": [{"name": "writable_masks_test", "end": "fail",
  "results": [{"name": "CLIDR_EL1", "status": "fail", "kind": "source"}]},
 {"name": "defaults_test", "results": [{"name": "a"}]},
 {"name": "guest_view_test", "end": "fail",
  "results": [{"name": "a"}, {"name": "CTR_EL0.a32@aarch32-el1", "status": "fail", "kind": "behaviour", "detail": "d"}]}]}
JSON
check "a source and a behaviour result: a behaviour kill naming the behaviour result" \
	"killed behaviour guest_view_test: not ok 2 CTR_EL0.a32@aarch32-el1: d" \
	"$(judge_console "$work/behaviour")"

console "$work/norecord" "" <<'JSON'
{"tests": [{"name": "writable_masks_test", "end": "fail",
  "results": [{"name": "masks.unwritable", "status": "fail", "detail": "d"}]},
 {"name": "defaults_test"}, {"name": "guest_view_test"}]}
JSON
check "a failing result without a kind record is behaviour" \
	"killed behaviour writable_masks_test: not ok 1 masks.unwritable: d" \
	"$(judge_console "$work/norecord")"

console "$work/timeout" "" <<'JSON'
{"tests": [{"name": "writable_masks_test"}, {"name": "defaults_test"},
 {"name": "guest_view_test", "end": "timeout", "directive": "60"}]}
JSON
check "a TIMEOUT is an error, not a kill" "error guest_view_test: TIMEOUT 60 seconds" \
	"$(judge_console "$work/timeout")"

console "$work/stalled" "" <<'JSON'
{"tests": [{"name": "writable_masks_test"}, {"name": "defaults_test"},
 {"name": "guest_view_test", "end": "fail",
  "results": [{"name": "guest.default@pmu", "status": "fail", "kind": "timing", "detail": "d"}]}]}
JSON
check "a result its wall-time bound ended (kind timing) is an error" \
	"error guest_view_test: not ok 1 guest.default@pmu: d" "$(judge_console "$work/stalled")"

console "$work/hung" "emulated host hung: killed after 450 s" <<'JSON'
{"tests": [{"name": "writable_masks_test"}, {"name": "defaults_test", "end": null}]}
JSON
check "a host that hung: an error naming the tests without a result" \
	"error emulated host hung: killed after 450 s (no result for defaults_test guest_view_test)" \
	"$(judge_console "$work/hung")"

: >"$work/noinit"
echo "the kernel did not reach /init within 60 s (x)" >"$work/noinit.host"
check "a host that never reached /init: an error" \
	"error the kernel did not reach /init within 60 s (x) (no result for writable_masks_test defaults_test guest_view_test)" \
	"$(judge_console "$work/noinit")"

console "$work/crash" "host kernel crash/warning" <<'JSON'
{"tests": [{"name": "writable_masks_test"}, {"name": "defaults_test", "end": null}],
 "after": ["Unable to handle kernel NULL pointer dereference at virtual address 0"]}
JSON
check "a host kernel crash during a test: a behaviour kill" \
	"killed behaviour defaults_test: host kernel crash/warning" "$(judge_console "$work/crash")"
check "the boot's own verdict of a console that stops in a test" \
	"emulated host ended without a result (qemu exit status 0)" "$(emu_verdict 0 "$work/crash")"
console "$work/warned" "" <<'JSON'
{"tests": [{"name": "writable_masks_test"}], "after": ["WARNING: CPU: 0 PID: 1 at x"]}
JSON
check "the boot's own verdict of a console that ended after a kernel warning" \
	"host kernel crash/warning" "$(emu_verdict 0 "$work/warned")"

console "$work/exit" "" <<'JSON'
{"tests": [{"name": "writable_masks_test"}, {"name": "defaults_test"},
 {"name": "guest_view_test", "end": "fail", "directive": "exit=139"}]}
JSON
check "a test failing without a failing result: a behaviour kill by its exit" \
	"killed behaviour guest_view_test: exit=139" "$(judge_console "$work/exit")"
console "$work/sir" "" <<'JSON'
{"tests": [{"name": "writable_masks_test"}, {"name": "defaults_test"}, {"name": "guest_view_test"},
 {"name": "set_id_regs", "end": "fail", "results": [{"name": "ID_AA64PFR0_EL1_EL0", "status": "fail", "detail": "d"}]}]}
JSON
check "set_id_regs is judged apart from idregs: idregs" survived "$(judge_console "$work/sir")"
check "set_id_regs is judged apart from idregs: set_id_regs" \
	"killed behaviour set_id_regs: not ok 1 ID_AA64PFR0_EL1_EL0: d" "$(suite_verdict "$work/sir" set_id_regs)"

# The known findings of the host (build/expect-list's lines in LOG.findings,
# boot() writes them): the unmutated kernel fails exactly them; the kernel
# warning their test claims (an idregs-taint record) is no crash.
printf 'finding\tdebug.wrps\tdebug-wrps-not-enforced\t1\nfinding\tfinding.pmuver0-reinit\tpmuver0-reinit\t2\n' \
	>"$work/known.findings"
console "$work/known" "" <<'JSON'
{"tests": [{"name": "writable_masks_test"}, {"name": "defaults_test"},
 {"name": "guest_view_test", "end": "fail", "results": [{"name": "a"}, {"name": "debug.wrps", "status": "fail"}]},
 {"name": "sequences_test", "end": "fail", "directive": "kernel tainted",
  "results": [{"name": "sequence.0"}, {"name": "finding.pmuver0-reinit", "status": "fail",
   "detail": "step 4: kernel log: WARNING: x", "taint": "before=0 after=512 step=4"}],
  "lines": ["dmesg: <4>[ 4.6] WARNING: arch/arm64/kvm/pmu-emul.c:54 at kvm_pmu_evtyper_mask"]}]}
JSON
cp "$work/known.findings" "$work/known.findings.keep"
check "the boot's own verdict: a warning a known finding claims is none" \
	"" "$(emu_verdict 0 "$work/known" "$work/known.findings")"
check "the boot's own verdict: without the findings the host warned" \
	"host kernel crash/warning" "$(emu_verdict 0 "$work/known")"
check "the unmutated kernel: every result passes but its known findings" survived \
	"$(suite_verdict "$work/known" $IDREGS sequences_test)"
rm "$work/known.findings"
check "without the host's findings a known finding's failure kills" \
	"killed behaviour guest_view_test: not ok 2 debug.wrps: x" "$(judge_console "$work/known")"
console "$work/fixed" "" <<'JSON'
{"tests": [{"name": "writable_masks_test"}, {"name": "defaults_test"},
 {"name": "guest_view_test", "results": [{"name": "a"}, {"name": "debug.wrps"}]}]}
JSON
cp "$work/known.findings.keep" "$work/fixed.findings"
check "a mutant under which a known finding passes is killed by it" \
	"killed behaviour guest_view_test: ok 2 debug.wrps: x (known finding debug-wrps-not-enforced no longer fails)" \
	"$(judge_console "$work/fixed")"

# The files a patch changes: git's headers and diff -u's, whose +++ line
# carries a timestamp after a tab (a line added in a hunk is no header).
printf '%s\n' '# Mutant: m' 'diff --git a/arch/arm64/kvm/sys_regs.c b/arch/arm64/kvm/sys_regs.c' \
	'--- a/arch/arm64/kvm/sys_regs.c' '+++ b/arch/arm64/kvm/sys_regs.c' '@@ -1 +1 @@' '-a' '+b' \
	>"$work/git.patch"
check "patch_files: a git diff" "arch/arm64/kvm/sys_regs.c" "$(patch_files "$work/git.patch")"
printf '%s\n' '# Mutant: m' \
	$'--- a/arch/arm64/kvm/sys_regs.c\t2026-11-28 10:00:00.000000000 +0000' \
	$'+++ b/arch/arm64/kvm/sys_regs.c\t2026-11-28 10:01:00.000000000 +0000' \
	'@@ -1,2 +1,2 @@' '-a' '+++ b/not/a/header' \
	$'--- a/arch/arm64/kvm/nested.c\t2026-11-28 10:00:00.000000000 +0000' \
	$'+++ b/arch/arm64/kvm/nested.c\t2026-11-28 10:01:00.000000000 +0000' \
	'@@ -1 +1 @@' '-a' '+b' >"$work/diff-u.patch"
check "patch_files: diff -u's headers, timestamps dropped" \
	"arch/arm64/kvm/sys_regs.c arch/arm64/kvm/nested.c" "$(patch_files "$work/diff-u.patch" | paste -sd' ')"
mkdir -p "$work/tree/arch/arm64/kvm" "$work/pristine"
echo a >"$work/tree/arch/arm64/kvm/sys_regs.c"
echo a >"$work/tree/arch/arm64/kvm/nested.c"
keep_pristine "$work/diff-u.patch" "$work/tree" "$work/pristine" 2>"$work/keep.err"
check "keep_pristine keeps the files of a diff -u patch" \
	"$(cd "$work/pristine" && find . -type f | sort | paste -sd' ')$(cat "$work/keep.err")" \
	"./arch/arm64/kvm/nested.c ./arch/arm64/kvm/sys_regs.c"
check "the bound of a host: boot allowance and each test's timeout" \
	"$(EMU_BOOT_ALLOWANCE=90 emu_run_bound 60 6)" 450

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

# The closing line and the exit status from the counts.
got=$( (WORK=$work/run; finish 4) 2>&1; echo "exit=$?")
check "finish: every expectation held" "mutation: 5 passed, 0 failed|exit=0" "$(paste -sd'|' <<<"$got")"
echo "lost 01-a (marked killed, survived idregs)" >>"$work/run/counts"
got=$( (WORK=$work/run; finish 4) 2>&1; echo "exit=$?")
check "finish: a lost mutant fails the run (exit 1)" \
	"mutation: catalogue broken: 01-a (marked killed, survived idregs)|mutation: 4 passed, 1 failed|exit=1" \
	"$(paste -sd'|' <<<"$got")"
echo "error 02-b: error x" >>"$work/run/counts"
got=$( (WORK=$work/run; finish 4) 2>/dev/null; echo "exit=$?")
check "finish: a mutant without a verdict exits 2" "mutation: 3 passed, 2 failed|exit=2" "$(paste -sd'|' <<<"$got")"

echo "# $n checks, $fails failed"
[ "$fails" = 0 ]
