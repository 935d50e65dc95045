#!/usr/bin/env bash
# ktap_runner on this machine (it is plain C): how it reports a pass, a
# failure, a skip (exit 4), a signal, a timeout -- also of a test that
# closed its output and hung -- and a test's own output.
#
#   tools/runner/test_runner.sh [RUNNER]    (default: built into a temp dir)
set -u

TOP=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
runner=${1:-$work/ktap_runner}
if [ $# = 0 ]; then
	${CC:-cc} -O2 -Wall -Wextra -Werror -o "$runner" "$TOP/tools/runner/ktap_runner.c" || exit 1
fi

script() {
	printf '#!/bin/sh\n%s\n' "$2" >"$work/$1"
	chmod +x "$work/$1"
	echo "$1 ${3:-5} $work/$1"
}
{
	script pass 'echo hello from pass'
	script fail 'exit 1'
	script skip 'exit 4'
	script signal 'kill -9 $$'
	script hang 'sleep 30' 1
	script closed 'exec >&- 2>&-; sleep 30' 1
} >"$work/list"
"$runner" "$work/list" >"$work/out" 2>&1
rc=$?

nr=0 failed=0
expect() {
	nr=$((nr + 1))
	if grep -qE "$1" "$work/out"; then
		echo "ok $nr - $2"
	else
		echo "not ok $nr - $2: no line matches '$1'"
		failed=$((failed + 1))
	fi
}
expect '^1\.\.6$' "the plan counts the list"
expect '^# hello from pass$' "a test's output is indented as a comment"
expect '^ok 1 selftests: idregs: pass$' "exit 0 is ok"
expect '^not ok 2 selftests: idregs: fail # exit=1$' "exit 1 is not ok"
expect '^ok 3 selftests: idregs: skip # SKIP$' "exit 4 is a skip"
expect '^not ok 4 selftests: idregs: signal # killed by signal 9$' "a signal is not ok"
expect '^not ok 5 selftests: idregs: hang # TIMEOUT 1 seconds$' "a hung test is killed at its timeout"
expect '^not ok 6 selftests: idregs: closed # TIMEOUT 1 seconds$' "so is one that closed its output first"
expect '^# IDREGS-RESULT pass=1 fail=4 skip=1 ' "the result line counts them"
nr=$((nr + 1))
if [ "$rc" = 1 ]; then echo "ok $nr - exit status 1 on failures"; else echo "not ok $nr - exit status $rc"; failed=$((failed + 1)); fi
[ "$failed" = 0 ] || sed 's/^/#   /' "$work/out"
echo "$((nr - failed)) passed, $failed failed"
[ "$failed" = 0 ]
