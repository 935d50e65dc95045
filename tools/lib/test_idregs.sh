#!/usr/bin/env bash
# Unit tests of the shell libraries, natively and without an emulated host
# (make unit-shell): tools/lib/idregs.sh (the selftests Makefile's
# variables, the test list, staging, reading records), tools/emu/emu.sh's
# reading of KTAP totals, and run_tests.sh's table read from the tests'
# records (docs/results.md).
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
	"$(wc -w <<<"$tests") $(grep -cw writable_fields_test <<<"$tests")" "6 1"
check "VCPU_TESTS are tests" \
	"$(for t in $vcpu_tests; do grep -qw "$t" <<<"$tests" || echo "$t"; done)" ""
check "the settings' timeout" "$(idregs_settings_timeout)" \
	"$(grep '^timeout=' "$TOP/selftests/settings" | cut -d= -f2)"

check "tests.list without configurations: the tests' default" \
	"$(idregs_tests_list /bin 600 "" writable_masks_test writable_fields_test set_id_regs)" \
	"writable_masks_test 600 /bin/writable_masks_test
writable_fields_test 600 /bin/writable_fields_test
set_id_regs 600 /bin/set_id_regs"
check "tests.list with configurations: --vcpu for VCPU_TESTS only" \
	"$(idregs_tests_list /x 60 pmu,el2 writable_masks_test vm_rules_test set_id_regs)" \
	"writable_masks_test 60 /x/writable_masks_test
vm_rules_test 60 /x/vm_rules_test --vcpu pmu,el2
set_id_regs 60 /x/set_id_regs"

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

# A console as the emulated host prints it: ktap_runner nests each test.
log=$work/console.log
cat >"$log" <<'LOG'
# host kernel: 7.3.4 (uptime 1.00 s)
TAP version 13
1..2
# selftests: idregs: writable_fields_test
# TAP version 13
# # idregs-config: name=default offered=1 features=none
# # idregs-config: name=el2 offered=0 reason=vCPU configuration el2: KVM does not offer el2 on this host
# # idregs-config: name=pmu offered=1 features=pmu
# 1..5
# ok 1 ID_AA64ISAR0_EL1.AES: limit 0x2
# ok 2 ID_AA64DFR0_EL1.PMUVer@pmu: limit 0x8
# not ok 3 ID_AA64ISAR0_EL1.SHA1@pmu: refused
# ok 4 # SKIP vcpu@el2: vCPU configuration el2: KVM does not offer el2 on this host
# ok 5 # XFAIL snapshot@imp_id_writable: as at start (expected: a reason)
# # vcpu pmu (features pmu): walked 300 fields, 7000 values; over default it adds 3 fields
# # idregs-walk: config=default fields=301 values=7152
# # idregs-walk: config=pmu fields=301 values=7152 added=2 added_values=32
# # idregs-writable-fields: 301
# # Totals: pass:3 fail:1 xfail:1 xpass:0 skip:1 error:0
not ok 1 selftests: idregs: writable_fields_test # exit=1
# selftests: idregs: defaults_test
# # idregs-config: name=default offered=1 features=none
# ok 1 CTR_EL0.defaults: fine
ok 2 selftests: idregs: defaults_test
# Totals: pass:1 fail:1 xfail:0 xpass:0 skip:0 error:0
LOG
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
check "emu_counts: the runner's own totals (XFAIL as passed), not a test's" \
	"$(emu_counts "$log")" "1 1 0"
check "emu_verdict: a run that reached its totals" "$(emu_verdict 0 "$log")" ""
grep -v '^# Totals' "$log" >"$work/cut.log"
check "emu_verdict: a run without totals" "$(emu_verdict 0 "$work/cut.log")" \
	"emulated host ended without a result (qemu exit status 0)"

# run_tests.sh's table, from the records and the KTAP results.
(
	. "$TOP/run_tests.sh"
	check "run_tests: the configurations the tests name, in order, with why not" \
		"$(log_configs "$log" | paste -sd'|')" \
		"default |el2 vCPU configuration el2: KVM does not offer el2 on this host|pmu "
	check "run_tests: fields walked per configuration" \
		"$(walked_fields "$log" default) $(walked_fields "$log" pmu) $(walked_fields "$log" el2)" \
		"301 301(+2) -"
	check "run_tests: results per configuration (imp_id_writable counts as default)" \
		"$(result_counts "$log" default el2 pmu | paste -sd'|')" \
		"default 3 0 0|el2 0 0 1|pmu 1 1 0"
	exit "$failed"
)
sub=$?
nr=$((nr + 3)) failed=$((failed + sub))
echo "$((nr - failed)) passed, $failed failed"
[ "$failed" = 0 ]
