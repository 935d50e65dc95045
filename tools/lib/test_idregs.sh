#!/usr/bin/env bash
# Unit tests of the shell libraries, natively and without an emulated host
# (make unit-shell): tools/lib/idregs.sh (the selftests Makefile's
# variables, the test list, staging, reading records), tools/emu/emu.sh's
# reading of KTAP totals, run_tests.sh's table read from the tests'
# records (docs/results.md) and its run_emulated with emu_boot replaced,
# on consoles built from the schema.
#
#   tools/lib/test_idregs.sh
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=$("$TOP/scripts/deps.sh" --print-cache)
. "$TOP/tools/emu/emu.sh"
. "$TOP/tools/lib/idregs.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

nr=0 failed=0
# check WHAT GOT WANT
check() {
	nr=$((nr + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $nr - $1"
	else
		echo "not ok $nr - $1"
		printf '#   got:  %s\n' "$2"
		printf '#   want: %s\n' "$3"
		failed=$((failed + 1))
	fi
}

tests=$(idregs_selftests_var TESTS)
vcpu_tests=$(idregs_selftests_var VCPU_TESTS)
check "TESTS from the selftests Makefile" \
	"$(wc -w <<<"$tests") $(grep -cw writable_fields_test <<<"$tests")" "8 1"
check "VCPU_TESTS are tests" \
	"$(for t in $vcpu_tests; do grep -qw "$t" <<<"$tests" || echo "$t"; done)" ""
check "the settings' timeout" "$(idregs_settings_timeout)" \
	"$(grep '^timeout=' "$TOP/selftests/settings" | cut -d= -f2)"

rest=$(idregs_vcpu_configs | tr , '\n' | grep -v '^el2' | paste -sd, -)
check "tests.list without configurations: every one, those with EL2 each alone" \
	"$(idregs_tests_list /bin 600 "" writable_masks_test writable_fields_test set_id_regs)" \
	"writable_masks_test 600 /bin/writable_masks_test
writable_fields_test 600 /bin/writable_fields_test --vcpu $rest
writable_fields_test@el2 600 /bin/writable_fields_test --vcpu el2
writable_fields_test@el2-e2h0 600 /bin/writable_fields_test --vcpu el2-e2h0
set_id_regs 600 /bin/set_id_regs"
check "the configurations with EL2 are the generator's" "$(idregs_vcpu_configs --el2)" "el2,el2-e2h0"
check "tests.list with configurations: --vcpu for VCPU_TESTS only, EL2 alone" \
	"$(idregs_tests_list /x 60 pmu,el2 writable_masks_test vm_rules_test set_id_regs)" \
	"writable_masks_test 60 /x/writable_masks_test
vm_rules_test 60 /x/vm_rules_test --vcpu pmu
vm_rules_test@el2 60 /x/vm_rules_test --vcpu el2
set_id_regs 60 /x/set_id_regs"
check "tests.list with EL2 configurations only: no invocation without one" \
	"$(idregs_tests_list /x 60 el2-e2h0,el2 vm_rules_test)" \
	"vm_rules_test@el2-e2h0 60 /x/vm_rules_test --vcpu el2-e2h0
vm_rules_test@el2 60 /x/vm_rules_test --vcpu el2"

built=$work/built
mkdir -p "$built"
for f in ktap_runner writable_masks_test defaults_test $(idregs_selftests_var TEST_FILES); do
	echo "$f" >"$built/$f"
done
idregs_stage "$built" "$work/stage" writable_masks_test defaults_test
check "staging: /init is the runner, the tests and their data files in /bin" \
	"$(cd "$work/stage" && find . -type f | LC_ALL=C sort | paste -sd' ')" \
	"$(printf '%s\n' ./init ./bin/writable_masks_test ./bin/defaults_test \
		$(idregs_selftests_var TEST_FILES | tr ' ' '\n' | sed 's|^|./bin/|') |
		LC_ALL=C sort | paste -sd' ')"
idregs_stage "$built" "$work/stage2" vm_rules_test 2>/dev/null
check "staging a test that was not built fails" "$?" 1

# A console as the emulated host prints it, built from the schema
# (tools/lib/console.py make): ktap_runner nests each test.
log=$work/console.log
idregs_console make >"$log" <<'JSON'
{"host": "7.3.4", "tests": [
 {"name": "writable_fields_test", "end": "fail",
  "config_records": ["name=default offered=1 features=none",
   "name=el2 offered=0 reason=vCPU configuration el2: KVM does not offer el2 on this host",
   "name=pmu offered=1 features=pmu"],
  "results": [{"name": "ID_AA64ISAR0_EL1.AES"}, {"name": "ID_AA64DFR0_EL1.PMUVer@pmu"},
   {"name": "ID_AA64ISAR0_EL1.SHA1@pmu", "status": "fail"},
   {"name": "vcpu@el2", "status": "skip"},
   {"name": "snapshot@imp_id_writable", "status": "xfail"}],
  "records": ["walk: config=default fields=301 values=7152",
   "walk: config=pmu fields=301 values=7152 added=2 added_values=32",
   "writable-fields: 301"]},
 {"name": "defaults_test", "config_records": ["name=default offered=1 features=none"],
  "results": [{"name": "CTR_EL0.defaults"}]}]}
JSON
check "records of a kind, at any nesting, in order" \
	"$(idregs_records "$log" walk | paste -sd'|')" \
	"config=default fields=301 values=7152|config=pmu fields=301 values=7152 added=2 added_values=32"
check "a record whose value is no key=value list" "$(idregs_records "$log" writable-fields)" 301
rec=$(idregs_records "$log" config | sed -n 2p)
check "a record's field" "$(idregs_field name "$rec") $(idregs_field offered "$rec")" "el2 0"
check "reason runs to the end of the record" "$(idregs_field reason "$rec")" \
	"vCPU configuration el2: KVM does not offer el2 on this host"
idregs_field features "$rec" >/dev/null
check "a key the record lacks" "$?" 1
check "command runs to the end of the record" \
	"$(idregs_field command "n=3 command=idreg try ID_DFR0_EL1.PerfMon=0x8 --vcpu pmu")" \
	"idreg try ID_DFR0_EL1.PerfMon=0x8 --vcpu pmu"
check "emu_counts: the runner's own totals (XFAIL as passed), not a test's" \
	"$(emu_counts "$log")" "1 1 0"
check "emu_verdict: a run that reached its totals" "$(emu_verdict 0 "$log")" ""
grep -v '^# Totals' "$log" >"$work/cut.log"
check "emu_verdict: a run without totals" "$(emu_verdict 0 "$work/cut.log")" \
	"emulated host ended without a result (qemu exit status 0)"

# run_tests.sh's table from a host's console (console.py summary).
(
	failed=0
	. "$TOP/run_tests.sh"
	OUT=$work/out EXPECT_SKIP=0
	mkdir -p "$OUT"
	add_host "$log" 7.3.4 max 12 ""
	summarise >"$OUT/table"
	check "run_tests: the exit status of a run with a failure" "$?" 1
	check "run_tests: a row per host and per configuration the tests name, with why one skipped" \
		"$(sed -n '4,$p' "$OUT/table" | sed 's/  */ /g' | paste -sd'|')" \
		"# 7.3.4 max (tests) 301 1 1 0 12s|# default 301 3 0 0|# el2 - 0 0 1 vCPU configuration el2: KVM does not offer el2 on this host|# pmu 301(+2) 1 1 0|# kernel x cpu x vCPU configuration: 1 passed, 1 failed, 1 skipped|1 passed, 1 failed, 0 skipped"
	exit "$failed"
)
sub=$?
nr=$((nr + 2)) failed=$((failed + sub))

# run_tests.sh --report: one host, its console kept beside the report.
(
	failed=0
	. "$TOP/run_tests.sh"
	(parse_args --report "$work/r" --kernel all) 2>/dev/null
	check "run_tests --report --kernel all: a usage error" "$?" 2
	(parse_args --report "$work/r" --cpu max,neoverse-n1) 2>/dev/null
	check "run_tests --report with two CPUs: a usage error" "$?" 2
	(parse_args --pool "$work") 2>/dev/null
	check "run_tests --pool without --report: a usage error" "$?" 2
	parse_args --report "$work/r" --kernel 7 --cpu max --pool "$work/p"
	check "run_tests --report: the console is kept in the report" \
		"$REPORT $LOG_DIR $POOL" "$work/r $work/r $work/p"
	exit "$failed"
)
sub=$?
nr=$((nr + 4)) failed=$((failed + sub))

# run_tests.sh's run_emulated without qemu: emu_boot replaced by one that
# writes a console built from the schema (a host per CPU: max passes,
# cortex-a72 fails a result, neoverse-n1 hangs), one at a time and two at
# a time; the run's KTAP stream, its table and its exit status.
emulated_run() {
	local jobs=$1
	(
		failed=0
		. "$TOP/run_tests.sh"
		parse_args --kernel 7 --cpu max,cortex-a72,neoverse-n1 --jobs "$jobs" >/dev/null
		TESTS=(writable_fields_test)
		OUT=$work/emulated-$jobs
		# The list stage_initramfs stages: the host's bound counts it.
		mkdir -p "$OUT/stage"
		write_list /bin >"$OUT/stage/tests.list"
		emu_boot() {
			local spec='{"tests": [{"name": "writable_fields_test", "results": [{"name": "A"}]}]}'
			case "$2" in
			cortex-a72) spec='{"tests": [{"name": "writable_fields_test", "end": "fail", "results": [{"name": "A", "status": "fail"}]}]}' ;;
			neoverse-n1) spec='{"tests": [{"name": "writable_fields_test", "end": null}]}'
				echo "emulated host hung: killed after $5 s" >"$4.killed" ;;
			esac
			idregs_console make <<<"$spec" >"$4"
			echo 0 >"$4.rc"
		}
		run_emulated "$OUT/initramfs.cpio.gz" 2>/dev/null >"$OUT/stream"
		summarise >"$OUT/table" 2>/dev/null
		check "run_emulated --jobs $jobs: the exit status" "$?" 1
		check "run_emulated --jobs $jobs: a line per host, in order" \
			"$(grep -E '^(not )?ok ' "$OUT/stream" | sed 's/ [0-9.]*+deb[^ ]* / REL /' | paste -sd'|')" \
			"ok 1 REL -cpu max|not ok 2 REL -cpu cortex-a72|not ok 3 REL -cpu neoverse-n1 # emulated host hung: killed after $(emu_run_bound "$TEST_TIMEOUT" 3) s" # writable_fields_test: 3 invocations (el2, el2-e2h0 alone)
		check "run_emulated --jobs $jobs: the totals" "$(tail -n 1 "$OUT/table")" "1 passed, 2 failed, 0 skipped"
		exit "$failed"
	)
}
for jobs in 1 2; do
	emulated_run "$jobs"
	sub=$?
	nr=$((nr + 3)) failed=$((failed + sub))
done

# run_emulated --known: sequences_test's reproducer of a known finding
# warned and tainted the kernel and the test claimed it (idregs-taint): the
# host passes on -cpu max, where the file knows the finding; on cortex-a72,
# where it does not, the finding fails and so does the host's boot (the
# warning unclaimed); on neoverse-n1 the finding is known but a second
# test tainted the kernel without a claim.
known_run() {
	(
		failed=0
		. "$TOP/run_tests.sh"
		make -s -C "$TOP" build/expect-list || exit 1
		printf 'finding.pmuver0-reinit  *  finding=pmuver0-reinit  cpu=max,neoverse-n1  a test entry\n' \
			>"$work/known"
		parse_args --kernel 7 --cpu max,cortex-a72,neoverse-n1 --known "$work/known" >/dev/null
		TESTS=(guest_view_test sequences_test)
		OUT=$work/known-run
		mkdir -p "$OUT/stage"
		write_list /bin >"$OUT/stage/tests.list"
		emu_boot() {
			local other='{"name": "guest_view_test", "results": [{"name": "A"}]}'
			[ "$2" != neoverse-n1 ] ||
				other='{"name": "guest_view_test", "end": "fail", "directive": "kernel tainted", "results": [{"name": "A"}]}'
			idregs_console make >"$4" <<JSON
{"host": "7.3.4", "tests": [$other,
 {"name": "sequences_test", "end": "fail", "directive": "kernel tainted",
  "results": [{"name": "sequence.0"}, {"name": "finding.pmuver0-reinit", "status": "fail",
   "detail": "step 4: kernel log: WARNING: x", "taint": "before=0 after=512 step=4"}],
  "lines": ["dmesg: <4>[ 4.6] WARNING: arch/arm64/kvm/pmu-emul.c:54 at kvm_pmu_evtyper_mask"]}]}
JSON
			echo 0 >"$4.rc"
		}
		run_emulated "$OUT/initramfs.cpio.gz" 2>/dev/null >"$OUT/stream"
		summarise >"$OUT/table" 2>/dev/null
		check "run_emulated --known: the exit status" "$?" 1
		check "run_emulated --known: a claimed warning of a known finding passes the host, an unclaimed one fails it" \
			"$(grep -E '^(not )?ok ' "$OUT/stream" | paste -sd'|')" \
			"ok 1 7.3.4 -cpu max|not ok 2 7.3.4 -cpu cortex-a72 # host kernel crash/warning|not ok 3 7.3.4 -cpu neoverse-n1 # host kernel crash/warning"
		exit "$failed"
	)
}
known_run
sub=$?
nr=$((nr + 2)) failed=$((failed + sub))
echo "$((nr - failed)) passed, $failed failed"
[ "$failed" = 0 ]
