# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# KTAP results of the check scripts (tools/*-check.sh): source it, then
#   ktap_begin                     "TAP version 13", counters at zero
#   ktap_result RC DESCRIPTION     "ok N ..." when RC is 0, else "not ok N ..."
#   ktap_failures                  true when a result has failed so far
#   ktap_finish SUMMARY            "# SUMMARY: N passed, N failed", the closing
#                                  "N passed, N failed" line; exits 0 or 1
#   ktap_workdir VAR KEEP PREFIX   VAR = KEEP (created), or a new temporary
#                                  directory removed at exit
# The counters are KTAP_NR, KTAP_PASSED and KTAP_FAILED.

ktap_begin() {
	KTAP_NR=0 KTAP_PASSED=0 KTAP_FAILED=0
	echo "TAP version 13"
}

ktap_result() {
	local rc=$1

	shift
	KTAP_NR=$((KTAP_NR + 1))
	if [ "$rc" = 0 ]; then
		echo "ok $KTAP_NR $*"
		KTAP_PASSED=$((KTAP_PASSED + 1))
	else
		echo "not ok $KTAP_NR $*"
		KTAP_FAILED=$((KTAP_FAILED + 1))
	fi
}

ktap_failures() {
	[ "$KTAP_FAILED" != 0 ]
}

ktap_finish() {
	echo "# $*: $KTAP_PASSED passed, $KTAP_FAILED failed"
	echo "$KTAP_PASSED passed, $KTAP_FAILED failed"
	[ "$KTAP_FAILED" = 0 ]
	exit
}

ktap_workdir() {
	# Locals are prefixed: printf -v must reach the caller's VAR.
	local ktap_dir_=$2

	if [ -z "$ktap_dir_" ]; then
		ktap_dir_=$(mktemp -d "${TMPDIR:-/tmp}/$3.XXXXXX") || return 1
		# shellcheck disable=SC2064 # the path is fixed now
		trap "rm -rf '$ktap_dir_'" EXIT
	fi
	mkdir -p "$ktap_dir_" && printf -v "$1" '%s' "$ktap_dir_"
}
