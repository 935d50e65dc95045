#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# The host report of one run_tests.sh host (docs/host-report.md): its
# console, then the host's profile in every vCPU configuration and the
# reproducers of its failures run on it (idreg dump --vcpu CONFIG, idreg
# try; natively, or in one more boot of the same emulated host), compared
# with the pool's profiles, written as DIR/index.html, DIR/report.json and
# DIR/summary.md by tools/report/host_report.py.
#
#   tools/report/host-report.sh --out DIR --console LOG --release R --cpu C
#       --seconds S [--verdict WHY] (--native | --kernel K | --kernel-image PATH)
#       [--pool DIR] [--reference PROFILE] [--again]
#
# --pool: the profiles (*.json) of the hosts guests must move between
# (default: the committed profiles of vmm/tests/data dumped as QEMU's -cpu
# host vCPU, "qemu-host").  --reference: the profile "writable since" is
# measured from (default: vmm/tests/data/max-6.12.json).  The emulated
# host's flavour is EMU_HOST's, as run_tests.sh exports it.  --again:
# write the report again from what the last one ran on the host
# (DIR/.work), without running anything there.
# Exit: 0 the report is written, 1 something failed, 2 usage.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/../.." && pwd)
CACHE=$("$TOP/scripts/deps.sh" --print-cache)
. "$TOP/tools/emu/emu.sh"
. "$TOP/tools/lib/idregs.sh"

out= log= release= cpu= seconds=0 verdict= mode= kernel= image= pool= again=0
reference=$TOP/vmm/tests/data/max-6.12.json
# Each dump or try: a VM and a vCPU, no guest.
STEP_TIMEOUT=120

die() { echo "host-report: error: $*" >&2; exit 1; }
say() { echo "# report: $*"; }

while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=${2:?}; shift ;;
	--console) log=${2:?}; shift ;;
	--release) release=${2:?}; shift ;;
	--cpu) cpu=${2:?}; shift ;;
	--seconds) seconds=${2:?}; shift ;;
	--verdict) verdict=${2-}; shift ;;
	--native) mode=native ;;
	--kernel) mode=emulated kernel=${2:?}; shift ;;
	--kernel-image) mode=emulated image=${2:?}; shift ;;
	--pool) pool=${2:?}; shift ;;
	--reference) reference=${2:?}; shift ;;
	--again) again=1 ;;
	-h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "host-report: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
[ -n "$out" ] && [ -n "$log" ] && [ -n "$mode" ] ||
	{ echo "host-report: needs --out, --console and a host (see --help)" >&2; exit 2; }

# Absolute: the initramfs is packed from inside its stage.
out=$(mkdir -p "$out" && cd "$out" && pwd) || die "cannot create $out"
log=$(cd "$(dirname "$log")" && pwd)/$(basename "$log")
work=$out/.work
if [ "$again" = 0 ]; then
	rm -rf "$work" && mkdir -p "$work/profiles" || die "cannot create $work"
elif [ ! -f "$work/tries" ]; then
	die "--again: no earlier report's $work"
fi

make -s -C "$TOP" idreg build/expect-list >"$work/build.log" 2>&1 ||
	{ cat "$work/build.log" >&2; die "building idreg failed (make idreg)"; }
IDREG_HOST=$TOP/build/idreg
IDREG_ARM64=$TOP/build/arm64/idreg

configs=$(idregs_vcpu_configs) || die "cannot list the vCPU configurations"
[ "$again" = 1 ] || python3 "$TOP/tools/report/host_report.py" reproducers "$log" >"$work/tries" ||
	die "reading $log failed"

# The steps: "NAME ARGS" a line; NAME is dump-CONFIG or try-N.
steps() {
	local c n=0 line
	for c in ${configs//,/ }; do
		echo "dump-$c dump --vcpu $c"
	done
	while read -r line; do
		n=$((n + 1))
		echo "try-$n ${line#idreg }"
	done <"$work/tries"
}

# Each step's output in $work/NAME.out and its status in NAME.rc.
run_steps_native() {
	local name args
	while read -r name args; do
		# shellcheck disable=SC2086
		timeout "$STEP_TIMEOUT" "$IDREG_ARM64" $args >"$work/$name.out" 2>&1
		echo $? >"$work/$name.rc"
	done < <(steps)
}

# One more boot of the same emulated host, every step a ktap_runner test.
run_steps_emulated() {
	local stage=$work/stage kdir name args rc
	mkdir -p "$stage/bin"
	emu_build_runner "$stage/init" || die "building ktap_runner failed"
	cp "$IDREG_ARM64" "$stage/bin/idreg"
	steps | while read -r name args; do
		echo "$name $STEP_TIMEOUT /bin/idreg $args"
	done >"$stage/tests.list"
	emu_pack "$stage" "$work/initramfs.cpio.gz" || die "packing the initramfs failed"
	if [ -n "$image" ]; then
		kdir=$(emu_check_image "$image") || exit 1
	else
		kdir=$(emu_resolve_kernels "$kernel" | head -n 1) || exit 1
	fi
	EMU_QUIET=1 emu_boot "$kdir" "$cpu" "$work/initramfs.cpio.gz" "$work/dump.log" \
		"$(emu_run_bound "$STEP_TIMEOUT" "$(steps | wc -l)")"
	rc=$?
	v=$(emu_verdict "$rc" "$work/dump.log")
	[ -z "$v" ] || { emu_explain "$v" "$work/dump.log" "host-report: the dump boot"; exit 1; }
	while read -r name args; do
		emu_console output "$work/dump.log" "$name" >"$work/$name.out"
		case "$(emu_console tests "$work/dump.log" | awk -F'\t' -v n="$name" '$1 == n { print $2 }')" in
		ok) echo 0 ;;
		*) echo 1 ;;
		esac >"$work/$name.rc"
	done < <(steps)
}

if [ "$again" = 0 ]; then
	say "the host's profile in each vCPU configuration, and $(wc -l <"$work/tries") reproducers ($mode)"
	"run_steps_$mode"
fi

for c in ${configs//,/ }; do
	if [ "$(cat "$work/dump-$c.rc")" = 0 ]; then
		cp "$work/dump-$c.out" "$work/profiles/$c.json"
	else
		cp "$work/dump-$c.out" "$work/profiles/$c.err"
	fi
done
# {try line: its answer}: the answers are shown to people as they are.
python3 - "$work" <<'PY' || die "collecting the reproducers' answers failed"
import json, sys
work = sys.argv[1]
answers = {}
with open(work + "/tries", encoding="utf-8") as f:
    for n, line in enumerate(f, 1):
        with open("%s/try-%d.out" % (work, n), encoding="utf-8", errors="replace") as o:
            answers[line.strip()] = o.read().strip()
with open(work + "/tries.json", "w", encoding="utf-8") as f:
    json.dump(answers, f)
PY

main_profile=$work/profiles/qemu-host.json
[ -f "$main_profile" ] || main_profile=$work/profiles/default.json
[ -f "$main_profile" ] || die "no profile was dumped ($(cat "$work"/profiles/*.err 2>/dev/null | head -n 3))"
cp "$main_profile" "$out/host.json"

# The pool: the host profiles of a directory (--pool), or the committed ones
# of QEMU's -cpu host vCPU.
pool_files=()
for f in "${pool:-$TOP/vmm/tests/data}"/*.json; do
	[ -f "$f" ] || continue
	if [ -z "$pool" ]; then
		python3 -c 'import json, sys
sys.exit(json.load(open(sys.argv[1])).get("vcpu", {}).get("config") != "qemu-host")' "$f" || continue
	fi
	pool_files+=("$f")
done

"$IDREG_HOST" list --json >"$work/layout.json" || die "idreg list --json failed"
rel=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["kernel"])' "$main_profile")
# What KVM's sanitising code hides and caps: the host's series' sources
# when the cache has them, else the newest.
series=$(sed -n 's/^\([0-9]*\.[0-9]*\).*/\1/p' <<<"$rel")
[ -f "$CACHE/src/$series/arch/arm64/kvm/sys_regs.c" ] || series=7
python3 "$TOP/gen/idregs-gen" sanitised --kernel-src "$CACHE/src/$series" \
	>"$work/sanitised.tsv" 2>/dev/null || die "idregs-gen sanitised failed"
# The known findings of this release (and QEMU CPU model, when emulated).
findings_cpu=
[ "$mode" = emulated ] && findings_cpu=$cpu
"$TOP/build/expect-list" "$TOP/tools/check-kernels.known" "$rel" ${findings_cpu:+"$findings_cpu"} \
	>"$work/findings" || die "build/expect-list failed"
writable=()
if [ -f "$reference" ]; then
	# Named by their file names in the report, as writable-report.sh does.
	mkdir -p "$work/ref"
	ln -sf "$(cd "$(dirname "$reference")" && pwd)/$(basename "$reference")" \
		"$work/ref/$(basename "$reference")"
	ln -sf "$main_profile" "$work/ref/host.json"
	(cd "$work/ref" && "$TOP/tools/writable-report.sh" --markdown \
		--profiles "$(basename "$reference")" host.json) >"$work/writable.md" 2>"$work/writable.err" ||
		die "tools/writable-report.sh $reference: $(cat "$work/writable.err")"
	writable=(--reference "$reference" --writable "$work/writable.md")
fi

say "pool: ${#pool_files[@]} profiles"
python3 "$TOP/tools/report/host_report.py" build --console "$log" --out "$out" \
	--release "$release" --cpu "$cpu" --mode "$mode" --seconds "$seconds" \
	--verdict "$verdict" --profiles "$work/profiles" --layout "$work/layout.json" \
	--sanitised "$work/sanitised.tsv" --findings "$work/findings" \
	--tries "$work/tries.json" --idreg "$IDREG_HOST" \
	${writable[@]+"${writable[@]}"} --pool ${pool_files[@]+"${pool_files[@]}"} ||
	die "writing the report failed"
