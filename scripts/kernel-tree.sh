#!/usr/bin/env bash
# A whole kernel source tree from Debian's linux-source, for the builds that
# need one (the mutation test kernel, the kselftest export):
#
#   scripts/kernel-tree.sh SERIES DEST
#
# extracts the newest linux-source SERIES.x that scripts/deps.sh resolved
# (its .deb is kept in the cache's debs/) into DEST, unless DEST already
# holds that version (DEST/.idregs-package-version).  Prints DEST.
# A user that changes files keeps their pristine copies itself
# (tools/mutate/run.sh): a git repository of the whole tree would cost more
# than the extraction (1.8 GB; 40 s here on 2 idle cores, 19 s to extract).
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
CACHE=$("$TOP/scripts/deps.sh" --print-cache)

die() { echo "kernel-tree: error: $*" >&2; exit 1; }

[ $# = 2 ] || { echo "usage: scripts/kernel-tree.sh SERIES DEST" >&2; exit 2; }
series=$1
dest=$2

src="$CACHE/src/$series"
[ -f "$src/package-version" ] || "$TOP/scripts/deps.sh" --quiet ||
	die "scripts/deps.sh failed"
[ -f "$src/package-version" ] || die "no kernel source $series in $CACHE/src (SOURCE_SERIES of scripts/deps.sh)"
ver=$(cat "$src/package-version")

# One extraction of DEST at a time: a second caller waits, then finds it done.
mkdir -p "$(dirname "$dest")"
exec 8>"$dest.lock"
flock 8

if [ "$(cat "$dest/.idregs-package-version" 2>/dev/null)" = "$ver" ] &&
   [ -f "$dest/Makefile" ]; then
	echo "$dest"
	exit 0
fi

# The meta package's version is the real package's: linux-source-X.Y_VER.
deb=$(ls -t "$CACHE"/debs/linux-source-"$series".*_"${ver/*:/}"_all.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || deb=$(ls -t "$CACHE"/debs/linux-source-"$series"*_all.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || die "no linux-source-$series deb in $CACHE/debs (run scripts/deps.sh --refresh)"

echo "kernel-tree: extracting $(basename "$deb") into $dest" >&2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/idregs-tree.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" --wildcards './usr/src/linux-source-*.tar.xz'
tarball=$(ls "$tmp"/usr/src/linux-source-*.tar.xz)
top=$(basename "$tarball" .tar.xz)
tar -xJf "$tarball" -C "$tmp"
rm -f "$tarball"
rm -rf "$dest"
mkdir -p "$(dirname "$dest")"
mv "$tmp/$top" "$dest"
echo "$ver" >"$dest/.idregs-package-version"
echo "$dest"
