#!/usr/bin/env bash
# Build the mutation test kernel: a minimal arm64 KVM host kernel from the
# cached linux-source 7.x, and the kernel's own set_id_regs from the same
# tree, out of tree and cached outside the work tree.
#
#   tools/mutate/build-kernel.sh [--quiet]
#
# The tree is $IDREGS_MUTATION_DIR/linux (default: the cache's mutation/),
# extracted once by scripts/kernel-tree.sh; objects go to .../build, so a
# second run only rebuilds what changed in the tree (~4 s after touching
# arch/arm64/kvm/sys_regs.c).  The configuration is allnoconfig with
# selftests/config (what the suite needs) and tools/mutate/host.config (what
# the emulated host needs) forced on; every option they name must survive
# into .config, or the build stops and names it.
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
# LOCALVERSION set (empty): the release is plain "7.3.4", no "+" for the
# tree's git repository.
KMAKE=(make -s -C "$TREE" O="$OUT" ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
       LOCALVERSION= -j"$JOBS")
FRAGMENTS=("$TOP/selftests/config" "$TOP/tools/mutate/host.config")

quiet=0
[ "${1:-}" = --quiet ] && quiet=1

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
	local frag=$OUT/idregs.config line missing=()
	mkdir -p "$OUT"
	grep -h '^CONFIG_' "${FRAGMENTS[@]}" | LC_ALL=C sort -u >"$frag.new"
	if [ -f "$OUT/.config" ] && cmp -s "$frag.new" "$frag"; then
		rm -f "$frag.new"
		return 0
	fi
	mv "$frag.new" "$frag"
	say "configure: allnoconfig + ${FRAGMENTS[*]#$TOP/}"
	step config.log "${KMAKE[@]}" KCONFIG_ALLCONFIG="$frag" allnoconfig
	while read -r line; do
		grep -qx "$line" "$OUT/.config" || missing+=("$line")
	done <"$frag"
	if [ ${#missing[@]} -gt 0 ]; then
		rm -f "$OUT/.config"
		die "options not in the resulting .config (a dependency is missing): ${missing[*]}"
	fi
}

build_image() {
	say "build Image ($JOBS jobs)"
	step image.log "${KMAKE[@]}" Image
	[ -s "$OUT/arch/arm64/boot/Image" ] || die "no $OUT/arch/arm64/boot/Image after the build"
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
