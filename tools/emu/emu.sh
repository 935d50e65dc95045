# SPDX-License-Identifier: GPL-2.0-only
# Emulated arm64 KVM host, as a library sourced by run_tests.sh and
# tools/emu/run-on-host: resolve cached kernels, pack an initramfs whose
# /init is ktap_runner, boot it under qemu-system-aarch64 and read the
# result back from the console.  Callers set TOP and CACHE.

EMU_ALL_CPUS="max cortex-a57 cortex-a72 cortex-a76 cortex-a710 neoverse-n1 neoverse-n2 neoverse-v1 a64fx"
EMU_MEMORY=${EMU_MEMORY:-1024}
# Seconds for the kernel to boot and power off, beyond the programs' own time.
EMU_BOOT_ALLOWANCE=${EMU_BOOT_ALLOWANCE:-90}

# The wall-time bound of a host that runs $2 tests of per-test timeout $1
# (emu_boot kills it after that): the one home of this arithmetic for
# run_tests.sh, tools/mutate/run.sh and tools/kselftest-check.sh.
emu_run_bound() {
	echo $((EMU_BOOT_ALLOWANCE + $1 * $2))
}
# The one reader of a console (KTAP, records, totals, a crashed kernel):
# tools/lib/console.py.
emu_console() {
	python3 "$TOP/tools/lib/console.py" "$@"
}

# Build the initramfs's /init, tools/runner/ktap_runner.c, into $1 with
# the compiler command $2... (default: static for arm64).  It includes the
# library's header-only lib/include/idregs/kernel_log.h.
emu_build_runner() {
	local out=$1
	shift
	[ $# -gt 0 ] || set -- aarch64-linux-gnu-gcc -static
	"$@" -O2 -I"$TOP/lib/include" -o "$out" "$TOP/tools/runner/ktap_runner.c"
}

# The cached kernel series, newest first (a directory without a vmlinuz,
# e.g. one being filled, is none; the status stays 0 with pipefail).
emu_cached_kernels() {
	local d
	for d in "$CACHE"/kernels/*/; do
		if [ -s "$d/vmlinuz" ]; then
			basename "$d"
		fi
	done | sort -rV
}

# A host kernel is named by a token: a cache series ("7", "6.12") or
# "image:/abs/path" for a kernel image given by the user (--kernel-image).
emu_is_image() {
	case "$1" in image:*) return 0 ;; esac
	return 1
}

emu_kernel_file() {
	if emu_is_image "$1"; then
		echo "${1#image:}"
	else
		echo "$CACHE/kernels/$1/vmlinuz"
	fi
}

# The first bytes of an image, gunzipped if it is gzip'd.
emu_image_head() {
	if [ "$(od -A n -t x1 -N 2 "$1" | tr -d ' ')" = 1f8b ]; then
		gzip -dc "$1" 2>/dev/null | head -c 4096
	else
		head -c 4096 "$1"
	fi
}

# Check a user's kernel image: an arm64 Image (magic "ARMd" at 0x38), raw
# or gzip'd, or an EFI zboot image ("zimg" at 4), which qemu unpacks.
# Prints the "image:PATH" token, or a one-line reason on stderr (status 2).
emu_check_image() {
	local path=$1 magic
	if [ ! -f "$path" ] || [ ! -r "$path" ]; then
		echo "kernel image $path: no such readable file" >&2
		return 2
	fi
	case "$path" in *[[:space:]]*)
		echo "kernel image $path: white space in the path is not supported" >&2
		return 2 ;;
	esac
	magic=$(emu_image_head "$path" | od -A n -c -j 56 -N 4 | tr -d ' ')
	if [ "$magic" != ARMd ] &&
	   [ "$(od -A n -c -j 4 -N 4 "$path" | tr -d ' ')" != zimg ]; then
		echo "kernel image $path: not an arm64 kernel Image (no ARM64 magic at offset 0x38, raw or gzip'd, nor an EFI zboot image)" >&2
		return 2
	fi
	echo "image:$(cd "$(dirname "$path")" && pwd)/$(basename "$path")"
}

# The release: from the cache, or from an image's "Linux version" banner
# (the tests themselves read the booted kernel's /proc).
emu_release() {
	local file rel=
	if ! emu_is_image "$1"; then
		cat "$CACHE/kernels/$1/release" 2>/dev/null || echo "$1"
		return
	fi
	file=${1#image:}
	if [ "$(od -A n -t x1 -N 2 "$file" | tr -d ' ')" = 1f8b ]; then
		rel=$(gzip -dc "$file" 2>/dev/null | grep -a -m 1 -o 'Linux version [^ ]*')
	else
		rel=$(grep -a -m 1 -o 'Linux version [^ ]*' "$file")
	fi
	rel=${rel#Linux version }
	echo "${rel:-$(basename "$file")}"
}

# The release the booted kernel reported on console log $1 (ktap_runner's
# "# host kernel:" line), or nothing.
emu_booted_release() {
	sed -n 's/^# host kernel: \([^ ]*\).*/\1/p' "$1" 2>/dev/null | head -n 1
}

# --kernel value -> cache series directories, one a line.  Empty: the newest.
emu_resolve_kernels() {
	local want=$1 w k found
	if [ -z "$want" ]; then
		emu_cached_kernels | head -n 1
		return
	fi
	if [ "$want" = all ]; then
		emu_cached_kernels
		return
	fi
	for w in ${want//,/ }; do
		found=
		# A series name first (6.1 is not 6.12), then a release prefix
		# that ends where a version component ends (7.3 matches 7.3.4).
		for k in $(emu_cached_kernels); do
			[ "$k" = "$w" ] && found=$k && break
		done
		for k in $([ -z "$found" ] && emu_cached_kernels); do
			case "$(emu_release "$k")" in
			"$w"|"$w".*|"$w"-*|"$w"+*) found=$k; break ;;
			esac
		done
		if [ -z "$found" ]; then
			echo "no cached kernel matches '$w' (cached: $(emu_cached_kernels | tr '\n' ' ')); see scripts/deps.sh" >&2
			return 1
		fi
		echo "$found"
	done
}

emu_resolve_cpus() {
	if [ "$1" = all ]; then
		echo $EMU_ALL_CPUS
	else
		echo "${1//,/ }"
	fi
}

# Pack directory $1 (holding init, tests.list, bin/...) into $2: newc, no
# device nodes (/init mounts devtmpfs itself), sorted for reproducibility.
emu_pack() {
	(cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet --reproducible 2>/dev/null |
		gzip -1 >"$2")
}

# Boot kernel series $1 with -cpu $2 and initramfs $3, console into $4.
# A watchdog kills qemu when /init has not spoken after EMU_BOOT_LIMIT
# seconds (a kernel that does not boot) or when the whole run passes $5
# seconds (a hung guest); it leaves the reason in $4.killed.  Streams the
# console to stdout unless EMU_QUIET=1.  Returns qemu's exit status.
# (The group's stderr is dropped: only bash's own "Killed" notice goes
# there, qemu's stderr is merged into the console log.)
EMU_BOOT_LIMIT=${EMU_BOOT_LIMIT:-60}
# Host flavours (EMU_HOST, comma-separated; empty or "default": none):
#   mte     the machine has MTE (-M virt,...,mte=on): KVM offers KVM_CAP_ARM_MTE
#   nested  the host kernel runs KVM in nested mode (kvm-arm.mode=nested):
#           KVM offers vCPUs with EL2; it changes KVM for every VM
EMU_HOST_FLAVOURS="default mte nested"
emu_check_host() {
	local f
	for f in ${1//,/ }; do
		case " $EMU_HOST_FLAVOURS " in
		*" $f "*) ;;
		*) echo "unknown host flavour '$f' (known: ${EMU_HOST_FLAVOURS// /, })" >&2
		   return 2 ;;
		esac
	done
}

emu_host_has() {
	case ",${EMU_HOST:-}," in *",$1,"*) return 0 ;; esac
	return 1
}

emu_boot() {
	local kdir=$1 cpu=$2 img=$3 log=$4 bound=$5
	local vmlinuz machine=virt,virtualization=on,gic-version=3 append=
	emu_host_has mte && machine+=,mte=on
	emu_host_has nested && append=" kvm-arm.mode=nested"
	vmlinuz=$(emu_kernel_file "$kdir")
	rm -f "$log" "$log.killed" "$log.pid" "$log.rc"
	# The console goes to $log line by line (sed -u): the boot and hang
	# limits below read it while the host runs.
	if [ ! -s "$vmlinuz" ]; then
		echo "kernel image missing: $vmlinuz (run scripts/deps.sh --refresh)" >"$log.killed"
		: >"$log"
		return 2
	fi
	{
		qemu-system-aarch64 \
			-M "$machine" -cpu "$cpu" -m "$EMU_MEMORY" -nic none \
			-display none -monitor none -serial stdio -no-reboot -pidfile "$log.pid" \
			-kernel "$vmlinuz" -initrd "$img" \
			-append "console=ttyAMA0 rdinit=/init panic=-1 quiet$append" \
			</dev/null 2>&1
		echo $? >"$log.rc"
	} 2>/dev/null | sed -u 's/\r//g' | if [ "${EMU_QUIET:-0}" = 1 ]; then cat >"$log"; else tee "$log" | emu_ktap_nest; fi &
	local pipe=$! start=$SECONDS
	while kill -0 "$pipe" 2>/dev/null; do
		sleep 0.2
		local why=
		if [ $((SECONDS - start)) -ge "$bound" ]; then
			why="emulated host hung: killed after $bound s"
		elif [ $((SECONDS - start)) -ge "$EMU_BOOT_LIMIT" ] &&
		     ! grep -aq '^# host kernel:' "$log" 2>/dev/null; then
			why="the kernel did not reach /init within $EMU_BOOT_LIMIT s ($vmlinuz)"
		fi
		if [ -n "$why" ] && [ -s "$log.pid" ]; then
			echo "$why" >"$log.killed"
			kill -9 "$(cat "$log.pid")" 2>/dev/null
		fi
	done
	wait "$pipe"
	return "$(cat "$log.rc" 2>/dev/null || echo 1)"
}

# What went wrong with a boot, from qemu's status $1 and the log $2 (and
# the watchdog's $2.killed), or nothing when /init reported its end (a
# line matching EMU_DONE_RE, by default the "# Totals:" line that ends
# ktap_runner's KTAP) and the kernel stayed sane (console.py host): a
# kernel warning is sane only where a known finding of $3 (build/expect-list's
# output for the host, optional) claims it.
emu_verdict() {
	emu_console host "$2" "$1" --done "${EMU_DONE_RE:-^# Totals: }" ${3:+--findings "$3"}
}

# A host's console as a KTAP subtest of the run: indented four spaces,
# the kernel's own lines (and anything else not KTAP) turned into comments.
emu_ktap_nest() {
	awk '{
		if ($0 ~ /^(TAP version|KTAP version|1\.\.|ok |not ok |#)/)
			print "    " $0
		else
			print "    # " $0
		fflush()
	}'
}

# "pass fail skip" of the tests from the KTAP totals of the runner in log
# $1 (its own "# Totals:" line, not a test's nested one): XFAIL counts as
# passed, XPASS and errors as failed.  Nothing when there is none.
emu_counts() {
	emu_console counts "$1"
}

# Explain a failed boot on stderr: the crash lines no known finding of $4
# (optional, as for emu_verdict) claims, and the console's tail.
emu_explain() {
	local verdict=$1 log=$2 who=$3 findings=${4:-}
	echo "$who: $verdict" >&2
	emu_console crash-lines "$log" ${findings:+--findings "$findings"} | sed "s/^/$who:   /" >&2
	echo "$who: last console lines:" >&2
	tail -n 15 "$log" | sed "s/^/$who:   /" >&2
}
