#!/usr/bin/env bash
# ktap_runner on this machine (it is plain C): that it reports each exit
# code of a test with the line kselftest's runner.sh prints for it (0 ok,
# 1 and 3 not ok with exit=N, 2 XFAIL, 4 SKIP, a signal as exit=128+N, a
# timeout -- also of a test that closed its output and hung -- and a
# missing test), a test's own output as comments, and the # Totals line
# counted.  Then the same tests run under the kernel's own runner.sh (from
# the deps cache) and its KTAP must be ktap_runner's, line for line.
#
#   tools/runner/test_runner.sh [RUNNER]    (default: built into a temp dir)
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=$("$TOP/scripts/deps.sh" --print-cache)
. "$TOP/tools/emu/emu.sh"
KSFT_RUNNER_DIR="$CACHE/src/7/tools/testing/selftests/kselftest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runner=${1:-$work/ktap_runner}
if [ $# = 0 ]; then
	emu_build_runner "$runner" ${CC:-cc} -Wall -Wextra -Werror || exit 1
fi

# The tests, as a kselftest collection "idregs" (runner.sh names the
# directory in its lines); one timeout for all, as a settings file gives.
TIMEOUT=1
tests=(pass fail skip signal hang closed xfail xpass missing)
dir="$work/ksft/idregs"
mkdir -p "$dir"
echo "timeout=$TIMEOUT" >"$dir/settings"
script() {
	printf '#!/bin/sh\n%s\n' "$2" >"$dir/$1"
	chmod +x "$dir/$1"
}
script pass 'echo hello from pass'
script fail 'exit 1'
script skip 'exit 4'
script signal 'kill -9 $$'
script hang 'sleep 30'
script closed 'exec >&- 2>&-; sleep 30'
script xfail 'exit 2'
script xpass 'exit 3'
for t in "${tests[@]}"; do
	echo "$t $TIMEOUT $dir/$t"
done >"$work/list"
"$runner" "$work/list" >"$work/out" 2>&1
rc=$?

nr=0 failed=0
check() {
	nr=$((nr + 1))
	if [ "$1" = 0 ]; then
		echo "ok $nr - $2"
	else
		echo "not ok $nr - $2${3:+: $3}"
		failed=$((failed + 1))
	fi
}
expect() {
	grep -qE "$1" "$work/out"
	check $? "$2" "no line matches '$1'"
}
expect '^1\.\.9$' "the plan counts the list"
expect "^# timeout set to $TIMEOUT$" "each test's timeout is announced"
expect '^# selftests: idregs: pass$' "each test's header names it"
expect '^# hello from pass$' "a test's output is indented as a comment"
expect '^ok 1 selftests: idregs: pass$' "exit 0 is ok"
expect '^not ok 2 selftests: idregs: fail # exit=1$' "exit 1 is not ok"
expect '^ok 3 selftests: idregs: skip # SKIP$' "exit 4 is a skip"
expect '^# signal: killed by signal 9$' "a signal is named"
expect '^not ok 4 selftests: idregs: signal # exit=137$' "and is not ok, 128 + N as a shell reports it"
expect "^not ok 5 selftests: idregs: hang # TIMEOUT $TIMEOUT seconds$" "a hung test is killed at its timeout"
expect "^not ok 6 selftests: idregs: closed # TIMEOUT $TIMEOUT seconds$" "so is one that closed its output first"
expect '^ok 7 selftests: idregs: xfail # XFAIL$' "exit 2 is an expected failure"
expect '^not ok 8 selftests: idregs: xpass # exit=3$' "exit 3 is not ok, as runner.sh has it"
expect '^# Warning: file missing is missing!$' "a missing test is named"
expect '^not ok 9 selftests: idregs: missing$' "and is not ok"
expect '^# 1 skipped test\(s\) detected\.  Consider enabling relevant config options to improve coverage\.$' \
	"skips are noted as runner.sh notes them"
expect '^# Totals: pass:1 fail:6 xfail:1 xpass:0 skip:1 error:0$' "the totals count each kind"
expect '^# run: [0-9.]+ s$' "the run's time follows the totals"
[ "$rc" = 1 ]
check $? "exit status 1 on failures" "exit status $rc"

# The kernel's runner.sh on the same collection, as run_kselftest.sh
# drives it.  Compared: every line but ktap_runner's own extras (the host
# line, a test's time, a signal's name, the run's time) and the shell's
# notice of a killed test in runner.sh's.  Appending: runner.sh
# writes through /dev/stdout as well, which would overwrite a truncating
# redirection.
if [ -f "$KSFT_RUNNER_DIR/runner.sh" ]; then
	cp -r "$KSFT_RUNNER_DIR" "$work/ksft/kselftest"
	(cd "$dir" && BASE_DIR="$work/ksft" sh -c '. "$BASE_DIR/kselftest/runner.sh"
		ktap_print_header; ktap_set_plan $#; run_many "$@"; ktap_print_totals' \
		sh "${tests[@]}") >>"$work/kernel.out" 2>&1
	grep -vE '^# ([a-z]+: [0-9.]+ s|[a-z]+: killed by signal [0-9]+|host kernel: .*|run: [0-9.]+ s)$' \
		"$work/out" >"$work/ours.out"
	grep -vx '# Killed' "$work/kernel.out" >"$work/theirs.out"
	diff -u "$work/theirs.out" "$work/ours.out" >"$work/diff"
	check $? "runner.sh's KTAP for the same tests is ktap_runner's" "they differ:
$(cat "$work/diff")"
else
	echo "ok $((nr + 1)) - runner.sh comparison # SKIP no $KSFT_RUNNER_DIR/runner.sh (run make deps)"
fi
[ "$failed" = 0 ] || sed 's/^/#   /' "$work/out"
echo "$((nr - failed)) passed, $failed failed"
[ "$failed" = 0 ]
