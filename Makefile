# SPDX-License-Identifier: GPL-2.0-only
# idregs: top-level build.
#
#   make deps    install/fetch what is needed (scripts/deps.sh)
#   make gen     regenerate lib/generated/ from the kernel sources in the cache
#   make unit    portable unit tests, natively, plain and under ASan/UBSan
#   make check   everything: deps, generator check, unit tests, the suite
#                on the emulated hosts (./run_tests.sh)
#   make mutation  the suite and the kernel's set_id_regs on mutated test
#                kernels (tools/mutate/run.sh; MUTANTS="a b" for some)

CACHE		:= $(shell scripts/deps.sh --print-cache)
BUILD		?= build
PYTHON		?= python3
CC		?= gcc
WARN		:= -Wall -Wextra -Werror
CFLAGS		?= -O2 -g
SAN_FLAGS	:= -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all

# The portable half of lib/: builds and is unit-tested on any host.
LIB_PORTABLE_SRC := $(wildcard lib/*.c lib/generated/*.c)
UNIT_SRC	:= $(wildcard lib/tests/test_*.c)
UNIT_PLAIN	:= $(patsubst lib/tests/%.c,$(BUILD)/unit/%,$(UNIT_SRC))
UNIT_SAN	:= $(patsubst lib/tests/%.c,$(BUILD)/unit-san/%,$(UNIT_SRC))
LIB_CPPFLAGS	:= -Ilib/include -Ilib/generated
# JSON (jansson) is for tools/idreg and its tests only, not for libidregs.a.
JSON_SRC	:= $(wildcard lib/json/*.c)
JSON_LIBS	:= -ljansson
UNIT_JSON	:= test_model test_profile
$(foreach t,$(UNIT_JSON),$(BUILD)/unit/$(t) $(BUILD)/unit-san/$(t)): \
	UNIT_EXTRA = $(JSON_SRC) $(JSON_LIBS)
# tools/idreg: natively without KVM (dump/apply say so), static for arm64.
IDREG_SRC	:= tools/idreg/idreg.c
IDREG_NATIVE	:= $(BUILD)/idreg
IDREG_ARM64	:= $(BUILD)/arm64/idreg
ARM64_CC	:= aarch64-linux-gnu-gcc
ARM64_SYSROOT	:= $(CACHE)/sysroot-arm64
ARM64_UAPI	:= $(CACHE)/uapi/usr/include

.PHONY: all deps gen gen-check unit unit-py unit-c unit-cli unit-runner selftests check clean idreg style mutation
.PHONY: check-hosts check-vcpu-configs check-one-at-a-time

all: unit-build selftests idreg

deps:
	scripts/deps.sh

-include gen/gen.mk

$(BUILD)/unit/%: lib/tests/%.c $(LIB_PORTABLE_SRC) $(JSON_SRC) $(wildcard lib/include/idregs/*.h lib/tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(LIB_CPPFLAGS) -o $@ $< $(LIB_PORTABLE_SRC) $(UNIT_EXTRA)

$(BUILD)/unit-san/%: lib/tests/%.c $(LIB_PORTABLE_SRC) $(JSON_SRC) $(wildcard lib/include/idregs/*.h lib/tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) $(WARN) $(LIB_CPPFLAGS) -o $@ $< $(LIB_PORTABLE_SRC) $(UNIT_EXTRA)

.PHONY: unit-build
unit-build: $(UNIT_PLAIN) $(UNIT_SAN)

unit-c: unit-build
	@set -e; for t in $(UNIT_PLAIN) $(UNIT_SAN); do echo "# $$t"; $$t; done

# The CLI as scripts use it: exit codes and messages.
unit-cli: $(IDREG_NATIVE)
	tools/idreg/test_cli.sh $(IDREG_NATIVE)

# ktap_runner, natively: pass, fail, skip, signal, timeouts.
unit-runner:
	tools/runner/test_runner.sh

unit: unit-c unit-py unit-cli unit-runner

idreg: $(IDREG_NATIVE) $(IDREG_ARM64)

$(IDREG_NATIVE): $(IDREG_SRC) $(LIB_PORTABLE_SRC) $(JSON_SRC) $(wildcard lib/include/idregs/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(LIB_CPPFLAGS) -o $@ $(IDREG_SRC) $(LIB_PORTABLE_SRC) $(JSON_SRC) $(JSON_LIBS)

$(IDREG_ARM64): $(IDREG_SRC) $(LIB_PORTABLE_SRC) $(JSON_SRC) $(wildcard lib/kvm/*.c) $(wildcard lib/include/idregs/*.h)
	@mkdir -p $(dir $@)
	$(ARM64_CC) $(CFLAGS) $(WARN) -D_GNU_SOURCE -DIDREG_HAVE_KVM $(LIB_CPPFLAGS) \
		-isystem $(ARM64_UAPI) -isystem $(ARM64_UAPI)/aarch64-linux-gnu \
		-I$(ARM64_SYSROOT)/usr/include -static -o $@ \
		$(IDREG_SRC) $(LIB_PORTABLE_SRC) $(JSON_SRC) $(wildcard lib/kvm/*.c) \
		-L$(ARM64_SYSROOT)/usr/lib/aarch64-linux-gnu -ljansson

# Cross-built for arm64 wherever we are (natively on arm64).
selftests: deps
	$(MAKE) -C selftests ARCH=arm64

# The kernel's checkpatch.pl (from the cache's linux-source) on our C code.
# Ignored: VOLATILE (a signal handler's flag is volatile sig_atomic_t in
# userspace) and PREFER_DEFINED_ATTRIBUTE_MACRO (lib/include/idregs/util.h
# is where __printf is defined).  Generated tables and the generator's
# kernel-file fixtures are not ours to style.
CHECKPATCH	:= $(CACHE)/src/7/scripts/checkpatch.pl
STYLE_SRC	= $(filter-out lib/generated/% gen/tests/fixtures/%,$(shell git ls-files '*.c' '*.h'))

style: deps
	perl $(CHECKPATCH) --no-tree --quiet --terse --show-types \
		--ignore VOLATILE,PREFER_DEFINED_ATTRIBUTE_MACRO -f $(STYLE_SRC)

# make check: the clean skip of a kernel without writable masks, the
# migration check between two emulated CPUs (qemu-host vCPUs: PMUv3, SVE,
# PAuth where offered), the suite as a kernel CI runs
# it (exported into a kernel tree, packaged by the kernel's selftests
# Makefile, run by its run_kselftest.sh), then the kernel x CPU x vCPU
# configuration matrix: every cached kernel x max, neoverse-n1, cortex-a72
# x the configurations a host without MTE and nested virtualization can
# give (default, pmu, sve, pauth, aarch32-el1, qemu-host; run_tests.sh's
# MATRIX_VCPUS), every test in each, two hosts at a time.  mte, el2 and
# el2-e2h0 need a host booted for them, and nested mode changes KVM for
# every VM and makes each guest run slower, so they are not in the matrix:
# one 7.x -cpu max host with MTE and nested virtualization runs the walk,
# the guest view and the VM rules in every configuration instead
# (VCPU_CHECK), the only host that can give them all.  That host runs
# one TCG guest on one core for about 90 s, the migration and kselftest
# checks boot one host at a time: they run side by side (check-hosts, each
# one's output whole once it is done).  The matrix comes last so that its
# "N passed, N failed" line closes the output.
MIGRATION_CPUS	?= max,neoverse-n1
VCPU_CHECK	?= --kernel 7 --cpu max --host nested,mte --vcpu all writable_fields guest_view vm_rules defaults

# The checks before the hosts (checkpatch, the generator, the unit tests,
# and the idreg build the migration check needs) run CHECK_JOBS at a time,
# each one's output whole: 52 s instead of 85 s on a clean clone here.
CHECK_JOBS	?= $(shell nproc)

check: deps
	$(MAKE) --no-print-directory -j$(CHECK_JOBS) --output-sync=target style gen-check unit idreg
	./run_tests.sh --kernel 6.1 --expect-skip
	$(MAKE) --no-print-directory -j2 --output-sync=target check-hosts
	./run_tests.sh --matrix

check-hosts: check-vcpu-configs check-one-at-a-time

check-vcpu-configs:
	./run_tests.sh $(VCPU_CHECK)

check-one-at-a-time:
	tools/migration-check.sh --cpus $(MIGRATION_CPUS)
	tools/kselftest-check.sh

# Mutation testing: builds the test kernel (cached outside the work tree),
# then every mutant of tools/mutate/mutants/ (or MUTANTS="NAME ...").
MUTANTS		?=

mutation: deps
	tools/mutate/run.sh --out $(BUILD)/mutation.md $(MUTANTS)

clean:
	rm -rf $(BUILD)
	$(MAKE) -C selftests clean
