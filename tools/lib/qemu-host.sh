# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Emulated arm64 KVM hosts that run Debian's qemu-system-aarch64 as the VMM
# (tools/qemu-check.sh, tools/qemu-migrate-check.sh), or idreg's own
# (tools/vm-migrate-check.sh, --no-qemu).  Source it with TOP set (the
# top of the tree): it brings tools/lib/ktap.sh, tools/emu/emu.sh and
# CACHE (the dependency cache); functions prefixed qemu_host_, no globals
# of its own but QEMU_TIMEOUT (seconds one QEMU run may take).
#
#   qemu_host_args TOOL HELP_LINES "$@"
#                            a check's options --kernel VER, --cpus A,B (two
#                            models), --keep DIR into QEMU_HOST_KERNEL,
#                            QEMU_HOST_CPU_A, QEMU_HOST_CPU_B, QEMU_HOST_KEEP
#   qemu_host_setup WORK     the cache, idreg and the guests built (a "Bail
#                            out!" otherwise); QEMU_HOST_KDIR: the kernel
#   qemu_host_stage WORK [--no-qemu]
#                            the root every host shares, WORK/base.cpio:
#                            busybox, idreg, /init, QEMU and the guests
#                            (--no-qemu: not those two)
#   qemu_host_boot WORK KDIR NAME CPU
#                            boot kernel KDIR on -cpu CPU with WORK/base.cpio
#                            and every file of WORK/NAME/stage (at least
#                            plan: the commands it runs, shell sourced by
#                            /init); sections into WORK/NAME/out
#   qemu_host_rc WORK NAME RUN, qemu_host_secs, qemu_host_file ... EXT
#                            a run's exit status (255: it did not run),
#                            seconds, and the path of its file RUN.EXT
#
# Inside a host, /init defines for the plan:
#   run NAME CMD...          CMD's stdout (NAME.out), stderr (NAME.err) and
#                            every other /tmp/NAME.* file it leaves come
#                            back as WORK/HOST/out/NAME.EXT; NAME.rc holds
#                            "status start end" (uptime seconds)
#   guest NAME [--qmp] ARGS  boot /idregs-guest.elf with QEMU ARGS, its UART
#                            into NAME.guest; --qmp also asks QMP for the
#                            host CPU's expansion (stdout)
#   start ARGS               create the machine paused (-S), quit over QMP
#   $QEMU, $QMP_CAPS, $QMP_QUIT
QEMU_TIMEOUT=${QEMU_TIMEOUT:-90}

. "$TOP/tools/lib/ktap.sh"
CACHE=$("$TOP/scripts/deps.sh" --print-cache)
. "$TOP/tools/emu/emu.sh"

qemu_host_args() {
	local tool=$1 help=$2 cpus=max,neoverse-n1
	shift 2
	QEMU_HOST_KERNEL= QEMU_HOST_KEEP=
	while [ $# -gt 0 ]; do
		case "$1" in
		--kernel) QEMU_HOST_KERNEL=${2:?--kernel needs a value}; shift ;;
		--cpus) cpus=${2:?--cpus needs a value}; shift ;;
		--keep) QEMU_HOST_KEEP=${2:?--keep needs a value}; shift ;;
		-h|--help) sed -n "$help" "$TOP/tools/$tool.sh" | sed 's/^# \{0,1\}//'; exit 0 ;;
		*) echo "usage: tools/$tool.sh [--kernel VER] [--cpus A,B] [--keep DIR]" >&2; exit 2 ;;
		esac
		shift
	done
	IFS=, read -r QEMU_HOST_CPU_A QEMU_HOST_CPU_B <<<"$cpus"
	[ -n "$QEMU_HOST_CPU_A" ] && [ -n "$QEMU_HOST_CPU_B" ] &&
		[ "$QEMU_HOST_CPU_A" != "$QEMU_HOST_CPU_B" ] ||
		{ echo "$tool: --cpus needs two different models" >&2; exit 2; }
}

qemu_host_setup() {
	local work=$1
	[ -s "$CACHE/qemu-arm64/files" ] && [ -x "$CACHE/busybox-arm64/busybox" ] ||
		"$TOP/scripts/deps.sh" --quiet || { echo "Bail out! scripts/deps.sh failed"; exit 1; }
	make -s -C "$TOP" idreg qemu-guest >"$work/build.log" 2>&1 || {
		cat "$work/build.log" >&2
		echo "Bail out! building idreg and the guests failed"
		exit 1
	}
	QEMU_HOST_KDIR=$(emu_resolve_kernels "$QEMU_HOST_KERNEL") || exit 1
	QEMU_HOST_KDIR=$(head -n 1 <<<"$QEMU_HOST_KDIR")
	echo "# qemu-system-arm:arm64 $(cat "$CACHE/qemu-arm64/package-version") inside kernel $(emu_release "$QEMU_HOST_KDIR") hosts"
}

qemu_host_stage() {
	local work=$1 s=$1/base f
	rm -rf "$s"
	mkdir -p "$s/bin"
	cp "$CACHE/busybox-arm64/busybox" "$s/bin/busybox"
	cp "$TOP/build/arm64/idreg" "$s/bin/idreg" || return 1
	if [ "${2:-}" != --no-qemu ]; then
		mkdir -p "$s/usr/lib"
		ln -s usr/lib "$s/lib"
		while read -r f; do
			mkdir -p "$s/$(dirname "$f")"
			cp -L "$CACHE/qemu-arm64/root/$f" "$s/$f" || return 1
		done <"$CACHE/qemu-arm64/files"
		cp "$TOP"/build/qemu-guest/idregs-guest*.elf "$s/" || return 1
	fi
	qemu_host_init >"$s/init"
	chmod +x "$s/init"
	# Uncompressed: the TCG host would spend seconds gunzipping qemu.
	qemu_host_cpio "$s" "$work/base.cpio"
}

# qemu_host_cpio DIR FILE: DIR's files, sorted, as a newc archive FILE.
qemu_host_cpio() {
	(cd "$1" && find . ! -name . | LC_ALL=C sort |
		cpio -o -H newc --quiet --reproducible >"$2" 2>/dev/null)
}

# PID 1 of a host: run /plan, print the files each command wrote between
# markers, the kernel's log, then power off.
qemu_host_init() {
	cat <<INIT
#!/bin/busybox sh
/bin/busybox mkdir -p /dev /proc /sys /tmp
/bin/busybox mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
# Only emergencies on the console while sections print; dmesg at the end.
echo 1 >/proc/sys/kernel/printk
echo "# host kernel: \$(uname -r) (uptime \$(cut -d' ' -f1 /proc/uptime) s)"
now() { cut -d' ' -f1 /proc/uptime; }
run() {
	local name=\$1 t0 rc f
	shift
	t0=\$(now)
	"\$@" >/tmp/\$name.out 2>/tmp/\$name.err </dev/null
	rc=\$?
	for f in /tmp/\$name.*; do
		echo "# qemu-host: begin \${f#/tmp/}"
		awk '{ print }' "\$f"
		echo "# qemu-host: end \${f#/tmp/}"
	done
	echo "# qemu-host: rc \$name \$rc \$t0 \$(now)"
}
QMP_CAPS='{"execute": "qmp_capabilities"}'
QMP_EXPAND='{"execute": "query-cpu-model-expansion", "arguments": {"type": "full", "model": {"name": "host"}}}'
QMP_QUIT='{"execute": "quit"}'
QEMU="timeout $QEMU_TIMEOUT qemu-system-aarch64 -m 64 -nodefaults -display none -no-reboot"
guest() {
	local name=\$1 q rc
	shift
	if [ "\$1" != --qmp ]; then
		\$QEMU "\$@" -serial file:/tmp/\$name.guest -kernel /idregs-guest.elf
		return
	fi
	shift
	mkfifo /tmp/qmp.in
	\$QEMU "\$@" -serial file:/tmp/\$name.guest -kernel /idregs-guest.elf -qmp stdio </tmp/qmp.in &
	q=\$!
	exec 3>/tmp/qmp.in
	printf '%s\n' "\$QMP_CAPS" "\$QMP_EXPAND" >&3
	wait \$q
	rc=\$?
	exec 3>&-
	rm -f /tmp/qmp.in
	return \$rc
}
start() {
	printf '%s\n' "\$QMP_CAPS" "\$QMP_QUIT" | \$QEMU "\$@" -S -qmp stdio
}
. /plan
echo "# qemu-host: kernel log"
dmesg
echo "# qemu-host: done"
poweroff -f
INIT
}

qemu_host_boot() {
	local work=$1 kdir=$2 dir=$1/$3 cpu=$4 n verdict rc
	mkdir -p "$dir/stage" "$dir/out"
	qemu_host_cpio "$dir/stage" "$dir/stage.cpio"
	cat "$work/base.cpio" "$dir/stage.cpio" >"$dir/initrd"
	n=$(grep -c '^run ' "$dir/stage/plan")
	EMU_QUIET=1 emu_boot "$kdir" "$cpu" "$dir/initrd" "$dir/console.log" \
		$((EMU_BOOT_ALLOWANCE + n * QEMU_TIMEOUT))
	rc=$?
	rm -f "$dir/initrd" "$dir/stage.cpio"
	awk -v dir="$dir/out" '
		/^# qemu-host: begin / { f = dir "/" $4; printf "" >f; on = 1; next }
		/^# qemu-host: end / { close(f); on = 0; next }
		/^# qemu-host: rc / { f = dir "/" $4 ".rc"; print $5, $6, $7 >f; close(f); next }
		on { print >f }
	' "$dir/console.log"
	verdict=$(EMU_DONE_RE='^# qemu-host: done$' emu_verdict "$rc" "$dir/console.log")
	[ -z "$verdict" ] && return 0
	emu_explain "$verdict" "$dir/console.log" "kernel $(emu_release "$kdir") -cpu $cpu"
	return 1
}

qemu_host_rc() {
	local f=$1/$2/out/$3.rc
	[ -e "$f" ] && cut -d' ' -f1 "$f" || echo 255
}

qemu_host_secs() {
	awk '{ printf "%.1f", $3 - $2 }' "$1/$2/out/$3.rc" 2>/dev/null
}

qemu_host_file() {
	echo "$1/$2/out/$3.$4"
}
