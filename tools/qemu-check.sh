#!/usr/bin/env bash
# A real QEMU in the loop: Debian's arm64 qemu-system-aarch64 (scripts/deps.sh
# caches it with its shared libraries) runs as the VMM inside emulated arm64
# KVM hosts (tools/emu/emu.sh), with -accel kvm, and boots the bare-metal
# guest of tools/qemu-guest/, which prints every ID register it reads.  On
# each host (default: -cpu max and -cpu neoverse-n1, the newest cached
# kernel):
#
#   1. `idreg dump` writes the host's profile;
#   2. QMP query-cpu-model-expansion (type full) of model "host", asked of
#      the QEMU that runs the first guest: the answer agrees with the
#      profile's options (`idreg qmp-check`);
#   3. the guest reads exactly what `idreg explain` predicts (`idreg
#      guest-check`, a difference names the field) for -cpu host as QEMU
#      defaults it, for -cpu host,pmu=off,sve=off,pauth=off, for the same
#      options as -global host-arm-cpu.* lines (`idreg qemu-args --form
#      global` of the all-off model), and for the line
#      `idreg qemu-args` prints for the baseline of the two hosts without
#      its SYSREG_ properties (no QEMU release has them); and the -cpu
#      host guest's reads fail against the prediction for
#      pmu=off,sve=off,pauth=off, naming PMUVer (the check can fail);
#   4. the line `idreg qemu-args` prints for each model of QEMU's options
#      alone (OPTION_MODELS) starts QEMU where `idreg explain` says QEMU
#      starts and KVM accepts it on that host, and QEMU refuses it where
#      explain says it stops, printing the words explain quotes
#      (its --json "qemu_says"); explain's "cannot predict" (exit 4) fails.
#   0. before any boot: every format of QEMU's words idreg quotes
#      (vmm/qemu_words.c) is a string of that QEMU binary.  A line that step 3 boots a guest with is judged by that
#      guest (it printed all it read); any other line starts QEMU paused
#      (-S), which creates and resets the vCPU, and quits over QMP.
#
# Every host boots once for the profile, QMP and the lines known beforehand,
# among them the line of the model with pmu on, sve and pauth off (the
# options of max's and neoverse-n1's baseline), and once more for the baseline's line only
# if the first boot did not run it (it needs both profiles).
#
#   tools/qemu-check.sh [--kernel VER] [--cpus A,B] [--keep DIR]
#
# Prints one KTAP result per check, how long each QEMU ran, and a closing
# "N passed, N failed" line.  Exit: 0 all passed, 1 a failure, 2 usage.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tools/lib/qemu-host.sh"

# Step 3's lines known beforehand; the baseline's is added once known.
LINE_DEFAULT="-accel kvm -M virt -cpu host"
LINE_OFF="-accel kvm -M virt -cpu host,pmu=off,sve=off,pauth=off"
# Step 4: models of QEMU's options alone, no SYSREG_ property (name, JSON).
# Boot 1 runs the guest with pmu-on-sve-pauth-off's line too (GUEST_MODELS):
# those are the options of the baseline of a host with PMUv3, SVE and PAuth
# and one with PMUv3 alone (-cpu max and neoverse-n1).
OPTION_MODELS=(
	"defaults"	'{"model": {"name": "host", "props": {}}}'
	"all-off"	'{"model": {"name": "host", "props": {"pmu": false, "sve": false, "pauth": false}}}'
	"pmu-on-sve-pauth-off" '{"model": {"name": "host", "props": {"pmu": true, "sve": false, "pauth": false}}}'
	"aarch32-el1"	'{"model": {"name": "host", "props": {"aarch64": false}}}'
	"mte"		'{"machine": {"mte": true}, "model": {"name": "host", "props": {}}}'
	"el2"		'{"machine": {"virtualization": true}, "model": {"name": "host", "props": {}}}'
)
GUEST_MODELS="pmu-on-sve-pauth-off"

qemu_host_args qemu-check 2,39p "$@"
cpu_a=$QEMU_HOST_CPU_A cpu_b=$QEMU_HOST_CPU_B keep=$QEMU_HOST_KEEP
ktap_workdir work "$keep" idregs-qemu || exit 2

ktap_begin
qemu_host_setup "$work"
kdir=$QEMU_HOST_KDIR
idreg="$TOP/build/idreg"
answer="$TOP/tools/lib/idreg_answer.py"

# boot NAME CPU: boot a host with -cpu CPU running $work/NAME/stage/plan;
# its sections go to $work/NAME/out/ (FILE.rc: "status start end").
boot() {
	qemu_host_boot "$work" "$kdir" "$1" "$2"
}

# A run's name: its kind and line, each run of other characters a '-'.
run_name() {
	echo "$1$(tr -cs 'A-Za-z0-9' - <<<" $2" | sed 's/-$//')"
}

# Where run $2 of host $1 ran (its boot's directory), or nothing.
run_dir() {
	local b
	for b in 1 2; do
		[ -e "$work/$b-$1/out/$2.rc" ] && echo "$b-$1" && return
	done
}

# Run $2 of host $1: its exit status (255: it did not run) and seconds.
run_rc() {
	local d
	d=$(run_dir "$1" "$2")
	[ -n "$d" ] && cut -d' ' -f1 "$work/$d/out/$2.rc" || echo 255
}

run_secs() {
	local d
	d=$(run_dir "$1" "$2")
	[ -n "$d" ] && awk '{ printf "%.1f", $3 - $2 }' "$work/$d/out/$2.rc"
}

# The path of file $3 (out, err, guest) of run $2 on host $1.
run_file() {
	echo "$work/$(run_dir "$1" "$2")/out/$2.$3"
}

# The guest printed its 192 lines and its end, and QEMU exited with 0.
guest_done() {
	local f
	f=$(run_file "$1" "$2" guest)
	[ "$(run_rc "$1" "$2")" = 0 ] &&
		[ "$(grep -cE '^S3_[013]_C0_C[0-7]_[0-7]=(0x[0-9a-f]{16}|undef)$' "$f" 2>/dev/null)" = 192 ] &&
		grep -qx 'idregs-guest: done' "$f"
}

# A QEMU run's trouble, as comments.
show_run() {
	echo "# qemu exit status $(run_rc "$1" "$2"), stderr:"
	sed 's/^/#   /' "$(run_file "$1" "$2" err)" 2>/dev/null | head -n 10
	grep -v '^S3_' "$(run_file "$1" "$2" guest)" 2>/dev/null | sed 's/^/#   guest: /' | head -n 10
}

# The line qemu-args prints for model file $1, completed with what the
# check always gives (-accel kvm, -M virt) where it names neither.
model_line() {
	local line
	line=$("$idreg" qemu-args "$1" 2>"$1.err") || return 1
	case " $line " in *" -M "*|*" -machine "*) ;; *) line="-M virt $line" ;; esac
	case " $line " in *" -accel "*) ;; *) line="-accel kvm $line" ;; esac
	echo "$line"
}

# QEMU's words idreg quotes (vmm/qemu_words.c, one home) are strings of
# the QEMU that runs here: each format as the binary holds it.
python3 - "$TOP/vmm/qemu_words.c" "$CACHE/qemu-arm64/root/usr/bin/qemu-system-aarch64" <<'PY'
import re, sys
src = open(sys.argv[1], encoding="utf-8").read()
formats = [f.encode().decode("unicode_escape") for f in
           re.findall(r'\[QW_[A-Z0-9_]+\] = \{ "((?:[^"\\]|\\.)*)"', src)]
strings = set(re.findall(rb"[\x20-\x7e]{4,}", open(sys.argv[2], "rb").read()))
missing = [f for f in formats if f.encode() not in strings]
for f in missing:
    print("# not a string of the binary: " + f)
print("# %d formats of QEMU's words, %d in the binary" % (len(formats), len(formats) - len(missing)))
sys.exit(1 if missing or not formats else 0)
PY
ktap_result $? "QEMU's words idreg quotes (vmm/qemu_words.c) are the binary's own strings"

qemu_host_stage "$work" || { echo "Bail out! staging the hosts' root failed"; exit 1; }
echo "# the hosts' initramfs: $(($(stat -c %s "$work/base.cpio") / 1048576)) MiB"

# Step 4's lines, from the models alone; the guest's lines of boot 1, with
# the all-off model's -global form (step 3: QEMU takes -cpu options as
# globals of host-arm-cpu).
declare -A model_lines=()
echo '{"model": {"name": "host", "props": {"pmu": false, "sve": false, "pauth": false}}}' \
	>"$work/model-all-off-global.json"
LINE_GLOBAL_OFF="-accel kvm -M virt $("$idreg" qemu-args --form global "$work/model-all-off-global.json" | tr '\n' ' ' | sed 's/ $//')"
guest_lines=("$LINE_DEFAULT" "$LINE_OFF" "$LINE_GLOBAL_OFF")
for ((i = 0; i < ${#OPTION_MODELS[@]}; i += 2)); do
	name=${OPTION_MODELS[i]}
	echo "${OPTION_MODELS[i + 1]}" >"$work/model-$name.json"
	if line=$(model_line "$work/model-$name.json"); then
		model_lines[$name]=$line
		case " $GUEST_MODELS " in *" $name "*) guest_lines+=("$line") ;; esac
	else
		sed 's/^/# /' "$work/model-$name.json.err"
		ktap_result 1 "idreg qemu-args prints a line for the model $name"
	fi
done
mapfile -t guest_lines < <(printf '%s\n' "${guest_lines[@]}" | awk '!seen[$0]++')
mapfile -t start_lines < <(printf '%s\n' "${model_lines[@]}" | awk '!seen[$0]++' |
	grep -vxF -f <(printf '%s\n' "${guest_lines[@]}"))

# Boot 1 on each host: the profile, QMP, every line known now.
for cpu in "$cpu_a" "$cpu_b"; do
	mkdir -p "$work/1-$cpu/stage"
	{
		echo "run profile idreg dump"
		qmp=--qmp
		for line in "${guest_lines[@]}"; do
			echo "run $(run_name g "$line") guest $(run_name g "$line") $qmp $line"
			qmp=
		done
		for line in ${start_lines[@]+"${start_lines[@]}"}; do
			echo "run $(run_name s "$line") start $line"
		done
	} >"$work/1-$cpu/stage/plan"
	boot "1-$cpu" "$cpu"
	ktap_result $? "-cpu $cpu: the host boots, runs qemu-system-aarch64 $(($(wc -l <"$work/1-$cpu/stage/plan") - 1)) times and powers off"
	cp "$work/1-$cpu/out/profile.out" "$work/$cpu.json" 2>/dev/null
	[ "$(run_rc "$cpu" profile)" = 0 ]
	rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$work/1-$cpu/out/profile.err" 2>/dev/null | tail -n 5
	ktap_result "$rc" "-cpu $cpu: idreg dump"
done
ktap_failures && ktap_finish "real QEMU on -cpu $cpu_a and -cpu $cpu_b ($SECONDS s)"

# The baseline's line: both profiles' baseline without its SYSREG_ properties.
"$idreg" baseline --json "$work/$cpu_a.json" "$work/$cpu_b.json" >"$work/baseline.json" 2>"$work/baseline.err"
rc=$?
line_base=
# 1: computed, and something blocks migration (its "blocking" messages).
[ "$rc" -le 1 ] && python3 -c '
import json, sys
m = json.load(open(sys.argv[1]))["model"]
props = m["model"]["props"]
m["model"]["props"] = {k: v for k, v in props.items() if not k.startswith("SYSREG_")}
json.dump(m, open(sys.argv[2], "w"))
' "$work/baseline.json" "$work/model-baseline.json" && line_base=$(model_line "$work/model-baseline.json")
rc=$?
if [ "$rc" != 0 ]; then
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for m in d["dropped"] + d["blocking"]:
    print("# " + m["message"])
' "$work/baseline.json" 2>/dev/null
	sed 's/^/# /' "$work/baseline.err" "$work/model-baseline.json.err" 2>/dev/null
fi
ktap_result "$rc" "the baseline of -cpu $cpu_a and -cpu $cpu_b without SYSREG_ properties: ${line_base:-no line}"
[ "$rc" = 0 ] || ktap_finish "real QEMU on -cpu $cpu_a and -cpu $cpu_b ($SECONDS s)"

# Boot 2 on each host: the baseline's line, unless boot 1 ran it.
if printf '%s\n' "${guest_lines[@]}" | grep -qxF -- "$line_base"; then
	echo "# the first boots ran the baseline's line"
else
	for cpu in "$cpu_a" "$cpu_b"; do
		mkdir -p "$work/2-$cpu/stage"
		echo "run $(run_name g "$line_base") guest $(run_name g "$line_base") $line_base" >"$work/2-$cpu/stage/plan"
		boot "2-$cpu" "$cpu"
		ktap_result $? "-cpu $cpu: the host boots again for the baseline's line and powers off"
	done
fi

for cpu in "$cpu_a" "$cpu_b"; do
	profile=$work/$cpu.json
	# 2. QMP, asked of the first guest's QEMU
	run=$(run_name g "$LINE_DEFAULT")
	qmp=$(run_file "$cpu" "$run" out)
	"$idreg" qmp-check "$profile" "$qmp" >"$work/$cpu.qmp-check" 2>&1
	rc=$?
	sed "s|$work/||g; s/^/# /" "$work/$cpu.qmp-check"
	if ! grep -q '^{"return": {"model": {"name": "host"' "$qmp" 2>/dev/null; then
		echo "# no query-cpu-model-expansion answer"
		show_run "$cpu" "$run"
		rc=1
	fi
	ktap_result "$rc" "-cpu $cpu: QMP query-cpu-model-expansion of host agrees with the profile (idreg qmp-check)"

	# 3. what the guest read, against explain
	for line in "$LINE_DEFAULT" "$LINE_OFF" "$LINE_GLOBAL_OFF" "$line_base"; do
		run=$(run_name g "$line")
		rc=1
		if guest_done "$cpu" "$run"; then
			# shellcheck disable=SC2086 # the line is words
			"$idreg" guest-check "$profile" "$(run_file "$cpu" "$run" guest)" -- $line \
				>"$work/$cpu.$run.check" 2>&1
			rc=$?
			if [ "$rc" = 0 ]; then
				tail -n 1 "$work/$cpu.$run.check" | sed "s|$work/||g; s/^/# /"
			else
				sed 's/^/# /' "$work/$cpu.$run.check"
			fi
		else
			show_run "$cpu" "$run"
		fi
		ktap_result "$rc" "-cpu $cpu: $line: the guest reads what idreg explain predicts"
	done

	# The check can fail: what the -cpu host guest read is not what explain
	# predicts for pmu=off,sve=off,pauth=off (PMUVer at least differs).
	run=$(run_name g "$LINE_DEFAULT")
	# shellcheck disable=SC2086 # the line is words
	"$idreg" guest-check --json "$profile" "$(run_file "$cpu" "$run" guest)" -- $LINE_OFF \
		>"$work/$cpu.crossed.json" 2>"$work/$cpu.crossed.err"
	rc=$?
	sed "s|$work/||g; s/^/# /" "$work/$cpu.crossed.err"
	# Refused, and one difference is PMUVer, predicted 0 (pmu=off).
	[ "$rc" = 1 ] && python3 - "$work/$cpu.crossed.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("# guest-check: %d differences, %d registers not predicted"
      % (len(d["differences"]), d["unpredicted"]))
sys.exit(0 if any(x["register"] == "ID_AA64DFR0_EL1" and x.get("field") == "PMUVer" and
                  int(x["predicted"], 16) == 0 for x in d["differences"]) else 1)
PY
	ktap_result $? "-cpu $cpu: guest-check fails the -cpu host guest's reads against the prediction for $LINE_OFF, naming PMUVer"

	# 4. option models' lines: QEMU starts them where explain says it does
	for ((i = 0; i < ${#OPTION_MODELS[@]}; i += 2)); do
		name=${OPTION_MODELS[i]}
		line=${model_lines[$name]:-}
		[ -n "$line" ] || continue
		# shellcheck disable=SC2086 # the line is words
		"$idreg" explain "$profile" -- $line >"$work/$cpu.$name.explain" 2>&1
		want=$?
		# shellcheck disable=SC2086 # the line is words
		"$idreg" explain "$profile" --json -- $line >"$work/$cpu.$name.explain.json" 2>/dev/null
		run=$(run_name g "$line")
		if [ -n "$(run_dir "$cpu" "$run")" ]; then
			guest_done "$cpu" "$run"
		else
			run=$(run_name s "$line")
			[ "$(run_rc "$cpu" "$run")" = 0 ]
		fi
		started=$?
		case "$want" in
		0) rc=$started; what="starts QEMU" ;;
		1) [ "$started" != 0 ] && [ "$(run_rc "$cpu" "$run")" != 255 ] &&
		   "$answer" qemu-says "$work/$cpu.$name.explain.json" "$(run_file "$cpu" "$run" err)"
		   rc=$?; what="QEMU refuses it in the words idreg explain quotes" ;;
		4) rc=1; what="idreg explain cannot predict it (exit 4)" ;;
		*) rc=1; what="idreg explain exit $want" ;;
		esac
		if [ "$rc" != 0 ]; then
			grep -v '^  ' "$work/$cpu.$name.explain" | sed 's/^/# /' | tail -n 15
			show_run "$cpu" "$run"
		elif [ "$want" = 1 ]; then
			# Both reasons, to read side by side.
			grep '^error: ' "$work/$cpu.$name.explain" | sed "s|$work/||g; s/^/# explain: /"
			sed 's/^/# qemu: /' "$(run_file "$cpu" "$run" err)"
		fi
		ktap_result "$rc" "-cpu $cpu: model $name: $line: $what"
	done
done

# How long each QEMU ran inside the hosts (docs/qemu.md).
for cpu in "$cpu_a" "$cpu_b"; do
	for f in "$work"/[12]-"$cpu"/out/*.rc; do
		printf '# -cpu %s %s: %s s\n' "$cpu" "$(basename "$f" .rc)" \
			"$(awk '{ printf "%.1f", $3 - $2 }' "$f")"
	done
done
ktap_finish "real QEMU on -cpu $cpu_a and -cpu $cpu_b ($SECONDS s)"
