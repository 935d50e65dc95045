#!/usr/bin/env bash
# Real migrations with a real QEMU: Debian's arm64 qemu-system-aarch64 runs
# as the VMM inside emulated arm64 KVM hosts (tools/lib/qemu-host.sh, as
# tools/qemu-check.sh runs it) and migrates a running guest from one host
# to another through a file, as a VMM without a network does it:
#
#   source       QMP "migrate" to file:STATE while the guest ticks
#                (tools/qemu-guest/, idregs-guest-migrate.elf), then quit;
#                the state comes back to this machine on the console
#   destination  the same command line with -incoming file:STATE, the file
#                staged into the host's initramfs
#
# For two CPU models A and B (default -cpu max and -cpu neoverse-n1, the
# newest cached kernel), each with QEMU's defaults (-cpu host):
#   - A to A and B to B: the incoming QEMU loads the state, the guest goes on
#     from the tick where the source stopped (no new start), reads the same
#     ID registers at every tick and after the last, and powers off;
#   - A to B and B to A: the incoming QEMU refuses the state, and the ID
#     registers it could not set are exactly those `idreg migrate` names
#     for the two hosts' profiles (SYSREG_ properties, which could make
#     both hosts give one view, are in no QEMU release: the positive case
#     across kinds is idregs' own VMM's, tools/vm-migrate-check.sh).
# Four boots: A (profile, A's state), B (profile, B's state, A's state in),
# A (A's and B's state in), B (B's state in).
#
#   tools/qemu-migrate-check.sh [--kernel VER] [--cpus A,B] [--keep DIR]
#
# Prints one KTAP result per check and a closing "N passed, N failed" line.
# Exit: 0 all passed, 1 a failure, 2 usage.
set -uo pipefail

TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tools/lib/qemu-host.sh"

LINE="-accel kvm -M virt -cpu host"
# The tick at which the source migrates (the guest says how many it has:
# Makefile's QEMU_GUEST_TICKS), and what the source's plan appends to what
# the guest printed there once QEMU has quit.
MIGRATE_AT=2
MIGRATED=@@migrated@@

qemu_host_args qemu-migrate-check 2,28p "$@"
cpu_a=$QEMU_HOST_CPU_A cpu_b=$QEMU_HOST_CPU_B keep=$QEMU_HOST_KEEP
ktap_workdir work "$keep" idregs-qemu-migrate || exit 2

ktap_begin
qemu_host_setup "$work"
kdir=$QEMU_HOST_KDIR
idreg="$TOP/build/idreg"
answer="$TOP/tools/lib/idreg_answer.py"
qemu_host_stage "$work" || { echo "Bail out! staging the hosts' root failed"; exit 1; }

# The plan's functions: migrate_out NAME ARGS (the guest runs, is migrated
# to /tmp/NAME.state at tick MIGRATE_AT; the state comes back gzip'd in
# base64 as NAME.b64, QMP's answers as NAME.out) and migrate_in NAME FILE
# ARGS (QEMU loads gzip'd state FILE and runs the guest on; its UART as
# NAME.guest).
plan_functions() {
	cat <<PLAN
migrate_out() {
	local name=\$1 q i
	shift
	mkfifo /tmp/qmp.in
	\$QEMU "\$@" -serial file:/tmp/\$name.guest -kernel /idregs-guest-migrate.elf \\
		-qmp stdio </tmp/qmp.in &
	q=\$!
	exec 3>/tmp/qmp.in
	printf '%s\n' "\$QMP_CAPS" >&3
	i=0
	until grep -q '^idregs-guest: tick $MIGRATE_AT/' /tmp/\$name.guest 2>/dev/null; do
		i=\$((i + 1))
		if [ \$i -gt 600 ]; then
			echo "the guest did not reach tick $MIGRATE_AT in 60 s: no migration" >&2
			printf '%s\n' "\$QMP_QUIT" >&3
			wait \$q
			exec 3>&-
			return 1
		fi
		sleep 0.1
	done
	printf '%s\n' '{"execute": "migrate", "arguments": {"uri": "file:/tmp/'\$name'.state"}}' >&3
	i=0
	while [ \$i -lt 300 ]; do
		printf '%s\n' '{"execute": "query-migrate"}' >&3
		sleep 0.2
		grep -q '"status": "\(completed\|failed\)"' /tmp/\$name.out 2>/dev/null && break
		i=\$((i + 1))
	done
	printf '%s\n' "\$QMP_QUIT" >&3
	wait \$q
	exec 3>&-
	rm -f /tmp/qmp.in
	# Where the source stopped: a line the migration split ends in it.
	echo "$MIGRATED" >>/tmp/\$name.guest
	gzip -c /tmp/\$name.state | base64 >/tmp/\$name.b64
	rm -f /tmp/\$name.state
	grep -q '"status": "completed"' /tmp/\$name.out
}
migrate_in() {
	local name=\$1 state=\$2
	shift 2
	gunzip -c "\$state" >/tmp/incoming.state || return 1
	\$QEMU "\$@" -serial file:/tmp/\$name.guest -kernel /idregs-guest-migrate.elf \\
		-incoming file:/tmp/incoming.state
}
PLAN
}

# boot NAME CPU: a host running $work/NAME/stage/plan.
boot() {
	qemu_host_boot "$work" "$kdir" "$1" "$2"
	ktap_result $? "-cpu $2: the host boots ($1), runs its QEMUs and powers off"
}

# plan NAME LINE...: the plan of boot NAME.
plan() {
	local name=$1
	shift
	mkdir -p "$work/$name/stage"
	{ plan_functions; printf '%s\n' "$@"; } >"$work/$name/stage/plan"
}

# stage_state BOOT FROM_BOOT RUN: the state RUN of FROM_BOOT, gzip'd, as
# /RUN.gz of BOOT's initramfs.
stage_state() {
	base64 -d "$(qemu_host_file "$work" "$2" "$3" b64)" >"$work/$1/stage/$3.gz"
}

# transcript SRC DST: what the guest printed on the source, then on the
# destination, is one run: its reads, ticks 1..N of N each once with no slot
# changed, its reads again (on the destination), the same, and its end.
# Prints what is wrong; true when nothing is.
transcript() {
	joined "$1" "$2" | awk '
		/^idregs-guest: reading / { reads++; next }
		/^S3_/ { if (reads == 1) first[n1++] = $0; else if (reads == 2) again[n2++] = $0; next }
		/^idregs-guest: tick [0-9]+\/[0-9]+ changed=[0-9]+ ms=[0-9]+$/ {
			split($0, w, "[ /]")
			if (w[3] != last + 1) bad = bad "; tick " w[3] " after tick " last
			if (w[5] != "changed=0") bad = bad "; tick " w[3] ": " w[5] " slots"
			last = w[3]; ticks = w[4]; next
		}
		/^idregs-guest: done$/ { done = 1; next }
		{ bad = bad "; unexpected line: " $0 }
		END {
			if (reads != 2) bad = bad "; " reads " times the reads began (2: a start, after the ticks)"
			if (n1 != 192 || n2 != 192) bad = bad "; " n1 " and " n2 " slots read (192 each)"
			for (i = 0; i < n1 && i < n2; i++)
				if (first[i] != again[i]) bad = bad "; " first[i] " then " again[i]
			if (last != ticks) bad = bad "; the last tick " last " (" ticks ")"
			if (!done) bad = bad "; no end"
			if (bad != "") { print substr(bad, 3); exit 1 }
		}'
}

# joined SRC DST: the two parts of what the guest printed, a line the
# migration split (SRC's last, before MIGRATED) joined again.
joined() {
	awk -v mark="$MIGRATED" '
		NR == FNR { if (n++) print prev; prev = $0; next }
		FNR == 1 && !dst { dst = 1; if (prev != mark) { sub(mark "$", "", prev); $0 = prev $0 } }
		{ print }
		END { if (!dst && prev != mark) { sub(mark "$", "", prev); print prev } }' "$1" "$2"
}

# ticked SRC DST: the migration happened while the guest ticked: the
# source printed tick MIGRATE_AT, the destination at least one tick.
ticked() {
	grep -q "^idregs-guest: tick $MIGRATE_AT/" "$1" && grep -q '^idregs-guest: tick ' "$2"
}

# same_kind BOOT_OUT BOOT_IN RUN CPU: RUN migrated from BOOT_OUT to BOOT_IN.
same_kind() {
	local src dst why rc
	src=$(qemu_host_file "$work" "$1" "out-$3" guest)
	dst=$(qemu_host_file "$work" "$2" "in-$3" guest)
	[ "$(qemu_host_rc "$work" "$1" "out-$3")" = 0 ]
	rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$(qemu_host_file "$work" "$1" "out-$3" err)" 2>/dev/null | tail -n 5
	ktap_result "$rc" "-cpu $4: QMP migrate to a file completes while the guest runs ($(qemu_host_secs "$work" "$1" "out-$3") s)"
	[ "$(qemu_host_rc "$work" "$2" "in-$3")" = 0 ]
	rc=$?
	[ "$rc" = 0 ] || sed 's/^/# /' "$(qemu_host_file "$work" "$2" "in-$3" err)" 2>/dev/null | tail -n 10
	ktap_result "$rc" "-cpu $4 to -cpu $4: -incoming loads the state and the guest powers off ($(qemu_host_secs "$work" "$2" "in-$3") s)"
	why=$(transcript "$src" "$dst") && ticked "$src" "$dst"
	rc=$?
	[ "$rc" = 0 ] || echo "# ${why:-the guest did not tick on both sides}"
	ktap_result "$rc" "-cpu $4 to -cpu $4: the guest goes on where it stopped and reads the same ID registers"
}

# other_kind BOOT_OUT BOOT_IN RUN SRC DST: RUN of BOOT_OUT (on -cpu SRC)
# refused by BOOT_IN's QEMU (on -cpu DST) on exactly the ID registers
# `idreg migrate` names for the two hosts' profiles.  QEMU's refusals
# outside the ID registers (firmware registers, registers of a vCPU
# feature one side lacks) are shown, not judged: QEMU names them by index,
# and idreg migrate's firmware problems (messages with "kvm_reg") are shown
# beside them.
other_kind() {
	local err ans predicted refused rc
	err=$(qemu_host_file "$work" "$2" "in-$3" err)
	ans=$work/migrate-$3.json
	"$idreg" migrate --json "$work/$4.json" "$work/$5.json" >"$ans" 2>"$ans.err"
	predicted=$("$answer" id-registers "$ans" problems | paste -sd' ')
	refused=$("$answer" qemu-refused "$err" "$work/list.json" | paste -sd' ')
	echo "# idreg migrate names: ${predicted:-nothing}"
	echo "# and beyond the ID registers: $("$answer" registers "$ans" problems |
		grep -vxF -f <(printf '%s\n' $predicted) | paste -sd' ')"
	echo "# QEMU could not set:  ${refused:-nothing}"
	grep -v 'Could not set register system register op0:3 op1:[0-7] crn:0 ' "$err" 2>/dev/null |
		sed 's/^qemu-system-aarch64: /# qemu, beyond the ID registers: /' | head -n 8
	[ "$(qemu_host_rc "$work" "$2" "in-$3")" != 0 ] && [ "$(qemu_host_rc "$work" "$2" "in-$3")" != 255 ] &&
		[ -n "$refused" ] && [ "$predicted" = "$refused" ]
	rc=$?
	ktap_result "$rc" "-cpu $4 to -cpu $5: -incoming fails, QEMU refusing exactly the ID registers idreg migrate names"
}

plan 1-a "run profile idreg dump" "run out-a migrate_out out-a $LINE"
boot 1-a "$cpu_a"
plan 2-b "run profile idreg dump" "run out-b migrate_out out-b $LINE" \
	"run in-a migrate_in in-a /out-a.gz $LINE"
stage_state 2-b 1-a out-a
boot 2-b "$cpu_b"
plan 3-a "run in-a migrate_in in-a /out-a.gz $LINE" "run in-b migrate_in in-b /out-b.gz $LINE"
stage_state 3-a 1-a out-a
stage_state 3-a 2-b out-b
boot 3-a "$cpu_a"
plan 4-b "run in-b migrate_in in-b /out-b.gz $LINE"
stage_state 4-b 2-b out-b
boot 4-b "$cpu_b"

same_kind 1-a 3-a a "$cpu_a"
same_kind 2-b 4-b b "$cpu_b"
cp "$(qemu_host_file "$work" 1-a profile out)" "$work/$cpu_a.json"
cp "$(qemu_host_file "$work" 2-b profile out)" "$work/$cpu_b.json"
"$idreg" list --json >"$work/list.json"
other_kind 1-a 2-b a "$cpu_a" "$cpu_b"
other_kind 2-b 3-a b "$cpu_b" "$cpu_a"
ktap_finish "real QEMU migrations between -cpu $cpu_a and -cpu $cpu_b ($SECONDS s)"
