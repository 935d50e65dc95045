#!/usr/bin/env bash
# Writable-field report between two kernels on the same emulated CPU: which
# fields KVM lets userspace write on one kernel and not the other, by
# SYSREG_ name, and writable bits no table names.  Dumps a profile on each
# kernel (tools/emu/run-on-host, same -cpu) and prints
# `idreg diff --writable-only` of the two, as text or markdown.
#
#   tools/writable-report.sh --from KERNEL --to KERNEL [--cpu MODEL]
#                            [--markdown] [--out FILE] [--profiles A.json B.json]
#
# --profiles: compare two dumped profiles instead of dumping (then --from,
# --to and --cpu are not needed).  --out: write the report there, not stdout.
# Exit: 0 the report was made (differences or not), 1 something failed
# (build, dump, a bad profile), 2 usage.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
from= to= cpu=max markdown= out= prof_a= prof_b=

usage() {
	cat <<USAGE
usage: tools/writable-report.sh --from KERNEL --to KERNEL [--cpu MODEL]
                                [--markdown] [--out FILE] [--profiles A.json B.json]
USAGE
	exit "${1:-2}"
}
die() { echo "writable-report: error: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case "$1" in
	--from) from=${2:?--from needs a kernel}; shift ;;
	--to) to=${2:?--to needs a kernel}; shift ;;
	--cpu) cpu=${2:?--cpu needs a model}; shift ;;
	--markdown) markdown=--markdown ;;
	--out) out=${2:?--out needs a file}; shift ;;
	--profiles) prof_a=${2:?--profiles needs two files}
		prof_b=${3:?--profiles needs two files}; shift 2 ;;
	-h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "writable-report: unknown argument '$1'" >&2; usage 2 >&2 ;;
	esac
	shift
done
[ -n "$prof_a" ] || { [ -n "$from" ] && [ -n "$to" ]; } ||
	{ echo "writable-report: give --from and --to, or --profiles" >&2; usage 2 >&2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/idregs-report.XXXXXX")
trap 'rm -rf "$work"' EXIT

make -s -C "$TOP" idreg >"$work/build.log" 2>&1 ||
	{ cat "$work/build.log" >&2; die "building idreg failed (make idreg)"; }

# Dump the profile of kernel $1 on -cpu $cpu into $2.
dump() {
	local kernel=$1 file=$2

	echo "writable-report: dumping kernel $kernel, -cpu $cpu" >&2
	if ! "$TOP/tools/emu/run-on-host" --kernel "$kernel" --cpu "$cpu" -- \
		"$TOP/build/arm64/idreg" dump >"$file" 2>"$file.err"; then
		cat "$file.err" "$file" | tail -n 20 >&2
		die "dumping the profile on kernel $kernel, -cpu $cpu failed"
	fi
}

dir=.
if [ -z "$prof_a" ]; then
	# The report names each profile by its path: short, and saying what it is.
	dir=$work
	prof_a="kernel-$from-cpu-$cpu.json"
	prof_b="kernel-$to-cpu-$cpu.json"
	dump "$from" "$work/$prof_a"
	dump "$to" "$work/$prof_b"
fi

(cd "$dir" && "$TOP/build/idreg" diff --writable-only $markdown "$prof_a" "$prof_b") \
	>"$work/report" 2>"$work/diff.err"
rc=$?
# idreg diff: 0 no differences, 1 differences; both are a report.
if [ "$rc" -gt 1 ]; then
	cat "$work/diff.err" >&2
	die "idreg diff failed (exit $rc): a profile is not valid"
fi
cat "$work/diff.err" >&2

# What the newer kernel makes writable beyond (or short of) what its
# series' sys_regs.c declares (idreg declared: the newest series read for
# a kernel newer than all of them).  Exit 2: no declarations that old.
echo >>"$work/report"
(cd "$dir" && "$TOP/build/idreg" declared $markdown "$prof_b") >>"$work/report" 2>"$work/decl.err"
[ $? -le 1 ] || sed 's/^/writable-report: note: /' "$work/decl.err" >&2

# The report compares kernels; a different MIDR means different CPUs.
midrs=$(cd "$dir" && grep -ho '"midr": *"[^"]*"' "$prof_a" "$prof_b" | sort -u | wc -l)
[ "$midrs" -le 1 ] ||
	echo "writable-report: warning: the profiles have different MIDRs (not the same CPU?)" >&2

if [ -n "$out" ]; then
	cp "$work/report" "$out" || die "cannot write $out"
	echo "writable-report: report in $out" >&2
else
	cat "$work/report"
fi
