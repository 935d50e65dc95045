#!/usr/bin/env bash
# Mutation testing: run idregs' suite and the kernel's own set_id_regs on
# kernels with deliberate bugs in KVM's ID-register code, and count what
# each suite catches.
#
#   tools/mutate/run.sh [--out FILE] [--cpu MODEL] [--list] [MUTANT...]
#
# For the unmutated kernel and then each mutant (default: every
# tools/mutate/mutants/*.patch): apply it to the test kernel's tree, rebuild
# (tools/mutate/build-kernel.sh: incremental), revert, boot the kernel on
# the emulated host and run both suites in it.  A mutant whose bug only a
# particular host shows names it ("# Host: cpu=MODEL host=FLAVOURS
# vcpu=LIST"); the unmutated kernel is run on every host named.  A suite kills a mutant when
# one of its tests fails (or the host crashes or hangs in it).  Prints a
# line per mutant, a table and the scores; writes the table as markdown to
# FILE (default build/mutation.md).
#
# Exit: 0 the catalogue held; 1 the unmutated kernel fails a suite (on a
# host a mutant names, set_id_regs may: its verdicts there are n/a), a mutant
# marked "Expect: killed" survives idregs, or one marked equivalent is
# killed; 2 bad input (unknown mutant, a patch without its header, a patch
# that no longer applies or builds: which and why).
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=$("$TOP/scripts/deps.sh" --print-cache)
. "$TOP/tools/emu/emu.sh"
. "$TOP/tools/lib/idregs.sh"
DIR=${IDREGS_MUTATION_DIR:-$CACHE/mutation}
TREE=$DIR/linux
MUTANTS=$TOP/tools/mutate/mutants
PRISTINE=$DIR/pristine
tree_version=
# Per test inside a mutant's host: a mutant that hangs a test costs this.
TEST_TIMEOUT=${MUTATION_TEST_TIMEOUT:-60}
# Hosts booted at a time while the next mutants build.
JUDGES=${MUTATION_JUDGES:-2}
IDREGS_TESTS=
SET_ID_REGS=set_id_regs

out_md=$TOP/build/mutation.md
cpu=max
list_only=0
names=()

usage() {
	cat <<USAGE
usage: tools/mutate/run.sh [--out FILE] [--cpu MODEL] [--list] [MUTANT...]
  MUTANT   a patch of tools/mutate/mutants/, by name (with or without
           .patch); default: all of them
  --out    the markdown table (default: build/mutation.md)
  --cpu    qemu -cpu model of the emulated host (default: max)
  --list   list the catalogue (name, class, expectation, host, what it models)
Exit: 0 the catalogue held, 1 a suite lost a mutant it must kill (or the
unmutated kernel fails), 2 bad input.
USAGE
}

die() { echo "mutation: error: $*" >&2; exit "${2:-1}"; }

while [ $# -gt 0 ]; do
	case "$1" in
	--out) out_md=${2:?--out needs a file}; shift ;;
	--cpu) cpu=${2:?--cpu needs a model}; shift ;;
	--list) list_only=1 ;;
	-h|--help) usage; exit 0 ;;
	-*) usage >&2; exit 2 ;;
	*) names+=("${1%.patch}") ;;
	esac
	shift
done

# A header line "# KEY: value" of patch $1.
header() {
	sed -n "s/^# $2: *//p" "$1" | head -n 1
}

# The catalogue, checked: every patch has its Mutant/Class/Expect header.
declare -a patches=()
select_patches() {
	local n p all=()
	for p in "$MUTANTS"/*.patch; do
		[ -f "$p" ] && all+=("$p")
	done
	[ ${#all[@]} -gt 0 ] || die "no mutants in $MUTANTS" 2
	if [ ${#names[@]} = 0 ]; then
		patches=("${all[@]}")
	else
		for n in "${names[@]}"; do
			p=$MUTANTS/$(basename "$n").patch
			[ -f "$p" ] || die "unknown mutant '$n' (see tools/mutate/run.sh --list)" 2
			patches+=("$p")
		done
	fi
	for p in "${patches[@]}"; do
		[ -n "$(header "$p" Mutant)" ] && [ -n "$(header "$p" Class)" ] ||
			die "$(basename "$p"): no '# Mutant:' or '# Class:' header" 2
		setup_of "$p" >/dev/null || exit 2
		case "$(header "$p" Expect)" in
		killed|equivalent:?*) ;;
		*) die "$(basename "$p"): '# Expect:' must be 'killed' or 'equivalent: REASON'" 2 ;;
		esac
	done
}

list_catalogue() {
	local p
	for p in "${patches[@]}"; do
		printf '%-34s %-16s %-10s %-26s %s\n' "$(basename "$p" .patch)" "$(header "$p" Class)" \
			"$(header "$p" Expect | cut -d: -f1)" "$(setup_of "$p" | tr ' ' /)" \
			"$(header "$p" Mutant)"
	done
}

# The tree's files a patch changes.
patch_files() {
	sed -n 's|^+++ b/||p' "$1"
}

# git apply as a plain patch tool on the tree (which is no repository):
# never let it find one above the tree.
tree_apply() {
	GIT_CEILING_DIRECTORIES=$(dirname "$TREE") git -C "$TREE" apply "$@"
}

# The pristine copy of every file a mutant changes is kept in $PRISTINE,
# taken before its first mutant is applied (the tree is pristine then);
# copies of another version of the tree are dropped (pristine_for_tree).
keep_pristine() {
	local f
	for f in $(patch_files "$1"); do
		[ -f "$PRISTINE/$f" ] && continue
		mkdir -p "$(dirname "$PRISTINE/$f")"
		cp -p "$TREE/$f" "$PRISTINE/$f"
	done
}

# Return every file a mutant changed to its pristine copy (a run that was
# interrupted may have left a mutant in the tree).  A new mtime tells the
# rebuild to recompile it.
revert_tree() {
	local f
	[ -n "$tree_version" ] || return 0
	(cd "$PRISTINE" && find . -type f ! -name .version) | while read -r f; do
		cmp -s "$PRISTINE/$f" "$TREE/$f" || cp "$PRISTINE/$f" "$TREE/$f"
	done
}

# $PRISTINE holds copies of this version of the tree only.
pristine_for_tree() {
	[ "$(cat "$PRISTINE/.version" 2>/dev/null)" = "$tree_version" ] && return 0
	rm -rf "$PRISTINE"
	mkdir -p "$PRISTINE"
	echo "$tree_version" >"$PRISTINE/.version"
}

# Every selected patch applies to the pristine tree, or exit 2 naming it.
check_patches() {
	local p why
	revert_tree
	for p in "${patches[@]}"; do
		why=$(tree_apply --check "$p" 2>&1) ||
			die "$(basename "$p") no longer applies to $tree_name: $(head -n 2 <<<"$why" | tr '\n' ' ')" 2
	done
}

# The suites, static for arm64, and one initramfs per test list: both
# suites, idregs only, set_id_regs only.
stage() {
	idregs_build_selftests "$work/ksft" "$work/build.log" || die "building the selftests failed"
	IDREGS_TESTS=$(idregs_selftests_var TEST_GEN_PROGS)
	idregs_stage "$work/ksft" "$work/stage" $IDREGS_TESTS || die "staging the initramfs failed"
	cp "$set_id_regs_bin" "$work/stage/bin/$SET_ID_REGS"
}

# A mutant's host: "CPU HOST VCPU" from its optional header line
# "# Host: cpu=MODEL host=FLAVOURS vcpu=LIST" (tools/mutate/README.md);
# by default --cpu's model, the default host and the default vCPU.
setup_of() {
	local cpu_=$cpu host_=default vcpu_=default w
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

# The three initramfs images of a setup (both suites, idregs, set_id_regs),
# packed once; prints the setup's id.
pack_setup() {
	local id=${1// /_}
	id=${id//,/+}
	if [ ! -f "$work/all-$id.cpio.gz" ]; then
		pack "all-$id" "$4" $IDREGS_TESTS $SET_ID_REGS
		pack "idregs-$id" "$4" $IDREGS_TESTS
		pack "set_id_regs-$id" "$4" $SET_ID_REGS
	fi
	echo "$id"
}

# The tests that take --vcpu (VCPU_TESTS) get a mutant's "# Host: vcpu="
# list, "default" when it names none (the tests' own default is every
# configuration: tools/lib/idregs.sh).
pack() {
	local name=$1 vcpu_=$2
	shift 2
	idregs_tests_list /bin "$TEST_TIMEOUT" "$vcpu_" "$@" >"$work/stage/tests.list"
	emu_pack "$work/stage" "$work/$name.cpio.gz" || die "packing the initramfs failed"
}

# "NAME STATUS DETAIL" per test from console log $1: STATUS ok, skip or
# fail; DETAIL the first failing result inside the test, or the runner's
# directive; a test that started but never ended is "crash".
test_results() {
	awk '
	function flush_open() { if (cur != "") print cur, "crash", (first != "" ? first : "the host stopped during this test") }
	/^# selftests: [^:]*: / { cur = $0; sub(/^# selftests: [^:]*: /, "", cur); first = ""; assertion = 0; next }
	cur != "" && /^# (# )*not ok / && first == "" { first = $0; sub(/^# (# )*/, "", first); next }
	# The kernel selftests library aborts with an assertion block instead.
	cur != "" && assertion == 1 && first == "" { first = $0; sub(/^# *(# )*/, "", first); assertion = 0; next }
	cur != "" && /Test Assertion Failure/ { assertion = 1; next }
	cur != "" && /^(not )?ok [0-9]+ selftests: / {
		st = ($0 ~ /^not ok/) ? "fail" : ($0 ~ /# SKIP/ ? "skip" : "ok")
		dir = $0; if (!sub(/.* # /, "", dir)) dir = ""
		if (st == "fail" && first == "") first = (dir != "" ? dir : "exit status")
		print cur, st, first; cur = ""; next
	}
	END { flush_open() }' "$1"
}

# Verdict of the tests $2... on log $1: "killed DETAIL", "survived" or
# "notrun".
suite_verdict() {
	local log=$1 t name st detail seen=0
	shift
	for t in "$@"; do
		while read -r name st detail; do
			[ "$name" = "$t" ] || continue
			seen=$((seen + 1))
			case "$st" in
			fail|crash) echo "killed $t: $detail"; return ;;
			esac
		done <"$log.results"
	done
	[ "$seen" -ge $# ] && echo survived || echo notrun
}

# Boot image $1 with initramfs $2; leaves $3 (console) and $3.results.
# Boot image $1 with initramfs $2 on setup "CPU HOST VCPU" $4.
boot() {
	local bound=$((EMU_BOOT_ALLOWANCE + TEST_TIMEOUT * 6)) verdict cpu_ host_ vcpu_
	read -r cpu_ host_ vcpu_ <<<"$4"
	EMU_QUIET=1 EMU_HOST=${host_/default/} emu_boot "image:$1" "$cpu_" "$work/$2.cpio.gz" "$3" "$bound"
	verdict=$(emu_verdict $? "$3")
	test_results "$3" >"$3.results"
	[ -n "$verdict" ] && echo "host: $verdict" >"$3.host" || rm -f "$3.host"
}

# Run both suites on image $1; sets v_idregs and v_sir.  A suite the other
# one's crash kept from running gets a boot of its own.
run_suites() {
	local img=$1 log=$work/console-$2.log setup=$3 id
	id=$(pack_setup "$setup" $setup)
	boot "$img" "all-$id" "$log" "$setup"
	v_idregs=$(suite_verdict "$log" $IDREGS_TESTS)
	v_sir=$(suite_verdict "$log" $SET_ID_REGS)
	if [ "$v_idregs" = notrun ]; then
		boot "$img" "idregs-$id" "$log.idregs" "$setup"
		v_idregs=$(suite_verdict "$log.idregs" $IDREGS_TESTS)
	fi
	if [ "$v_sir" = notrun ]; then
		boot "$img" "set_id_regs-$id" "$log.sir" "$setup"
		v_sir=$(suite_verdict "$log.sir" $SET_ID_REGS)
	fi
	# A host that never ran anything: the verdict of the boot itself.
	[ "$v_idregs" = notrun ] && v_idregs="killed $(cat "$log.host" 2>/dev/null || echo 'no result')"
	[ "$v_sir" = notrun ] && v_sir="killed $(cat "$log.host" 2>/dev/null || echo 'no result')"
}

# Build the test kernel; $@: the tree's files changed since the last build.
build() {
	local r f changed=()
	for f in "$@"; do
		changed+=(--changed "$f")
	done
	r=$("$TOP/tools/mutate/build-kernel.sh" --quiet ${changed[@]+"${changed[@]}"} 2>"$work/kbuild.err") || return 1
	image=$(sed -n 's/^image //p' <<<"$r")
	set_id_regs_bin=$(sed -n 's/^set_id_regs //p' <<<"$r")
}

md_escape() {
	sed 's/|/\\|/g' <<<"$1"
}

select_patches
if [ "$list_only" = 1 ]; then
	list_catalogue
	exit 0
fi

mkdir -p "$DIR"
exec 9>"$DIR/lock"
flock -n 9 || { echo "mutation: waiting for another run on $DIR" >&2; flock 9; }
work=$(mktemp -d "${TMPDIR:-/tmp}/idregs-mutation.XXXXXX")
trap 'revert_tree; rm -rf "$work"' EXIT

start=$SECONDS
"$TOP/scripts/kernel-tree.sh" 7 "$TREE" >/dev/null || die "no kernel tree"
tree_version=$(cat "$TREE/.idregs-package-version")
tree_name="linux-source 7.x ($tree_version)"
pristine_for_tree
check_patches
echo "mutation: building the test kernel from $tree_name" >&2
build || { cat "$work/kbuild.err" >&2; die "the unmutated test kernel does not build"; }
stage
echo "mutation: built in $((SECONDS - start)) s; cpu $cpu; ${#patches[@]} mutants" >&2

rc=0
t0=$SECONDS
# The unmutated kernel on every setup a selected mutant asks for.
declare -A sir_broken=()
mapfile -t setups < <(for p in "${patches[@]}"; do setup_of "$p"; done | sort -u)
for setup in "${setups[@]}"; do
	t0=$SECONDS
	run_suites "$image" "unmutated-$(pack_setup "$setup" $setup)" "$setup"
	echo "[0/${#patches[@]}] unmutated ($setup): idregs ${v_idregs%% *}, set_id_regs ${v_sir%% *} ($((SECONDS - t0)) s)"
	if [ "$v_idregs" != survived ] ||
	   { [ "$v_sir" != survived ] && [ "$setup" = "$cpu default default" ]; }; then
		echo "mutation: the unmutated kernel fails on $setup: idregs: $v_idregs; set_id_regs: $v_sir" >&2
		exit 1
	fi
	# set_id_regs failing on a host a mutant asks for is a finding about
	# it there; its verdicts on that host cannot count.
	[ "$v_sir" = survived ] ||
		sir_broken[$setup]="fails on the unmutated kernel here (${v_sir#killed })"
done

# Judge the image of mutant $1 (built in $2 s): both suites, then one
# line "IDREGS_VERDICT<TAB>SET_ID_REGS_VERDICT<TAB>BUILD_S<TAB>RUN_S" in
# $work/$1.verdict.  Runs in the background while the next mutant builds.
judge() {
	local name=$1 build_s=$2 setup=$3 t0=$SECONDS v_idregs v_sir
	run_suites "$work/$name.Image" "$name" "$setup"
	rm -f "$work/$name.Image"
	printf '%s\t%s\t%s\t%s\n' "$v_idregs" "$v_sir" "$build_s" $((SECONDS - t0)) \
		>"$work/$name.verdict"
}

rows=() n=0 killed_i=0 killed_s=0 nonequiv=0 missed=() lost=() bad=()

# Count and print the verdict of patch number $1 once its judge is done.
record() {
	local i=$1 p=${patches[$(($1 - 1))]} name expect v_idregs v_sir build_s run_s ki ks setup
	name=$(basename "$p" .patch)
	expect=$(header "$p" Expect)
	IFS=$'\t' read -r v_idregs v_sir build_s run_s <"$work/$name.verdict"
	setup=$(setup_of "$p")
	[ -z "${sir_broken[$setup]:-}" ] || v_sir="n/a: ${sir_broken[$setup]}"
	ki=${v_idregs%% *} ks=${v_sir%% *}
	# The first failing result says enough in its first 200 characters.
	[ ${#v_idregs} -le 200 ] || v_idregs="${v_idregs:0:200}..."
	[ ${#v_sir} -le 200 ] || v_sir="${v_sir:0:200}..."
	echo "[$i/${#patches[@]}] $name: idregs $v_idregs; set_id_regs $v_sir (build $build_s s, run $run_s s)"
	case "$expect" in
	equivalent*)
		[ "$ki" = killed ] && lost+=("$name (marked equivalent, killed by idregs)") ;;
	*)
		nonequiv=$((nonequiv + 1))
		[ "$ki" = killed ] && killed_i=$((killed_i + 1))
		[ "$ks" = killed ] && killed_s=$((killed_s + 1))
		[ "$ki" != killed ] && [ "$ks" != killed ] && missed+=("$name")
		[ "$ki" != killed ] && lost+=("$name (marked killed, survived idregs)") ;;
	esac
	rows+=("| $name | $(md_escape "$(header "$p" Class)") | $(md_escape "$(header "$p" Mutant)") | ${expect%%:*} | $(md_escape "$v_idregs") | $(md_escape "$v_sir") | $((build_s + run_s)) |")
	n=$((n + 1))
}

# Mutants build one after another while up to $JUDGES built ones boot (a
# rebuild takes one core for a few seconds, a TCG host about one core).
pending=() pending_nr=()

# Wait for the oldest judge still running and record its mutant.
record_oldest() {
	wait "${pending[0]}"
	record "${pending_nr[0]}"
	pending=("${pending[@]:1}") pending_nr=("${pending_nr[@]:1}")
}

for i in $(seq 1 ${#patches[@]}); do
	p=${patches[$((i - 1))]}
	name=$(basename "$p" .patch)
	t0=$SECONDS
	keep_pristine "$p"
	tree_apply "$p" || die "$name: git apply failed" 2
	if build $(patch_files "$p"); then
		revert_tree
		cp "$image" "$work/$name.Image"
	else
		revert_tree
		bad+=("$name")
		echo "[$i/${#patches[@]}] $name: does not build: $(grep -m 1 -a 'error' "$work/kbuild.err" | head -c 200)"
		continue
	fi
	[ ${#pending[@]} -lt "$JUDGES" ] || record_oldest
	judge "$name" $((SECONDS - t0)) "$(setup_of "$p")" &
	pending+=($!) pending_nr+=("$i")
done
while [ ${#pending[@]} -gt 0 ]; do
	record_oldest
done
[ ${#lost[@]} = 0 ] || rc=1

pct=0
[ "$nonequiv" -gt 0 ] && pct=$((100 * killed_i / nonequiv))
mkdir -p "$(dirname "$out_md")"
{
	echo "# Mutation run: $tree_name, -cpu $cpu"
	echo
	echo "| mutant | class | models | expect | idregs | set_id_regs | s |"
	echo "|---|---|---|---|---|---|---|"
	printf '%s\n' ${rows[@]+"${rows[@]}"}
	echo
	echo "- idregs killed $killed_i/$nonequiv ($pct%)"
	echo "- set_id_regs killed $killed_s/$nonequiv"
	echo "- missed by both: ${missed[*]:-none}"
} >"$out_md"
echo "#"
sed -n '/^| /p' "$out_md" | sed 's/^/# /'
echo "idregs killed $killed_i/$nonequiv ($pct%)"
echo "set_id_regs killed $killed_s/$nonequiv"
echo "missed by both: ${missed[*]:-none}"
echo "mutation: $n mutants in $((SECONDS - start)) s; table: $out_md" >&2
for l in ${lost[@]+"${lost[@]}"}; do
	echo "mutation: catalogue broken: $l" >&2
done
# The closing line: the unmutated kernel and each mutant whose expectation
# held pass; a lost mutant or one that does not build fails.
echo "mutation: $((1 + n - ${#lost[@]})) passed, $((${#lost[@]} + ${#bad[@]})) failed"
if [ ${#bad[@]} -gt 0 ]; then
	echo "mutation: error: these mutants do not build: ${bad[*]}" >&2
	exit 2
fi
exit "$rc"
