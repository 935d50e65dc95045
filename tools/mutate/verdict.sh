# Mutation verdicts from a host's console (sourced by tools/mutate/run.sh
# and tools/mutate/test_run.sh; functions only, no state).
#
# A console holds the runner's KTAP: "# selftests: idregs: TEST", the
# test's own lines as comments ("# not ok 3 REG.FIELD: ..."), then
# "ok|not ok N selftests: idregs: TEST [# DIRECTIVE]".
#
# A suite's verdict is one line:
#   killed behaviour TEST: RESULT   a result about what KVM did failed
#   killed source TEST: RESULT      only results that compare with the
#                                   declared masks or the declared
#                                   sanitising (a copy of sys_regs.c) failed
#   survived                        every test of the suite ran and passed
#   error WHY                       no honest answer: a TIMEOUT, a host that
#                                   hung, never reached /init or ended
#                                   without the suite's results, a guest
#                                   stopped by its wall-time bound
# An error is never a kill: the runner judges such a mutant again, alone.

# The kind of failing result $2 of test $1: "source" when it only compares
# KVM with the copy of its source the generator read (writable_masks_test's
# declared masks, defaults_test's REG.sanitised results,
# vcpu_surroundings_test's reg_list.id_slots against gen/'s reading of
# sys_reg_descs[]), "timing" when a
# bound of wall time ended it (load, not KVM), else "behaviour".
verdict_kind() {
	local test=$1 result=$2
	case "$result" in
	*"stalled: stopped after"*|*"# TIMEOUT"*) echo timing; return ;;
	esac
	case "$test" in
	writable_masks_test)
		case "$result" in
		*": mask 0x"*": declared writable but not: "*|\
		*": mask 0x"*": writable but not declared: "*|\
		*": mask 0x"*": new writable field: "*)
			echo source; return ;;
		esac ;;
	defaults_test)
		if [[ "$result" =~ ^not\ ok\ [0-9]+\ [A-Za-z0-9_]+\.sanitised(@[a-z0-9,+-]+)?: ]]; then
			echo source; return
		fi ;;
	vcpu_surroundings_test)
		# The list against gen/'s reading of sys_reg_descs[], unless KVM
		# also disagrees with itself (listed but GET_ONE_REG fails, or not).
		if [[ "$result" =~ ^not\ ok\ [0-9]+\ reg_list\.id_slots(@[a-z0-9,+-]+)?: ]] &&
		   [[ "$result" == *", 0 where GET_ONE_REG disagrees with the list"* ]]; then
			echo source; return
		fi ;;
	esac
	echo behaviour
}

# The results of console $1, one tab-separated line each:
#   T TEST STATUS DIRECTIVE   a test ended: ok, skip, fail or timeout; a
#                             test that started and never ended is "open"
#   F TEST RESULT             a failing result inside TEST ("not ok ..."
#                             or the selftests library's assertion)
verdict_results() {
	awk -v OFS='\t' '
	function flush_open() { if (cur != "") print "T", cur, "open", "" }
	/^# selftests: [^:]*: / {
		flush_open(); cur = $0; sub(/^# selftests: [^:]*: /, "", cur)
		assertion = 0; next
	}
	cur != "" && /^# (# )*not ok / { r = $0; sub(/^# (# )*/, "", r); print "F", cur, r; next }
	# The kernel selftests library aborts with an assertion block instead.
	cur != "" && assertion == 1 { r = $0; sub(/^# *(# )*/, "", r); print "F", cur, "assertion: " r; assertion = 0; next }
	cur != "" && /Test Assertion Failure/ { assertion = 1; next }
	cur != "" && /^(not )?ok [0-9]+ selftests: / {
		dir = $0; if (!sub(/.* # /, "", dir)) dir = ""
		st = ($0 ~ /^not ok/) ? "fail" : (dir ~ /^SKIP/ ? "skip" : "ok")
		if (dir ~ /^TIMEOUT/) st = "timeout"
		print "T", cur, st, dir; cur = ""; next
	}
	END { flush_open() }' "$1"
}

# The verdict of the tests $3... on results file $1 (verdict_results) of a
# host whose boot ended with $2 (emu_verdict: "" for a clean end).
verdict_suite() {
	local results=$1 host=$2 t k what test st dir kind first_b= first_s= timing= missing= open= bad=
	shift 2
	for t in "$@"; do
		st=$(awk -F'\t' -v t="$t" '$1 == "T" && $2 == t { print $3 "\t" $4; exit }' "$results")
		case "${st%%$'\t'*}" in
		"") missing+=" $t" ;;
		open) open+=" $t" ;;
		timeout) timing=${timing:-"$t: ${st#*$'\t'}"} ;;
		fail) bad+=" $t" ;;
		esac
	done
	while IFS=$'\t' read -r k test what; do
		[ "$k" = F ] || continue
		case " $* " in *" $test "*) ;; *) continue ;; esac
		kind=$(verdict_kind "$test" "$what")
		case "$kind" in
		behaviour) [ -n "$first_b" ] || first_b="$test: $what" ;;
		source) [ -n "$first_s" ] || first_s="$test: $what" ;;
		timing) [ -n "$timing" ] || timing="$test: $what" ;;
		esac
	done <"$results"
	if [ -n "$first_b" ]; then
		echo "killed behaviour $first_b"
		return
	fi
	# A host kernel that crashed or warned while the suite ran.
	case "$host" in
	*crash*|*warning*)
		if [ -n "$open$missing" ]; then
			echo "killed behaviour ${open# }${open:+: }$host"
			return
		fi ;;
	esac
	if [ -n "$timing" ]; then
		echo "error ${timing}${first_s:+ (and source: $first_s)}"
		return
	fi
	if [ -n "$open$missing" ]; then
		echo "error ${host:-the host ended without a result} (no result for${open}${missing})"
		return
	fi
	if [ -n "$first_s" ]; then
		echo "killed source $first_s"
		return
	fi
	# A test that failed without a failing result: its exit status.
	for t in $bad; do
		dir=$(awk -F'\t' -v t="$t" '$1 == "T" && $2 == t { print $4; exit }' "$results")
		echo "killed behaviour $t: ${dir:-exit status}"
		return
	done
	echo survived
}
