#!/usr/bin/env bash
# Install and fetch what idregs needs, idempotently.
#
# Debian packages are installed on the machine (cross compiler, qemu >= 10);
# kernel images, uapi headers and a few kernel source files are fetched into
# a cache outside the work tree, so that a fresh clone reuses them.  Once
# everything is in place a run does no apt work at all: --refresh re-resolves
# "newest in suite" and fetches whatever changed.
#
# This script runs apt and dpkg and moves files; which package and which
# version it takes (the newest in a series, a Depends closure's libraries,
# the extra kernels) is decided by scripts/deps_resolve.py, unit-tested.
set -euo pipefail

RESOLVE="python3 $(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/deps_resolve.py"

CACHE=${IDREGS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/idregs}
# Kernel series of the matrix; the newest Debian arm64 build of each.
KERNEL_SERIES=${IDREGS_KERNEL_SERIES:-"7 6.12 6.1"}
# Kernel sources read by the generator and by people checking KVM's rules:
# "7" (the newest 7.x, the path make style and the default KERNEL_SRC use)
# and every series Debian ships a linux-source-X.Y of (source_series()).
SOURCE_SERIES=${IDREGS_SOURCE_SERIES:-}
# The extra kernels of make check-kernels (kernels/extra/RELEASE/): the
# newest arm64 build of every series Debian has images of between the
# oldest and newest source read, and the 16K-page build of the newest
# (fetch_extra_kernels()); "no" skips them.
EXTRA_KERNELS=${IDREGS_EXTRA_KERNELS:-}
QEMU_MIN=10
SUITES="bookworm-backports trixie trixie-backports"
APT_SOURCES=/etc/apt/sources.list.d/idregs.sources
APT_PIN=/etc/apt/preferences.d/idregs

# Files taken from each linux-source tarball.  kselftest headers are a build
# dependency of selftests/; the rest is input to gen/ or reading material.
SOURCE_FILES=(
	tools/testing/selftests/kselftest.h
	tools/testing/selftests/kselftest_harness.h
	tools/testing/selftests/kselftest
	arch/arm64/tools/sysreg
	arch/arm64/tools/gen-sysreg.awk
	arch/arm64/kernel/cpufeature.c
	arch/arm64/include/asm/cpufeature.h
	# KVM's own code, for reading its rules (config.c exists from 6.13 on).
	'arch/arm64/kvm/*.c'
	arch/arm64/kvm/sys_regs.h
	# arm64/ since 6.15, aarch64/ before; none in 6.1 (OPTIONAL_FILES).
	'tools/testing/selftests/kvm/*/set_id_regs.c'
	# make style: the kernel's own style checker and its data.
	scripts/checkpatch.pl
	scripts/spelling.txt
	scripts/const_structs.checkpatch
)

# Those of SOURCE_FILES an older series may lack.
OPTIONAL_FILES=(
	'tools/testing/selftests/kvm/*/set_id_regs.c'
)

refresh=0
quiet=0
apt_updated=0

die() { echo "deps: error: $*" >&2; exit 1; }
say() { [ "$quiet" = 1 ] || echo "deps: $*" >&2; }

usage() {
	cat <<USAGE
usage: scripts/deps.sh [--refresh] [--quiet] [--print-cache]
  Installs the cross compiler and qemu-system-arm >= $QEMU_MIN (as root, from
  Debian; extra suites are pinned at priority 50 so nothing else upgrades) and
  libjansson-dev, and fetches arm64 kernels ($KERNEL_SERIES), uapi headers,
  kernel source files of every series Debian ships linux-source-X.Y of
  (src/X.Y, and src/7), the extra kernels of make check-kernels
  (kernels/extra/: every series between the oldest and newest source, the
  16K-page build of the newest; IDREGS_EXTRA_KERNELS=no skips them), an
  arm64 jansson sysroot (sysroot-arm64/) and a static arm64 busybox (busybox-arm64/) and Debian's arm64 qemu-system-aarch64
  with the shared libraries it needs (qemu-arm64/) into
  \$IDREGS_CACHE (now: $CACHE).
  --refresh      look for newer kernels/sources even if the cache is complete
  --print-cache  print the cache directory and exit
USAGE
}

while [ $# -gt 0 ]; do
	case "$1" in
	--refresh) refresh=1 ;;
	--quiet) quiet=1 ;;
	--print-cache) echo "$CACHE"; exit 0 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done

need_root() {
	[ "$(id -u)" = 0 ] || die "must be root to $1 (run: sudo make deps)"
}

apt_update() {
	[ "$apt_updated" = 1 ] && return 0
	need_root "run apt-get update"
	say "apt-get update"
	apt-get update -qq >/dev/null 2>"$CACHE/apt-update.log" ||
		die "apt-get update failed: $(tail -n 3 "$CACHE/apt-update.log" | tr '\n' ' ')"
	apt_updated=1
}

setup_apt() {
	local changed=0
	need_root "configure apt"
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		dpkg --add-architecture arm64
		changed=1
	fi
	if [ ! -f "$APT_SOURCES" ]; then
		cat >"$APT_SOURCES" <<SRC
# Added by idregs scripts/deps.sh: arm64 kernels, qemu >= $QEMU_MIN, uapi headers.
Types: deb
URIs: http://deb.debian.org/debian
Suites: $SUITES
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
		changed=1
	fi
	if [ ! -f "$APT_PIN" ]; then
		{
			echo "# Added by idregs scripts/deps.sh: never upgrade from these suites by default."
			for s in $SUITES; do
				printf 'Package: *\nPin: release n=%s\nPin-Priority: 50\n\n' "$s"
			done
		} >"$APT_PIN"
		changed=1
	fi
	if [ "$changed" = 1 ] || ! apt-cache show linux-image-arm64:arm64 >/dev/null 2>&1; then
		apt_update
	fi
}

pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"
}

qemu_ok() {
	command -v qemu-system-aarch64 >/dev/null 2>&1 || return 1
	local v
	v=$(qemu-system-aarch64 --version | $RESOLVE major)
	[ -n "$v" ] && [ "$v" -ge "$QEMU_MIN" ]
}

apt_install() {
	need_root "install $*"
	say "apt-get install $*"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
		>"$CACHE/apt-install.log" 2>&1 ||
		die "apt-get install $* failed: $(grep -E '^E:' "$CACHE/apt-install.log" | head -n 3 | tr '\n' ' ')"
}

# The highest version of PKG among all configured suites whose upstream
# version starts with PREFIX ("7" matches 7.x, "6.1" matches 6.1.x only).
newest_version() {
	apt-cache madison "$1" | $RESOLVE newest "$2"
}

install_tools() {
	local missing=()
	# flex, bison, bc, libelf-dev: the mutation test kernel (make mutation);
	# rsync: the kernel's kselftest install (tools/kselftest-check.sh);
	# chromium-headless-shell: the host report's browser check
	# (tools/report/browser-check.sh; bookworm-security).
	for p in gcc-aarch64-linux-gnu libc6-dev-arm64-cross cpio xz-utils python3 make gcc \
		 flex bison bc libelf-dev rsync chromium-headless-shell; do
		pkg_installed "$p" || missing+=("$p")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		setup_apt
		apt_update
		apt_install "${missing[@]}"
	fi
	if ! qemu_ok; then
		setup_apt
		apt_update
		local v
		v=$(apt-cache policy qemu-system-arm | $RESOLVE candidate-major)
		if [ -n "$v" ] && [ "$v" -ge "$QEMU_MIN" ]; then
			apt_install qemu-system-arm
		else
			# Name each qemu package's suite so its dependencies come from
			# the machine's own release and nothing else is upgraded.
			local q=()
			for p in qemu-system-arm qemu-system-common qemu-system-data; do
				q+=("$p/bookworm-backports")
			done
			apt_install "${q[@]}"
		fi
		qemu_ok || die "qemu-system-aarch64 >= $QEMU_MIN not available after install"
	fi
}

# apt-get download into the cache's deb folder; prints the .deb path.
# Extract the files of the .deb $1 that match the tar wildcard $2 into a
# new temporary directory, and print its path.
deb_extract() {
	local tmp
	tmp=$(mktemp -d) || return 1
	if ! dpkg-deb --fsys-tarfile "$1" | tar -x -C "$tmp" --wildcards "$2"; then
		rm -rf "$tmp"
		return 1
	fi
	echo "$tmp"
}

download_deb() {
	local spec=$1
	local dir="$CACHE/debs"
	mkdir -p "$dir"
	local name=${spec%%=*} ver=${spec#*=}
	local base=${name%%:*} arch=${name#*:}
	[ "$arch" = "$name" ] && arch=$(apt-cache show "$spec" 2>/dev/null | sed -n 's/^Architecture: //p' | head -n 1)
	# apt-get download spells an epoch "N%3a".
	local file="$dir/${base}_${ver/:/%3a}_${arch}.deb"
	if [ ! -s "$file" ]; then
		say "download $spec"
		(cd "$dir" && apt-get download -qq "$spec" >/dev/null 2>"$CACHE/apt-download.log") ||
			die "apt-get download $spec failed: $(tail -n 2 "$CACHE/apt-download.log" | tr '\n' ' ')"
	fi
	[ -s "$file" ] || file=$(ls -t "$dir/${base}_"*"_${arch}.deb" | head -n 1)
	echo "$file"
}

# Set $newest to the newest version of package $1 whose upstream version
# starts with $2, or die.  Not a $(...) helper: apt_update has to run in
# this shell so that it runs once.
resolve_newest() {
	setup_apt
	apt_update
	newest=$(newest_version "$1" "$2")
	[ -n "$newest" ] || die "no $1 $2.x in the configured suites"
}

# Whether file $1, extracted from package $2 whose version is in file $3,
# has to be fetched: it is missing, or --refresh finds a newer candidate.
# Sets $candidate to the version apt would fetch (like resolve_newest, not
# a $(...) helper).
need_fetch() {
	local made=$1 pkg=$2 version_file=$3
	[ -e "$made" ] && [ "$refresh" = 0 ] && return 1
	setup_apt
	apt_update
	candidate=$(apt-cache policy "$pkg" | $RESOLVE candidate)
	[ -n "$candidate" ] || die "no $pkg candidate"
	! [ -e "$made" ] || [ "$(cat "$version_file" 2>/dev/null)" != "$candidate" ]
}

# NAME=VERSION of the Depends of package $1 (NAME=VER) pinned with (= VERSION).
deb_depends() {
	apt-cache show "$1" | $RESOLVE pinned-depends
}

# The kernel image of the package tree extracted in $1 into $2 (vmlinuz,
# release, package-version $3); prints the release.  boot/vmlinuz-RELEASE
# up to 6.x, usr/lib/modules/RELEASE/vmlinuz in 7.x.
install_vmlinuz() {
	local tmp=$1 dest=$2 ver=$3 img rel

	img=$(find "$tmp" \( -path '*/boot/vmlinuz-*' -o -name vmlinuz \) -type f | head -n 1)
	[ -n "$img" ] || return 1
	mkdir -p "$dest"
	cp "$img" "$dest/vmlinuz.new" && mv "$dest/vmlinuz.new" "$dest/vmlinuz" || return 1
	rel=${img##*/vmlinuz-}
	[ "$rel" = "$img" ] && rel=$(basename "$(dirname "$img")")
	echo "$rel" >"$dest/release"
	echo "$ver" >"$dest/package-version"
	echo "$rel"
}

# Follow the meta package to the package holding vmlinuz (linux-image-* up
# to 6.x, linux-binary-* from 7.x) and extract it to kernels/SERIES.
fetch_kernel() {
	local series=$1
	local dest="$CACHE/kernels/$series"
	if [ -s "$dest/vmlinuz" ] && [ "$refresh" = 0 ]; then
		return 0
	fi
	resolve_newest linux-image-arm64:arm64 "$series"
	local ver=$newest
	if [ -s "$dest/vmlinuz" ] && [ "$(cat "$dest/package-version" 2>/dev/null)" = "$ver" ]; then
		return 0
	fi
	local queue=("linux-image-arm64:arm64=$ver") found=
	while [ ${#queue[@]} -gt 0 ] && [ -z "$found" ]; do
		local spec=${queue[0]}
		queue=("${queue[@]:1}")
		local dep
		for dep in $(deb_depends "$spec"); do
			case "$dep" in
			linux-binary-*|linux-image-*) queue+=("${dep%%=*}:arm64=${dep#*=}") ;;
			esac
		done
		case "$spec" in linux-image-arm64:*) continue ;; esac
		local deb
		deb=$(download_deb "$spec")
		if dpkg-deb -c "$deb" | grep -E '(boot/vmlinuz-|/vmlinuz$)' >/dev/null; then
			found=$deb
		fi
	done
	[ -n "$found" ] || die "no vmlinuz found below linux-image-arm64=$ver"
	local tmp
	tmp=$(mktemp -d)
	dpkg-deb -x "$found" "$tmp"
	local rel
	rel=$(install_vmlinuz "$tmp" "$dest" "$ver") || die "no vmlinuz in linux-image-arm64=$ver"
	rm -rf "$tmp"
	say "kernel $series: $rel ($ver)"
}

fetch_uapi() {
	local dest="$CACHE/uapi"
	if [ -d "$dest/usr/include/linux" ] && [ "$refresh" = 0 ]; then
		return 0
	fi
	resolve_newest linux-libc-dev 7
	local ver=$newest
	[ "$(cat "$dest/package-version" 2>/dev/null)" = "$ver" ] && return 0
	local deb
	deb=$(download_deb "linux-libc-dev:all=$ver")
	rm -rf "$dest.new"
	dpkg-deb -x "$deb" "$dest.new"
	[ -f "$dest.new/usr/include/aarch64-linux-gnu/asm/kvm.h" ] ||
		die "linux-libc-dev $ver has no arm64 uapi (usr/include/aarch64-linux-gnu/asm/kvm.h)"
	echo "$ver" >"$dest.new/package-version"
	rm -rf "$dest" && mv "$dest.new" "$dest"
	say "uapi headers: linux-libc-dev $ver"
}

# jansson for the idreg CLI (vmm/): the native -dev package is installed; the arm64
# debs are only extracted into a sysroot in the cache, so that the static
# arm64 build finds headers and libjansson.a without arm64 packages on the
# machine.
install_jansson() {
	pkg_installed libjansson-dev && return 0
	setup_apt
	apt_update
	apt_install libjansson-dev
}

fetch_jansson_arm64() {
	local dest="$CACHE/sysroot-arm64"
	need_fetch "$dest/usr/lib/aarch64-linux-gnu/libjansson.a" libjansson-dev:arm64 \
		"$dest/jansson-version" || return 0
	local ver=$candidate p deb
	mkdir -p "$dest"
	for p in libjansson-dev libjansson4; do
		deb=$(download_deb "$p:arm64=$ver")
		dpkg-deb -x "$deb" "$dest"
	done
	[ -f "$dest/usr/lib/aarch64-linux-gnu/libjansson.a" ] ||
		die "libjansson-dev:arm64 $ver has no usr/lib/aarch64-linux-gnu/libjansson.a"
	echo "$ver" >"$dest/jansson-version"
	say "arm64 sysroot: jansson $ver"
}

# A static arm64 busybox (Debian's busybox-static, extracted, not installed):
# the shell and tools of the emulated host that runs an installed kselftest
# tree's run_kselftest.sh (tools/kselftest-check.sh).
fetch_busybox_arm64() {
	local dest="$CACHE/busybox-arm64"
	need_fetch "$dest/busybox" busybox-static:arm64 "$dest/package-version" || return 0
	local ver=$candidate deb tmp
	deb=$(download_deb "busybox-static:arm64=$ver")
	tmp=$(mktemp -d)
	dpkg-deb -x "$deb" "$tmp"
	[ -x "$tmp/bin/busybox" ] || die "busybox-static:arm64 $ver has no bin/busybox"
	mkdir -p "$dest"
	cp "$tmp/bin/busybox" "$dest/busybox"
	echo "$ver" >"$dest/package-version"
	rm -rf "$tmp"
	say "arm64 busybox: busybox-static $ver"
}

# Debian's arm64 qemu-system-aarch64 (qemu-system-arm:arm64, the newest in
# the configured suites), run inside the emulated hosts as a real VMM on real
# KVM (tools/qemu-check.sh).  Its Depends closure of shared libraries (each
# the newest arm64 build in the configured suites: qemu is built against
# that release's libraries, not this machine's) is extracted, not installed,
# into qemu-arm64/root/; qemu-arm64/files lists, relative to root/, the
# binary, the dynamic loader and every library its DT_NEEDED entries reach
# (a host stages these, with lib -> usr/lib).  qemu's data files (firmware,
# keymaps) are not needed to boot an ELF with -kernel and -display none.
QEMU_ARM64_PKG=qemu-system-arm
QEMU_ARM64_BIN=usr/bin/qemu-system-aarch64

# "name version" for each package named in the arguments that has an arm64
# build: its highest version in the configured suites.  One apt-cache call
# for them all (on a busy machine each call takes seconds).
newest_arm64_versions() {
	apt-cache madison "${@/%/:arm64}" | $RESOLVE newest-each
}

# The shared-library packages (lib*, and zlib1g: the one Debian does not
# name lib*) among the Depends and Pre-Depends of the packages in the
# arguments (name:arm64=version): the first of each set of alternatives, by
# name.  (qemu's other dependencies are its data files and helpers.)
lib_depends() {
	apt-cache show "$@" | $RESOLVE lib-depends
}

# apt-get download, in one call, those of the arguments (name:arm64=version)
# not in the cache's deb folder yet; prints each one's .deb path.
download_debs() {
	local dir="$CACHE/debs" spec name ver file missing=()
	mkdir -p "$dir"
	for spec in "$@"; do
		name=${spec%%:*} ver=${spec#*=}
		file="$dir/${name}_${ver/:/%3a}_arm64.deb"
		[ -s "$file" ] || missing+=("$spec")
	done
	if [ ${#missing[@]} -gt 0 ]; then
		say "download ${missing[*]}"
		(cd "$dir" && apt-get download -qq "${missing[@]}" >/dev/null 2>"$CACHE/apt-download.log") ||
			die "apt-get download failed: $(tail -n 2 "$CACHE/apt-download.log" | tr '\n' ' ')"
	fi
	for spec in "$@"; do
		name=${spec%%:*} ver=${spec#*=}
		file="$dir/${name}_${ver/:/%3a}_arm64.deb"
		[ -s "$file" ] || die "apt-get download $spec made no $file"
		echo "$file"
	done
}

# DT_NEEDED of ELF $2 (relative to root $1), then of what they need.
needed_closure() {
	local root=$1 todo=("$2") seen=" " f lib path d
	while [ ${#todo[@]} -gt 0 ]; do
		f=${todo[0]}
		todo=("${todo[@]:1}")
		case "$seen" in *" $f "*) continue ;; esac
		seen+="$f "
		echo "$f"
		for lib in $(aarch64-linux-gnu-readelf -d "$root/$f" |
			     sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
			path=
			for d in usr/lib/aarch64-linux-gnu lib/aarch64-linux-gnu usr/lib lib; do
				[ -e "$root/$d/$lib" ] && path=$d/$lib && break
			done
			[ -n "$path" ] || die "$f needs $lib, which no package of qemu's Depends closure ships"
			todo+=("$path")
		done
	done
}

fetch_qemu_arm64() {
	local dest="$CACHE/qemu-arm64"
	[ -s "$dest/files" ] && [ "$refresh" = 0 ] && return 0
	setup_apt
	apt_update
	local ver
	ver=$(newest_arm64_versions "$QEMU_ARM64_PKG" | cut -d' ' -f2)
	[ -n "$ver" ] || die "no $QEMU_ARM64_PKG:arm64 in the configured suites"
	[ -s "$dest/files" ] && [ "$(cat "$dest/package-version" 2>/dev/null)" = "$ver" ] && return 0
	rm -rf "$dest.new"
	mkdir -p "$dest.new/root"
	# Breadth first, one level of the Depends tree per round of apt calls.
	local level=("$QEMU_ARM64_PKG") seen=" " specs name v deb
	while [ ${#level[@]} -gt 0 ]; do
		specs=()
		while read -r name v; do
			specs+=("$name:arm64=$v")
			echo "$name $v" >>"$dest.new/packages"
		done < <(newest_arm64_versions "${level[@]}")
		[ ${#specs[@]} = ${#level[@]} ] ||
			die "no arm64 build in the configured suites of: $(printf '%s\n' "${level[@]}" |
				grep -vxF -f <(cut -d' ' -f1 "$dest.new/packages") | tr '\n' ' ')"
		for deb in $(download_debs "${specs[@]}"); do
			dpkg-deb -x "$deb" "$dest.new/root"
		done
		seen+="${level[*]} "
		level=()
		for name in $(lib_depends "${specs[@]}"); do
			case "$seen" in *" $name "*) ;; *) level+=("$name") ;; esac
		done
	done
	local bin=$QEMU_ARM64_BIN interp
	[ -x "$dest.new/root/$bin" ] || die "$QEMU_ARM64_PKG:arm64 $ver has no $bin"
	interp=$(aarch64-linux-gnu-readelf -l "$dest.new/root/$bin" |
		 sed -n 's/.*Requesting program interpreter: \/\{0,1\}\([^]]*\)\]/\1/p')
	# Debian's arm64 libc6 ships the loader in usr/lib; the ELF names /lib.
	[ -e "$dest.new/root/usr/${interp#usr/}" ] ||
		die "the dynamic loader /$interp is in no package of qemu's Depends closure"
	{
		needed_closure "$dest.new/root" "$bin"
		echo "usr/${interp#usr/}"
	} >"$dest.new/files"
	echo "$ver" >"$dest.new/package-version"
	rm -rf "$dest" && mv "$dest.new" "$dest"
	say "arm64 qemu: $QEMU_ARM64_PKG $ver, $(wc -l <"$dest/files") files (the binary, its loader, the libraries)"
}

# The tree in $1 was extracted with today's SOURCE_FILES (a cache made
# before the list changed is extracted again on the next run).
source_complete() {
	[ -f "$1/arch/arm64/tools/sysreg" ] &&
		[ "$(cat "$1/source-files" 2>/dev/null)" = "${SOURCE_FILES[*]}" ]
}

fetch_source() {
	local series=$1
	local dest="$CACHE/src/$series"
	if source_complete "$dest" && [ "$refresh" = 0 ]; then
		return 0
	fi
	resolve_newest linux-source "$series"
	local ver=$newest
	source_complete "$dest" && [ "$(cat "$dest/package-version" 2>/dev/null)" = "$ver" ] && return 0
	# linux-source is a meta package: the tarball is in linux-source-X.Y.
	local real deb
	real=$(deb_depends "linux-source=$ver" | grep '^linux-source-' | head -n 1)
	[ -n "$real" ] || die "linux-source=$ver depends on no linux-source-X.Y"
	deb=$(download_deb "${real%%=*}:all=${real#*=}")
	local tmp
	tmp=$(deb_extract "$deb" './usr/src/linux-source-*.tar.xz') || die "cannot extract $deb"
	local tarball
	tarball=$(ls "$tmp"/usr/src/linux-source-*.tar.xz)
	local top
	top=$(basename "$tarball" .tar.xz)
	say "extract kernel files from $top"
	local f required=() optional=()
	for f in "${SOURCE_FILES[@]}"; do
		case " ${OPTIONAL_FILES[*]} " in
		*" $f "*) optional+=("$top/$f") ;;
		*) required+=("$top/$f") ;;
		esac
	done
	tar -xJf "$tarball" -C "$tmp" --wildcards "${required[@]}" ||
		die "$top lacks one of: ${required[*]#"$top/"}"
	tar -xJf "$tarball" -C "$tmp" --wildcards "${optional[@]}" 2>/dev/null ||
		say "$top has none of: ${OPTIONAL_FILES[*]}"
	rm -rf "$dest"
	mkdir -p "$(dirname "$dest")"
	mv "$tmp/$top" "$dest"
	echo "$ver" >"$dest/package-version"
	echo "${SOURCE_FILES[*]}" >"$dest/source-files"
	rm -rf "$tmp"
	say "kernel source $series: $ver"
}

# Files of the newest series read after the trees above were first
# extracted: added beside them from the same linux-source package, so that
# a cache made before keeps its trees.  cputype.h: the implementer and part
# names of MIDR_EL1 (gen/idregs-gen cpu-names, the host report).
LATE_SOURCE_FILES=(
	arch/arm64/include/asm/cputype.h
)

fetch_late_source_files() {
	local dest=$CACHE/src/7 f ver real deb tmp tarball top missing=()
	for f in "${LATE_SOURCE_FILES[@]}"; do
		[ -s "$dest/$f" ] || missing+=("$f")
	done
	[ ${#missing[@]} = 0 ] && return 0
	ver=$(cat "$dest/package-version") || die "no kernel source in $dest"
	real=$(deb_depends "linux-source=$ver" | grep '^linux-source-' | head -n 1)
	[ -n "$real" ] || die "linux-source=$ver depends on no linux-source-X.Y"
	deb=$(download_deb "${real%%=*}:all=${real#*=}")
	tmp=$(deb_extract "$deb" './usr/src/linux-source-*.tar.xz') || die "cannot extract $deb"
	tarball=$(ls "$tmp"/usr/src/linux-source-*.tar.xz)
	top=$(basename "$tarball" .tar.xz)
	say "extract ${missing[*]} from $top"
	tar -xJf "$tarball" -C "$tmp" "${missing[@]/#/$top/}" ||
		die "$top lacks one of: ${missing[*]}"
	for f in "${missing[@]}"; do
		mkdir -p "$(dirname "$dest/$f")"
		cp "$tmp/$top/$f" "$dest/$f"
	done
	rm -rf "$tmp"
}

# X.Y of every linux-source-X.Y package apt knows (the local package
# lists), oldest first.
source_series() {
	setup_apt
	apt-cache pkgnames linux-source- | $RESOLVE source-series
}

# "SERIES RELEASE PACKAGE" for the newest build of each series Debian has
# arm64 images of, strictly between the series $1 and $2 and not a series
# of the matrix (KERNEL_SERIES: kernels/SERIES has it), and the 16K-page
# build of series $2 (SERIES 7.3-16k, RELEASE 7.3.4-16k); PACKAGE is the
# linux-image-RELEASE (6.x up to 6.19 hold vmlinuz, 7.x depend on
# linux-binary-RELEASE, which does).
extra_kernel_list() {
	apt-cache pkgnames linux-image- | $RESOLVE extra-kernels "$1" "$2" "$KERNEL_SERIES"
}

# Extract the vmlinuz of linux-image-RELEASE (newest version of that
# package), or of the linux-binary-RELEASE it depends on, into
# kernels/extra/RELEASE/ (vmlinuz, release, package-version).  RELEASE
# carries the flavour: 7.3.4-16k.
fetch_extra_kernel() {
	local series=$1 rel=$2 pkg=$3
	local dest="$CACHE/kernels/extra/$rel"
	[ -s "$dest/vmlinuz" ] && [ "$refresh" = 0 ] && return 0
	local ver
	ver=$(apt-cache madison "$pkg:arm64" | $RESOLVE newest)
	[ -n "$ver" ] || die "no $pkg:arm64 in the configured suites"
	[ -s "$dest/vmlinuz" ] && [ "$(cat "$dest/package-version" 2>/dev/null)" = "$ver" ] && return 0
	local deb spec=$pkg:arm64=$ver dep
	deb=$(download_deb "$spec")
	if ! dpkg-deb -c "$deb" | grep -E '(boot/vmlinuz-|/vmlinuz$)' >/dev/null; then
		dep=$(deb_depends "$spec" | grep '^linux-binary-' | head -n 1)
		[ -n "$dep" ] || die "$spec holds no vmlinuz and depends on no linux-binary-*"
		deb=$(download_deb "${dep%%=*}:arm64=${dep#*=}")
	fi
	local tmp
	tmp=$(deb_extract "$deb" '*vmlinuz*') || die "cannot extract $deb"
	local krel
	krel=$(install_vmlinuz "$tmp" "$dest" "$ver") || die "no vmlinuz in $deb"
	echo "$series" >"$dest/series"
	rm -rf "$tmp"
	# The .deb (up to 200 MB for 6.x's linux-image) is not kept.
	rm -f "$deb"
	say "extra kernel $rel: $krel ($ver)"
}

fetch_extra_kernels() {
	[ "$EXTRA_KERNELS" = no ] && return 0
	local lo hi line
	read -r lo hi <<<"$($RESOLVE series-range $SOURCE_SERIES </dev/null)"
	[ -n "$lo" ] && [ "$lo" != "$hi" ] || return 0
	# Complete and not asked to look again: no apt work.
	if [ "$refresh" = 0 ] && [ -s "$CACHE/kernels/extra/list" ]; then
		local missing=0 s r p
		while read -r s r p; do
			[ -s "$CACHE/kernels/extra/$r/vmlinuz" ] || missing=1
		done <"$CACHE/kernels/extra/list"
		[ "$missing" = 0 ] && return 0
	fi
	mkdir -p "$CACHE/kernels/extra"
	extra_kernel_list "$lo" "$hi" >"$CACHE/kernels/extra/list.new"
	while read -r line; do
		# shellcheck disable=SC2086
		fetch_extra_kernel $line
	done <"$CACHE/kernels/extra/list.new"
	mv "$CACHE/kernels/extra/list.new" "$CACHE/kernels/extra/list"
}

mkdir -p "$CACHE"
# The tools first: deps_resolve.py needs python3.
install_tools
series_from_apt=0
if [ -z "$SOURCE_SERIES" ]; then
	series_from_apt=1
	if [ "$refresh" = 0 ] && [ -s "$CACHE/src/series" ]; then
		SOURCE_SERIES="7 $(cat "$CACHE/src/series")"
	else
		SOURCE_SERIES="7 $(source_series | tr '\n' ' ')"
		[ "$SOURCE_SERIES" != "7 " ] || die "apt knows no linux-source-X.Y package"
	fi
fi
install_jansson
fetch_jansson_arm64
fetch_busybox_arm64
fetch_qemu_arm64
for s in $KERNEL_SERIES; do
	fetch_kernel "$s"
done
fetch_uapi
for s in $SOURCE_SERIES; do
	fetch_source "$s"
done
[ "$series_from_apt" = 0 ] || echo "${SOURCE_SERIES#7 }" >"$CACHE/src/series"
fetch_late_source_files
fetch_extra_kernels
say "ready: cache $CACHE"
