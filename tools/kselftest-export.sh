#!/usr/bin/env bash
# Place the idregs selftests into a kernel tree as a kselftest target:
#
#   tools/kselftest-export.sh KERNEL_TREE
#
# copies selftests/ (Makefile, settings, config, tests, expectation files)
# and the library it compiles (lib/ sources, headers and generated tables)
# to KERNEL_TREE/tools/testing/selftests/idregs, replacing what an earlier
# export left there.  The kernel's own machinery then builds and packages
# it like any target:
#
#   make -C KERNEL_TREE/tools/testing/selftests TARGETS=idregs ARCH=arm64 \
#        CROSS_COMPILE=aarch64-linux-gnu- install      (or gen_tar, run_tests)
#
# The list of files is the selftests Makefile's EXPORT_FILES, so what is
# exported is what the Makefile compiles.  Prints the target directory.
# Exit: 0 exported, 1 failed, 2 usage.
set -euo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tools/lib/idregs.sh"

die() { echo "kselftest-export: error: $*" >&2; exit 1; }

if [ $# != 1 ] || [ "${1:0:1}" = - ]; then
	echo "usage: tools/kselftest-export.sh KERNEL_TREE" >&2
	exit 2
fi
ksft="$1/tools/testing/selftests"
[ -f "$ksft/lib.mk" ] && [ -f "$ksft/kselftest.h" ] ||
	die "$1 is not a kernel tree: no tools/testing/selftests/lib.mk and kselftest.h"

files=$(idregs_selftests_var EXPORT_FILES) ||
	die "cannot read EXPORT_FILES from selftests/Makefile"
[ -n "$files" ] || die "selftests/Makefile lists no EXPORT_FILES"

dest="$ksft/idregs"
rm -rf "$dest"
mkdir -p "$dest"
for f in $files; do
	case "$f" in
	lib/*) src="$TOP/$f" ;;
	*) src="$TOP/selftests/$f" ;;
	esac
	[ -f "$src" ] || die "missing $src"
	mkdir -p "$dest/$(dirname "$f")"
	cp "$src" "$dest/$f"
done
echo "$dest"
