# SPDX-License-Identifier: GPL-2.0-only
# What idregs' shell tools share, as a library sourced by run_tests.sh,
# tools/mutate/run.sh and tools/kselftest-*.sh (modelled on
# tools/emu/emu.sh: functions prefixed idregs_, no globals of its own):
# the selftests Makefile's variables, the vCPU configurations, building the suite, the test list
# ktap_runner reads, staging an initramfs tree, and reading a console
# (tools/lib/console.py; docs/results.md).  Callers set TOP (the repository).

# The selftests Makefile's variable $1 (TESTS, VCPU_TESTS, TEST_FILES...).
idregs_selftests_var() {
	make -s -C "$TOP/selftests" --no-print-directory ARCH=arm64 "print-$1"
}

# Every vCPU configuration, comma-separated, in the table's order
# (lib/include/idregs/vcpu_features.def, as the generator reads it: what
# idreg list --configs prints); --matrix: those run_tests.sh --matrix runs.
idregs_vcpu_configs() {
	local names
	names=$(python3 "$TOP/gen/idregs-gen" vcpu-configs "$@") || return 1
	paste -sd, - <<<"$names"
}

# Build the suite, static for arm64, into $1 (incremental); make's output
# goes to $2, and to stderr when the build fails.
idregs_build_selftests() {
	make -s -C "$TOP/selftests" ARCH=arm64 OUTPUT="$1" all >"$2" 2>&1 && return 0
	cat "$2" >&2
	return 1
}

# The test list ktap_runner reads (tests.list): a line "NAME TIMEOUT
# DIR/NAME [ARGS]" per test $4...; the tests that take --vcpu
# (VCPU_TESTS) get "--vcpu $3", or, when $3 is empty, every configuration
# (their default: those the host does not offer skip).  A configuration
# whose vCPUs have EL2 runs in an invocation of its own, "NAME@CONFIG":
# tearing down each such vCPU's nested stage-2 MMUs takes minutes on a
# 16K-page nested host (docs/kernels.md), and kselftest's timeout is per
# invocation.  Other names (the kernel's set_id_regs) get no arguments.
idregs_tests_list() {
	local dir=$1 timeout=$2 vcpus=$3 vcpu_tests el2 t c rest
	shift 3
	vcpu_tests=$(idregs_selftests_var VCPU_TESTS) || return 1
	el2=$(idregs_vcpu_configs --el2) || return 1
	[ -n "$vcpus" ] || vcpus=$(idregs_vcpu_configs) || return 1
	rest=$(tr , '\n' <<<"$vcpus" | grep -vxF -e "${el2//,/$'\n'}" | paste -sd, -)
	for t in "$@"; do
		case " $vcpu_tests " in
		*" $t "*)
			[ -n "$rest" ] && echo "$t $timeout $dir/$t --vcpu $rest"
			for c in ${vcpus//,/ }; do
				case ",$el2," in *",$c,"*) echo "$t@$c $timeout $dir/$t --vcpu $c" ;; esac
			done
			continue ;;
		esac
		echo "$t $timeout $dir/$t"
	done
}

# An initramfs tree in $2 from the suite built in $1: /init is its
# ktap_runner, /bin holds the tests $3... and the data files they read
# (TEST_FILES).  The caller writes $2/tests.list and packs it (emu_pack).
idregs_stage() {
	local built=$1 stage=$2 t files
	shift 2
	files=$(idregs_selftests_var TEST_FILES) || return 1
	mkdir -p "$stage/bin" || return 1
	cp "$built/ktap_runner" "$stage/init" || return 1
	for t in $files "$@"; do
		cp "$built/$t" "$stage/bin/$t" || return 1
	done
}

# The one reader of a console (tools/lib/console.py: results with their
# kind, the runner's totals, rows per configuration, verdicts, records).
idregs_console() {
	python3 "$TOP/tools/lib/console.py" "$@"
}

# The tests' records of kind $2 in log $1 ("# idregs-KIND: VALUE", at any
# KTAP nesting: docs/results.md): VALUE, one a line, in order.
idregs_records() {
	idregs_console records "$1" "$2"
}

# The value of key $1 in record $2 ("key=value ..."); status 1 when it has
# none.  A value ends at a space, but "reason" and "command" run to the end.
idregs_field() {
	local key=$1 rec=" $2"
	case "$rec" in *" $key="*) ;; *) return 1 ;; esac
	rec=${rec#* "$key"=}
	[ "$key" = reason ] || [ "$key" = command ] || rec=${rec%% *}
	echo "$rec"
}

# Each test's timeout, kselftest's way: selftests/settings' timeout=.
idregs_settings_timeout() {
	local line
	while IFS= read -r line; do
		case "$line" in timeout=*) echo "${line#timeout=}"; return 0 ;; esac
	done <"$TOP/selftests/settings"
	return 1
}
