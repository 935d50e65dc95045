#!/usr/bin/env bash
# Mutation testing: run idregs' suite and the kernel's own set_id_regs on
# kernels with deliberate bugs in KVM's ID-register code, and count what
# each suite catches.
#
#   tools/mutate/run.sh [--out FILE] [--cpu MODEL] [--known FILE] [--list] [MUTANT...]
#
# For the unmutated kernel and then each mutant (default: every
# tools/mutate/mutants/*.patch): apply it to the test kernel's tree, rebuild
# (tools/mutate/build-kernel.sh: incremental), revert, boot the kernel on
# the emulated host and run both suites in it.  A mutant whose bug only a
# particular host shows names it ("# Host: cpu=MODEL host=FLAVOURS
# vcpu=LIST"); the unmutated kernel is run on every host named, alone, and
# once more on the default host beside a rebuild, as mutants are judged.
#
# Verdicts (tools/lib/console.py verdict, from the tests' records): a suite kills a mutant when one of
# its results fails (or the host kernel crashes in it); the kill names that
# result and is "behaviour" (what KVM did) or "source" (only the declared
# masks or the declared sanitising disagreed).  The test kernel (7.3) has
# known findings (--known, default tools/check-kernels.known): their
# results fail on the unmutated kernel, which passes exactly but them,
# and their kernel warning is no crash where their test claims it; a
# mutant under which one passes is killed by that result.  A TIMEOUT, a host that hung,
# never reached /init or gave no result is no verdict: that mutant is
# judged again alone with selftests/settings' timeout, and if it still
# gives none the run exits 2 naming it.  A mutant whose "# Host:" names
# vCPU configurations is judged a second time with the tests' default
# arguments (no --vcpu), as kernel CI runs them.
#
# Prints a line per mutant, a table and the scores; writes the table as
# markdown to FILE (default build/mutation.md).
#
# Exit: 0 the catalogue held; 1 the unmutated kernel fails a suite other
# than on its known findings (on a
# host a mutant names, set_id_regs may: its verdicts there are n/a), a mutant
# marked "Expect: killed" survives idregs, or one marked equivalent is
# killed; 2 bad input (unknown mutant, a patch without its header, a patch
# that no longer applies or builds: which and why), or a mutant without a
# verdict after its second judgement.
set -uo pipefail

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
readonly TOP
readonly MUTANTS=$TOP/tools/mutate/mutants
# Per test inside a mutant's host while others build: a hung test costs
# this; a mutant judged again alone gets selftests/settings' timeout.
readonly TEST_TIMEOUT=${MUTATION_TEST_TIMEOUT:-60}
# shellcheck source=tools/lib/idregs.sh
. "$TOP/tools/lib/idregs.sh"
SETTINGS_TIMEOUT=$(idregs_settings_timeout)
readonly SETTINGS_TIMEOUT
# Hosts booted at a time while the next mutants build.
readonly JUDGES=${MUTATION_JUDGES:-2}
readonly SET_ID_REGS=set_id_regs
# The run's counting: what a verdict counts for, the scores, the exit.
readonly SCORE=$TOP/tools/mutate/score.py

. "$TOP/tools/emu/emu.sh"

usage() {
	cat <<USAGE
usage: tools/mutate/run.sh [--out FILE] [--cpu MODEL] [--known FILE] [--list] [MUTANT...]
  MUTANT   a patch of tools/mutate/mutants/, by name (with or without
           .patch); default: all of them
  --out    the markdown table (default: build/mutation.md)
  --cpu    qemu -cpu model of the emulated host (default: max)
  --known  the known findings (default: tools/check-kernels.known)
  --list   list the catalogue (name, class, expectation, host, what it models)
Exit: 0 the catalogue held, 1 a suite lost a mutant it must kill (or the
unmutated kernel fails), 2 bad input or a mutant without a verdict.
USAGE
}

die() { echo "mutation: error: $*" >&2; exit "${2:-1}"; }

# A header line "# KEY: value" of patch $1.
header() {
	sed -n "s/^# $2: *//p" "$1" | head -n 1
}

# A mutant's host: "CPU HOST VCPU" from its optional header line
# "# Host: cpu=MODEL host=FLAVOURS vcpu=LIST" (tools/mutate/README.md);
# by default CPU $2, the default host and the default vCPU configuration
# (the tests get "--vcpu default").
setup_of() {
	local cpu_=$2 host_=default vcpu_=default w
	for w in $(header "$1" Host); do
		case "$w" in
		cpu=?*) cpu_=${w#cpu=} ;;
		host=?*) host_=${w#host=} ;;
		vcpu=?*) vcpu_=${w#vcpu=} ;;
		*) die "$(basename "$1"): '# Host:' takes cpu=, host= and vcpu=, not '$w'" 2 ;;
		esac
	done
	echo "$cpu_ $host_ $vcpu_"
}

# The same host with the tests' default arguments: no --vcpu ("-"), as
# kernel CI runs them; nothing for a patch whose header names no vcpu=
# (the tests without arguments run a superset of the default
# configuration's checks, so that run's kill stands for both).
default_args() {
	local c h v
	header "$1" Host | grep -q 'vcpu=' || return 0
	read -r c h v <<<"$(setup_of "$1" "$2")"
	echo "$c $h -"
}

# The catalogue (patch paths, one a line), checked: every patch has its
# Mutant/Class/Expect header.  $1: the CPU; then the names asked for.
select_patches() {
	local cpu_=$1 n p all=() sel=()
	shift
	for p in "$MUTANTS"/*.patch; do
		[ -f "$p" ] && all+=("$p")
	done
	[ ${#all[@]} -gt 0 ] || die "no mutants in $MUTANTS" 2
	if [ $# = 0 ]; then
		sel=("${all[@]}")
	else
		for n in "$@"; do
			p=$MUTANTS/$(basename "${n%.patch}").patch
			[ -f "$p" ] || die "unknown mutant '$n' (see tools/mutate/run.sh --list)" 2
			sel+=("$p")
		done
	fi
	for p in "${sel[@]}"; do
		[ -n "$(header "$p" Mutant)" ] && [ -n "$(header "$p" Class)" ] ||
			die "$(basename "$p"): no '# Mutant:' or '# Class:' header" 2
		setup_of "$p" "$cpu_" >/dev/null || exit 2
		case "$(header "$p" Expect)" in
		killed|equivalent:?*) ;;
		*) die "$(basename "$p"): '# Expect:' must be 'killed' or 'equivalent: REASON'" 2 ;;
		esac
		echo "$p"
	done
}

list_catalogue() {
	local cpu_=$1 p
	shift
	for p in "$@"; do
		printf '%-34s %-16s %-10s %-26s %s\n' "$(basename "$p" .patch)" "$(header "$p" Class)" \
			"$(header "$p" Expect | cut -d: -f1)" "$(setup_of "$p" "$cpu_" | tr ' ' /)" \
			"$(header "$p" Mutant)"
	done
}

# The tree's files a patch changes: the "+++ b/PATH" line after each
# "--- " line, without the timestamp diff -u puts after a tab.
patch_files() {
	awk '/^\+\+\+ / && prev ~ /^--- / {
		p = substr($0, 5); sub(/\t.*/, "", p)
		if (sub(/^b\//, "", p)) print p
	} { prev = $0 }' "$1"
}

# git apply as a plain patch tool on the tree $1 (which is no repository):
# never let it find one above the tree.
tree_apply() {
	local tree=$1
	shift
	GIT_CEILING_DIRECTORIES=$(dirname "$tree") git -C "$tree" apply "$@"
}

# The pristine copy (in $3) of every file of tree $2 patch $1 changes,
# taken before its first mutant is applied (the tree is pristine then).
keep_pristine() {
	local f
	for f in $(patch_files "$1"); do
		[ -f "$3/$f" ] && continue
		mkdir -p "$(dirname "$3/$f")"
		cp -p "$2/$f" "$3/$f"
	done
}

# Return every file of tree $1 a mutant changed to its pristine copy in $2
# (a run that was interrupted may have left a mutant in the tree).  A new
# mtime tells the rebuild to recompile it.
revert_tree() {
	local tree=$1 pristine=$2 f
	[ -f "$pristine/.version" ] || return 0
	(cd "$pristine" && find . -type f ! -name .version) | while read -r f; do
		cmp -s "$pristine/$f" "$tree/$f" || cp "$pristine/$f" "$tree/$f"
	done
}

# $2 holds pristine copies of version $1 of the tree only.
pristine_for_tree() {
	[ "$(cat "$2/.version" 2>/dev/null)" = "$1" ] && return 0
	rm -rf "$2"
	mkdir -p "$2"
	echo "$1" >"$2/.version"
}

# The run's state directory $1: the suites, static for arm64, staged for
# the initramfs (tools/lib/idregs.sh), with set_id_regs $2; the names of
# idregs' tests in $1/tests.idregs.
stage() {
	local work=$1
	idregs_build_selftests "$work/ksft" "$work/build.log" || die "building the selftests failed"
	idregs_selftests_var TEST_GEN_PROGS >"$work/tests.idregs" || die "no test list"
	# shellcheck disable=SC2046
	idregs_stage "$work/ksft" "$work/stage" $(cat "$work/tests.idregs") ||
		die "staging the initramfs failed"
	cp "$2" "$work/stage/bin/$SET_ID_REGS"
}

# The id of setup "CPU HOST VCPU" $1 in file names.
setup_id() {
	local id=${1// /_}
	echo "${id//,/+}"
}

# Initramfs $2 (in state directory $1) running tests $5... with a per-test
# timeout of $4 s; the tests that take --vcpu get "--vcpu $3" unless $3 is
# "-" (the tests' default arguments: idregs_tests_list with no list).
pack() {
	local work=$1 name=$2 vcpus=$3 timeout=$4
	shift 4
	[ -f "$work/$name.cpio.gz" ] && return 0
	[ "$vcpus" != - ] || vcpus=
	idregs_tests_list /bin "$timeout" "$vcpus" "$@" >"$work/stage/tests.list" ||
		die "writing the test list failed"
	emu_pack "$work/stage" "$work/$name.cpio.gz" || die "packing the initramfs failed"
}

# Boot image $2 with initramfs $3 ($7 tests) on setup "CPU HOST VCPU" $5,
# per-test timeout $6; leaves console $4, $4.findings (the known findings
# of the kernel that booted, on that CPU) and $4.host (the boot's own
# verdict, empty for a clean end).
boot() {
	local work=$1 img=$2 initrd=$3 log=$4 setup=$5 timeout=$6 nr_tests=$7 cpu_ host_ vcpu_ rc
	read -r cpu_ host_ vcpu_ <<<"$setup"
	EMU_QUIET=1 EMU_HOST=${host_/default/} emu_boot "image:$img" "$cpu_" "$work/$initrd.cpio.gz" \
		"$log" "$(emu_run_bound "$timeout" "$nr_tests")"
	rc=$?
	host_findings "$log" "$cpu_"
	emu_verdict "$rc" "$log" "$log.findings" >"$log.host"
}

# $1.findings: build/expect-list's lines of the known findings (KNOWN)
# for the release console $1 booted, on CPU model $2 (none without one).
host_findings() {
	local release
	release=$(emu_booted_release "$1")
	: >"$1.findings"
	[ -z "$release" ] || "$TOP/build/expect-list" "$KNOWN" "$release" "$2" >"$1.findings" ||
		die "reading the known findings $KNOWN" 2
}

# The verdict of the suite of tests $2... on console $1 (and the boot's
# own verdict and the host's known findings beside it): tools/lib/console.py
# verdict.
suite_verdict() {
	local log=$1
	shift
	idregs_console verdict "$log" "$(cat "$log.host" 2>/dev/null)" "$@" \
		$([ -f "$log.findings" ] && echo --findings "$log.findings")
}

# Judge image $2 on setup $4 with per-test timeout $5: both suites (one
# boot, set_id_regs first: the last of idregs' results, sequences_test's
# reproducers of known findings, may taint the kernel, and a taint hides a
# later one; a suite the other one's end kept from running gets one of
# its own).
# Prints "IDREGS_VERDICT<TAB>SET_ID_REGS_VERDICT".  $3: the logs' prefix.
run_suites() {
	local work=$1 img=$2 log=$3 setup=$4 timeout=$5 id v_i v_s vcpu_ idregs nr
	idregs=$(cat "$work/tests.idregs")
	nr=$(wc -w <<<"$idregs")
	id=$(setup_id "$setup")-$timeout
	vcpu_=${setup##* }
	# shellcheck disable=SC2086
	pack "$work" "all-$id" "$vcpu_" "$timeout" $SET_ID_REGS $idregs
	boot "$work" "$img" "all-$id" "$log" "$setup" "$timeout" $((nr + 1))
	# shellcheck disable=SC2086
	v_i=$(suite_verdict "$log" $idregs)
	v_s=$(suite_verdict "$log" $SET_ID_REGS)
	if [ "${v_i%% *}" = error ]; then
		# shellcheck disable=SC2086
		pack "$work" "idregs-$id" "$vcpu_" "$timeout" $idregs
		boot "$work" "$img" "idregs-$id" "$log.idregs" "$setup" "$timeout" "$nr"
		# shellcheck disable=SC2086
		v_i=$(suite_verdict "$log.idregs" $idregs)
	fi
	if [ "${v_s%% *}" = error ]; then
		pack "$work" "set_id_regs-$id" "$vcpu_" "$timeout" $SET_ID_REGS
		boot "$work" "$img" "set_id_regs-$id" "$log.sir" "$setup" "$timeout" 1
		v_s=$(suite_verdict "$log.sir" $SET_ID_REGS)
	fi
	printf '%s\t%s\n' "$v_i" "$v_s"
}

# idregs alone on image $2, setup $4 (the tests' default arguments).
run_idregs() {
	local work=$1 img=$2 log=$3 setup=$4 timeout=$5 id idregs
	idregs=$(cat "$work/tests.idregs")
	id=$(setup_id "$setup")-$timeout
	# shellcheck disable=SC2086
	pack "$work" "idregs-$id" "${setup##* }" "$timeout" $idregs
	boot "$work" "$img" "idregs-$id" "$log" "$setup" "$timeout" "$(wc -w <<<"$idregs")"
	# shellcheck disable=SC2086
	suite_verdict "$log" $idregs
}

# Judge mutant (or "unmutated") $2's image on setup $3, and with the
# tests' default arguments on setup $4 (empty: the first verdict stands
# for both), with per-test timeout $5, in the background while the next one
# builds: one line
# "IDREGS<TAB>SET_ID_REGS<TAB>IDREGS_WITH_DEFAULT_ARGUMENTS<TAB>RUN_S" in
# $1/$2.verdict.
judge() {
	local work=$1 name=$2 setup=$3 dsetup=$4 timeout=$5 t0=$SECONDS v v_d
	v=$(run_suites "$work" "$work/$name.Image" "$work/console-$name-$timeout.log" "$setup" "$timeout")
	if [ -z "$dsetup" ]; then
		v_d=${v%%$'\t'*}
	else
		v_d=$(run_idregs "$work" "$work/$name.Image" "$work/console-$name-$timeout.default.log" \
			"$dsetup" "$timeout")
	fi
	printf '%s\t%s\t%s\n' "$v" "$v_d" $((SECONDS - t0)) >"$work/$name.verdict.tmp"
	mv "$work/$name.verdict.tmp" "$work/$name.verdict"
}

# Build the test kernel; $2...: the tree's files changed since the last
# build.  Prints "image PATH" and "set_id_regs PATH" (build-kernel.sh).
build() {
	local work=$1 f changed=()
	shift
	for f in "$@"; do
		changed+=(--changed "$f")
	done
	"$TOP/tools/mutate/build-kernel.sh" --quiet ${changed[@]+"${changed[@]}"} 2>"$work/kbuild.err"
}

md_escape() {
	sed 's/|/\\|/g' <<<"$1"
}

# At most 200 characters of a verdict: the failing result's start says enough.
short() {
	if [ ${#1} -le 200 ]; then echo "$1"; else echo "${1:0:200}..."; fi
}

# The unmutated kernel $2 on each setup $3... alone, with per-test timeout
# $1's; a failure of idregs exits 1, no verdict exits 2.  Prints the setups
# where set_id_regs fails ("SETUP_ID<TAB>WHY") for its verdicts to be n/a.
judge_unmutated_alone() {
	local work=$1 img=$2 cpu_=$3 setup v v_i v_s t0 n=0
	shift 3
	cp "$img" "$work/unmutated.Image"
	for setup in "$@"; do
		t0=$SECONDS
		n=$((n + 1))
		v=$(run_suites "$work" "$work/unmutated.Image" "$work/console-unmutated-$(setup_id "$setup").log" \
			"$setup" "$TEST_TIMEOUT")
		IFS=$'\t' read -r v_i v_s <<<"$v"
		if [ "${v_i%% *}" = error ] || [ "${v_s%% *}" = error ]; then
			v=$(run_suites "$work" "$work/unmutated.Image" \
				"$work/console-unmutated-$(setup_id "$setup")-$SETTINGS_TIMEOUT.log" \
				"$setup" "$SETTINGS_TIMEOUT")
			IFS=$'\t' read -r v_i v_s <<<"$v"
		fi
		echo "[0/alone $n] unmutated ($setup): idregs $(short "$v_i"); set_id_regs $(short "$v_s") ($((SECONDS - t0)) s)" >&2
		[ "${v_i%% *}" = error ] && die "the unmutated kernel gives no verdict on $setup: $v_i" 2
		if [ "$v_i" != survived ] ||
		   { [ "$v_s" != survived ] && [ "$setup" = "$cpu_ default default" ]; }; then
			die "the unmutated kernel fails on $setup: idregs: $v_i; set_id_regs: $v_s"
		fi
		# set_id_regs failing on a host a mutant asks for is a finding
		# about it there; its verdicts on that host cannot count.
		[ "$v_s" = survived ] || printf '%s\t%s\n' "$(setup_id "$setup")" "fails on the unmutated kernel here (${v_s#killed })"
	done
}

# The table's row, the line and the counts of mutant $3 (patch $2), whose
# verdict is in $1/NAME.verdict; $4: the CPU; $5: the build seconds; $6 the
# position "[i/n]".  Appends to $1/rows.md, and to $1/counts what its
# verdicts count for ("KEY NAME" lines: score.py record).
record() {
	local work=$1 p=$2 name=$3 cpu_=$4 build_s=$5 pos=$6 expect v_i v_s v_d run_s setup kind='' broken
	expect=$(header "$p" Expect)
	IFS=$'\t' read -r v_i v_s v_d run_s <"$work/$name.verdict"
	setup=$(setup_of "$p" "$cpu_")
	broken=$(awk -F'\t' -v s="$(setup_id "$setup")" '$1 == s { print $2; exit }' "$work/sir-broken")
	[ -z "$broken" ] || v_s="n/a: $broken"
	[ "${v_i%% *}" != killed ] || kind=$(awk '{ print $2 }' <<<"$v_i")
	echo "$pos $name: idregs $(short "$v_i"); set_id_regs $(short "$v_s")$([ "$v_d" = "$v_i" ] || echo "; with default arguments: idregs $(short "$v_d")") (build $build_s s, run $run_s s)"
	"$SCORE" record "$name" "$expect" "$v_i" "$v_s" "$v_d" >>"$work/counts"
	echo "| $name | $(md_escape "$(header "$p" Class)") | $(md_escape "$(header "$p" Mutant)") | ${expect%%:*} | ${kind:-} | $(md_escape "$(short "$v_i")") | $([ "$v_d" = "$v_i" ] && echo '=' || md_escape "$(short "$v_d")") | $(md_escape "$(short "$v_s")") | $((build_s + run_s)) |" >>"$work/rows.md"
}

# Names with key $2 in $1/counts.
counted() {
	awk -v k="$2" '$1 == k { print $2 }' "$1/counts"
}

# A verdict of $1/$2.verdict is an error.
has_error() {
	local v_i v_s v_d run_s
	IFS=$'\t' read -r v_i v_s v_d run_s <"$1/$2.verdict"
	[ "${v_i%% *}" = error ] || [ "${v_s%% *}" = error ] || [ "${v_d%% *}" = error ]
}

# The scores and the table: build/mutation.md ($2) and stdout.
report() {
	local work=$1 out=$2 title=$3
	mkdir -p "$(dirname "$out")"
	{
		echo "# Mutation run: $title"
		echo
		echo "| mutant | class | models | expect | kill | idregs | idregs, default arguments (=: the same run) | set_id_regs | s |"
		echo "|---|---|---|---|---|---|---|---|---|"
		cat "$work/rows.md"
		echo
		"$SCORE" report "$work/counts" | sed 's/^/- /'
	} >"$out"
	echo "#"
	sed -n '/^| /p' "$out" | sed 's/^/# /'
	sed -n 's/^- //p' "$out"
}

# The options into read-only globals OUT_MD CPU LIST_ONLY KNOWN, the mutants
# asked for into NAMES.
parse_args() {
	local out_md=$TOP/build/mutation.md cpu=max list_only=0 known=$TOP/tools/check-kernels.known
	NAMES=()
	while [ $# -gt 0 ]; do
		case "$1" in
		--out) out_md=${2:?--out needs a file}; shift ;;
		--cpu) cpu=${2:?--cpu needs a model}; shift ;;
		--known) known=${2:?--known needs a file}; shift ;;
		--list) list_only=1 ;;
		-h|--help) usage; exit 0 ;;
		-*) usage >&2; exit 2 ;;
		*) NAMES+=("${1%.patch}") ;;
		esac
		shift
	done
	[ -f "$known" ] || die "no known-findings file $known" 2
	OUT_MD=$out_md CPU=$cpu LIST_ONLY=$list_only KNOWN=$known
	readonly OUT_MD CPU LIST_ONLY NAMES KNOWN
}

# The mutation directory (locked: one run at a time), the kernel tree in
# it and the pristine copies of its files, the run's state directory:
# read-only globals TREE PRISTINE WORK TREE_NAME.  At exit the tree is
# reverted and WORK removed.
open_tree() {
	local cache dir version
	cache=$("$TOP/scripts/deps.sh" --print-cache)
	dir=${IDREGS_MUTATION_DIR:-$cache/mutation}
	TREE=$dir/linux PRISTINE=$dir/pristine
	mkdir -p "$dir"
	exec 9>"$dir/lock"
	flock -n 9 || { echo "mutation: waiting for another run on $dir" >&2; flock 9; }
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/idregs-mutation.XXXXXX")
	readonly TREE PRISTINE WORK
	# shellcheck disable=SC2064
	trap "revert_tree '$TREE' '$PRISTINE'; rm -rf '$WORK'" EXIT
	"$TOP/scripts/kernel-tree.sh" 7 "$TREE" >/dev/null || die "no kernel tree"
	version=$(cat "$TREE/.idregs-package-version")
	TREE_NAME="linux-source 7.x ($version)"
	readonly TREE_NAME
	pristine_for_tree "$version" "$PRISTINE"
	revert_tree "$TREE" "$PRISTINE"
}

# Every patch $1... applies to the tree, or exit 2 naming the first.
check_patches_apply() {
	local p why
	for p in "$@"; do
		why=$(tree_apply "$TREE" --check "$p" 2>&1) ||
			die "$(basename "$p") no longer applies to $TREE_NAME: $(head -n 2 <<<"$why" | tr '\n' ' ')" 2
	done
}

# The unmutated kernel and the staged suites: read-only global IMAGE.
build_unmutated() {
	local r sir_bin
	echo "mutation: building the test kernel from $TREE_NAME" >&2
	r=$(build "$WORK") || { cat "$WORK/kbuild.err" >&2; die "the unmutated test kernel does not build"; }
	IMAGE=$(sed -n 's/^image //p' <<<"$r")
	readonly IMAGE
	sir_bin=$(sed -n 's/^set_id_regs //p' <<<"$r")
	stage "$WORK" "$sir_bin"
}

# The unmutated kernel alone on every setup a mutant $1... asks for, and
# with the tests' default arguments on the same hosts; the setups where
# set_id_regs fails into $WORK/sir-broken.
judge_unmutated() {
	local p setups=()
	mapfile -t setups < <(for p in "$@"; do
		setup_of "$p" "$CPU"; default_args "$p" "$CPU"; done | sort -u)
	judge_unmutated_alone "$WORK" "$IMAGE" "$CPU" "${setups[@]}" >"$WORK/sir-broken" || exit $?
	: >"$WORK/counts"
	: >"$WORK/rows.md"
}

# Mutant $2 (patch $1, position $3 of $4) applied, built into
# $WORK/NAME.Image and the tree reverted; its build time in NAME.build_s.
# Status 1 (counted "bad") when it does not build.
build_mutant() {
	local p=$1 name=$2 i=$3 nr=$4 t0=$SECONDS r
	keep_pristine "$p" "$TREE" "$PRISTINE"
	tree_apply "$TREE" "$p" || die "$name: git apply failed" 2
	# shellcheck disable=SC2046
	r=$(build "$WORK" $(patch_files "$p"))
	local rc=$?
	revert_tree "$TREE" "$PRISTINE"
	if [ "$rc" != 0 ]; then
		echo "bad $name" >>"$WORK/counts"
		echo "[$i/$nr] $name: does not build: $(grep -m 1 -a 'error' "$WORK/kbuild.err" | head -c 200)"
		return 1
	fi
	cp "$(sed -n 's/^image //p' <<<"$r")" "$WORK/$name.Image"
	echo $((SECONDS - t0)) >"$WORK/$name.build_s"
}

# Mutants $1... build one after another while up to $JUDGES built ones
# boot (a rebuild takes one core for a few seconds, a TCG host about
# one).  The first judge is the unmutated kernel again, beside the first
# rebuild, as every mutant is judged.
judge_mutants() {
	local pending=() pending_nr=() i p name nr=$#
	cp "$IMAGE" "$WORK/unmutated-beside.Image"
	judge "$WORK" unmutated-beside "$CPU default default" "" "$TEST_TIMEOUT" &
	pending+=($!) pending_nr+=(0)
	for i in $(seq 1 "$nr"); do
		p=${!i}
		name=$(basename "$p" .patch)
		build_mutant "$p" "$name" "$i" "$nr" || continue
		if [ ${#pending[@]} -ge "$JUDGES" ]; then
			wait "${pending[0]}"
			record_pending "$WORK" "$CPU" "$nr" "${pending_nr[0]}" "$@"
			pending=("${pending[@]:1}") pending_nr=("${pending_nr[@]:1}")
		fi
		judge "$WORK" "$name" "$(setup_of "$p" "$CPU")" "$(default_args "$p" "$CPU")" \
			"$TEST_TIMEOUT" &
		pending+=($!) pending_nr+=("$i")
	done
	while [ ${#pending[@]} -gt 0 ]; do
		wait "${pending[0]}"
		record_pending "$WORK" "$CPU" "$nr" "${pending_nr[0]}" "$@"
		pending=("${pending[@]:1}") pending_nr=("${pending_nr[@]:1}")
	done
}

# The closing line and the exit status from $WORK/counts ($1: the number
# of mutants; score.py finish): the unmutated kernel and each mutant whose
# expectation held pass; a lost mutant (exit 1), one that does not build
# or one without a verdict (exit 2) fails.
finish() {
	"$SCORE" finish "$WORK/counts" "$1"
	exit
}

main() {
	local patches=() start=$SECONDS
	parse_args "$@"
	mapfile -t patches < <(select_patches "$CPU" ${NAMES[@]+"${NAMES[@]}"})
	[ ${#patches[@]} -gt 0 ] || exit 2
	if [ "$LIST_ONLY" = 1 ]; then
		list_catalogue "$CPU" "${patches[@]}"
		exit 0
	fi
	make -s -C "$TOP" build/expect-list || die "building build/expect-list failed" 2
	open_tree
	check_patches_apply "${patches[@]}"
	build_unmutated
	echo "mutation: built in $((SECONDS - start)) s; cpu $CPU; ${#patches[@]} mutants" >&2
	judge_unmutated "${patches[@]}"
	judge_mutants "${patches[@]}"
	report "$WORK" "$OUT_MD" "$TREE_NAME, -cpu $CPU"
	echo "mutation: ${#patches[@]} mutants ($(counted "$WORK" equivalent | wc -l) marked equivalent) in $((SECONDS - start)) s; table: $OUT_MD" >&2
	finish ${#patches[@]}
}

# The judge of position $4 (0: the unmutated kernel beside a rebuild) is
# done: a verdict without an answer is judged again, alone and with
# selftests/settings' timeout, then recorded.  $5...: the patches.
record_pending() {
	local work=$1 cpu_=$2 nr=$3 i=$4 p name v_i
	shift 4
	if [ "$i" = 0 ]; then
		name=unmutated-beside
		if has_error "$work" "$name"; then
			judge "$work" "$name" "$cpu_ default default" "" "$SETTINGS_TIMEOUT"
		fi
		IFS=$'\t' read -r v_i _ <"$work/$name.verdict"
		echo "[0/$nr] unmutated beside a rebuild: idregs $(short "$v_i")"
		case "$v_i" in
		survived) ;;
		error*) die "the unmutated kernel beside a rebuild gives no verdict: $v_i" 2 ;;
		*) die "the unmutated kernel fails beside a rebuild: $v_i" ;;
		esac
		return
	fi
	p=${!i}
	name=$(basename "$p" .patch)
	if has_error "$work" "$name"; then
		echo "[$i/$nr] $name: no verdict beside the rebuild, judging it alone (timeout $SETTINGS_TIMEOUT s): $(cut -f1-3 "$work/$name.verdict" | tr '\t' ' ' | head -c 200)" >&2
		judge "$work" "$name" "$(setup_of "$p" "$cpu_")" "$(default_args "$p" "$cpu_")" \
			"$SETTINGS_TIMEOUT"
	fi
	record "$work" "$p" "$name" "$cpu_" "$(cat "$work/$name.build_s")" "[$i/$nr]"
	rm -f "$work/$name.Image"
}

# tools/mutate/test_run.sh sources the functions without running them.
[ "${BASH_SOURCE[0]}" != "$0" ] || main "$@"
