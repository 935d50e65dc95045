#!/usr/bin/env bash
# Build the mutation test kernel: a minimal arm64 KVM host kernel from the
# cached linux-source 7.x, and the kernel's own set_id_regs from the same
# tree, out of tree and cached outside the work tree.
#
#   tools/mutate/build-kernel.sh [--quiet] [--changed FILE]...
#
# The tree is $IDREGS_MUTATION_DIR/linux (default: the cache's mutation/),
# extracted once by scripts/kernel-tree.sh; objects go to .../build, so a
# second run only rebuilds what changed in the tree.  The files named with
# --changed (paths in the tree), when they are C files, are recompiled and
# linked without kbuild's walk of the tree (fast_rebuild); anything else (a
# header, the configuration, a call without --changed) goes through kbuild.  The
# configuration is allnoconfig with selftests/config (what the suite needs)
# and tools/mutate/host.config (what the emulated host needs) forced on or
# off; every option they name must come out so in .config, or the build
# stops and names it.
#
# Prints two lines: "image PATH" and "set_id_regs PATH".
# Exit: 0 built, 1 a build failed (its log's tail on stderr).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=$("$TOP/scripts/deps.sh" --print-cache)
DIR=${IDREGS_MUTATION_DIR:-$CACHE/mutation}
TREE=$DIR/linux
OUT=$DIR/build
KSFT_OUT=$DIR/selftests
JOBS=${JOBS:-$(nproc)}
# LOCALVERSION set (empty): the release is plain "7.3.4"; scripts/setlocalversion
# then asks no version control for a "+".
KMAKE=(make -s -C "$TREE" O="$OUT" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
       LOCALVERSION= -j"$JOBS")
# Link only: kbuild's top-level Makefile run in the object tree (so that
# it does not re-invoke itself), with the descent into the tree (".") and
# "prepare" taken as done; see fast_rebuild.
LINK=(make -s --no-print-directory -C "$OUT" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
      LOCALVERSION= -j"$JOBS" -o . -o prepare)
FRAGMENTS=("$TOP/selftests/config" "$TOP/tools/mutate/host.config")
# Every file named with --changed: a previous mutant's file, reverted since,
# is newer than what was built from it.
TOUCHED=$OUT/.idregs-changed
# Touched when kbuild starts a whole build: a header newer than it needs one.
FULL_BUILD=$OUT/.idregs-full-build
configured=0

quiet=0
changed=()
while [ $# -gt 0 ]; do
	case "$1" in
	--quiet) quiet=1 ;;
	--changed) changed+=("${2:?--changed needs a file of the tree}"); shift ;;
	*) echo "usage: tools/mutate/build-kernel.sh [--quiet] [--changed FILE]..." >&2; exit 2 ;;
	esac
	shift
done

die() { echo "build-kernel: error: $*" >&2; exit 1; }
say() { [ "$quiet" = 1 ] || echo "build-kernel: $*" >&2; }

# Run a build step with its output in $DIR/LOG; on failure show the tail.
step() {
	local log=$DIR/$1
	shift
	"$@" >"$log" 2>&1 || {
		tail -n 25 "$log" | sed 's/^/build-kernel:   /' >&2
		die "$* failed (whole log: $log)"
	}
}

need_tools() {
	local t missing=()
	for t in flex bison bc aarch64-linux-gnu-gcc; do
		command -v "$t" >/dev/null || missing+=("$t")
	done
	[ -f /usr/include/libelf.h ] || missing+=(libelf-dev)
	[ ${#missing[@]} = 0 ] || "$TOP/scripts/deps.sh" --quiet ||
		die "scripts/deps.sh failed"
}

# allnoconfig with the fragments forced, whenever the fragments changed.
configure() {
	local frag=$OUT/idregs.config line option missing=()
	mkdir -p "$OUT"
	grep -hE '^(CONFIG_|# CONFIG_[A-Z0-9_]+ is not set$)' "${FRAGMENTS[@]}" |
		LC_ALL=C sort -u >"$frag.new"
	if [ -f "$OUT/.config" ] && cmp -s "$frag.new" "$frag"; then
		rm -f "$frag.new"
		return 0
	fi
	mv "$frag.new" "$frag"
	configured=1
	say "configure: allnoconfig + ${FRAGMENTS[*]#$TOP/}"
	step config.log "${KMAKE[@]}" KCONFIG_ALLCONFIG="$frag" allnoconfig
	while read -r line; do
		case "$line" in
		"# "*) option=${line#\# } option=${option%% *}
		       ! grep -q "^$option=" "$OUT/.config" ;;
		*) grep -qx "$line" "$OUT/.config" ;;
		esac || missing+=("$line")
	done <"$frag"
	if [ ${#missing[@]} -gt 0 ]; then
		rm -f "$OUT/.config"
		die "options not in the resulting .config (a dependency is missing): ${missing[*]}"
	fi
}

build_image() {
	if [ "$configured" = 0 ] && [ -s "$OUT/arch/arm64/boot/Image" ] && fast_rebuild; then
		return 0
	fi
	say "build Image ($JOBS jobs)"
	touch "$FULL_BUILD"
	step image.log "${KMAKE[@]}" Image
	[ -s "$OUT/arch/arm64/boot/Image" ] || die "no $OUT/arch/arm64/boot/Image after the build"
}

# A mutant's rebuild without kbuild's walk of every directory (about 8 s
# of the 15 s a rebuild takes here): recompile each changed C file with the
# command kbuild recorded for its object, re-make the thin archives above
# it the same way, then link with kbuild's own top-level rules told to take
# the tree and its headers as built (make -o).  The files to recompile are
# those named with --changed now or before (the previous mutants, since
# reverted) that are newer than their object (the names are kept for the
# next call).  Returns 1, before building anything, when there is nothing
# named or a changed file is not a plain object of an archive (a header
# newer than the last full build, an object kbuild never built): kbuild
# must then do the whole build.
fast_rebuild() {
	local src obj dir srcs=() stale=() objs=()
	[ ${#changed[@]} -gt 0 ] || return 1
	mapfile -t srcs < <({ printf '%s\n' "${changed[@]}"; cat "$TOUCHED" 2>/dev/null; } |
			     LC_ALL=C sort -u)
	printf '%s\n' "${srcs[@]}" >"$TOUCHED"
	for src in "${srcs[@]}"; do
		case "$src" in
		*.c) ;;
		*) [ "$TREE/$src" -nt "$FULL_BUILD" ] && return 1
		   continue ;;
		esac
		obj=${src%.c}.o
		dir=$(dirname "$src")
		[ -f "$OUT/$dir/.$(basename "$obj").cmd" ] && [ -f "$OUT/$dir/.built-in.a.cmd" ] ||
			return 1
		objs+=("$obj")
		[ "$TREE/$src" -nt "$OUT/$obj" ] && stale+=("$src")
	done
	[ ${#stale[@]} -gt 0 ] && say "fast rebuild: ${stale[*]}"
	for src in ${stale[@]+"${stale[@]}"}; do
		obj=${src%.c}.o
		step image.log replay "$(cmd_file "$obj")" "$obj"
		rm -f "$OUT/$(dirname "$obj")/.$(basename "$obj").d"
	done
	# Relink when an object is newer than the image (also after a run
	# that stopped between compiling and linking).
	for obj in ${objs[@]+"${objs[@]}"}; do
		[ "$OUT/$obj" -nt "$OUT/arch/arm64/boot/Image" ] || continue
		relink "${objs[@]}"
		return 0
	done
	return 0
}

# kbuild's record of how it built $1 (a path in the object tree).
cmd_file() {
	local dir=${1%/*} name=${1##*/}
	[ "$dir" != "$1" ] || dir=.
	echo "$dir/.$name.cmd"
}

# Re-make the thin archives of the directories of objects $@ and of those
# above them, as kbuild would (the top one being newer is what makes
# kbuild relink), then link vmlinux and the Image with kbuild's rules.
relink() {
	local obj dir archive
	for obj in "$@"; do
		dir=$(dirname "$obj")
		while :; do
			archive=$dir/built-in.a
			[ "$dir" != . ] || archive=built-in.a
			[ ! -f "$OUT/$(cmd_file "$archive")" ] ||
				step image.log replay "$(cmd_file "$archive")" "$archive"
			[ "$dir" != . ] || break
			dir=$(dirname "$dir")
		done
	done
	step image.log "${LINK[@]}" Image
	[ -s "$OUT/arch/arm64/boot/Image" ] || die "no $OUT/arch/arm64/boot/Image after the build"
}

# Run the command kbuild recorded in .cmd file $1 for target $2.
replay() {
	make -s -f "$TOP/tools/mutate/replay.mk" -C "$OUT" CMD="$1" TARGET="$2" replay
}

# set_id_regs, static, against the headers of this very tree.
build_set_id_regs() {
	local hdr=$OUT/usr/include bin=$KSFT_OUT/arm64/set_id_regs
	if [ ! -f "$hdr/linux/kvm.h" ]; then
		say "install uapi headers"
		step headers.log "${KMAKE[@]}" headers
	fi
	say "build set_id_regs"
	mkdir -p "$KSFT_OUT"
	step set_id_regs.log make -s -C "$TREE/tools/testing/selftests/kvm" \
		ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- LDFLAGS=-static \
		KHDR_INCLUDES="-isystem $hdr" OUTPUT="$KSFT_OUT" -j"$JOBS" "$bin"
	[ -x "$bin" ] || die "no $bin after the build"
}

need_tools
mkdir -p "$DIR"
"$TOP/scripts/kernel-tree.sh" 7 "$TREE" >/dev/null
configure
build_image
[ -x "$KSFT_OUT/arm64/set_id_regs" ] || build_set_id_regs
echo "image $OUT/arch/arm64/boot/Image"
echo "set_id_regs $KSFT_OUT/arm64/set_id_regs"
