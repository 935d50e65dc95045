#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Unit test of tools/lib/ktap.sh: numbering, the counts, ktap_failures, the
# exit status of ktap_finish, ktap_workdir's two cases.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/../.." && pwd)
. "$TOP/tools/lib/ktap.sh"

fails=0
check() {
	if [ "$2" = "$3" ]; then
		echo "ok - $1"
	else
		echo "not ok - $1: got '$2', want '$3'"
		fails=$((fails + 1))
	fi
}

out=$( (ktap_begin; ktap_result 0 a; ktap_result 1 b; ktap_finish "two") 2>&1)
check "a failure makes ktap_finish exit 1" "$?" 1
check "results are numbered, failures marked" "$(sed -n 2,3p <<<"$out" | tr '\n' '|')" "ok 1 a|not ok 2 b|"
check "the summary counts both" "$(tail -n 2 <<<"$out" | tr '\n' '|')" "# two: 1 passed, 1 failed|1 passed, 1 failed|"
(ktap_begin >/dev/null; ktap_result 0 a >/dev/null; ktap_finish x >/dev/null)
check "all passed: ktap_finish exits 0" "$?" 0
(ktap_begin >/dev/null; ktap_result 0 a >/dev/null; ! ktap_failures)
check "ktap_failures is false with no failure" "$?" 0
(ktap_begin >/dev/null; ktap_result 3 a >/dev/null; ktap_failures)
check "ktap_failures is true after one" "$?" 0

dir=''
keep=$(mktemp -d)
rmdir "$keep"
ktap_workdir dir "$keep" unused
check "ktap_workdir: a kept directory is created and named" "$dir:$([ -d "$keep" ] && echo yes)" "$keep:yes"
rmdir "$keep"
tmp=$(bash -c ". '$TOP/tools/lib/ktap.sh'; ktap_workdir d '' idregs-ktap-test; echo \"\$d\"; [ -d \"\$d\" ]")
check "ktap_workdir: a temporary directory exists while the script runs" "$?" 0
check "ktap_workdir: the temporary directory is gone at exit" "$([ -e "$tmp" ] && echo left || echo gone)" gone

if [ "$fails" != 0 ]; then
	echo "ktap.sh: $fails failed"
	exit 1
fi
echo "ktap.sh: all passed"
