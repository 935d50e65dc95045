# SPDX-License-Identifier: GPL-2.0-only
# idregs: top-level build.
#
#   make deps    install/fetch what is needed (scripts/deps.sh)
#   make gen     regenerate lib/*/generated/ from the kernel sources in the cache
#   make unit    portable unit tests, natively, plain and under ASan/UBSan;
#                the generator's, the CLI's, the runner's; readme-check
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

# The layers (README "Layout"): what Arm says (lib/arch), what KVM must do
# (lib/predict), shared basics (lib/core), talking to KVM (lib/kvm, arm64
# only), the VMM side (vmm/: profiles, models, QEMU, the idreg CLI), and
# the selftests' support (selftests/expect.c).
include selftests/lib_dirs.mk
LIB_PORTABLE_SRC := $(foreach r,$(IDREGS_LIB_PORTABLE_DIRS),$(wildcard lib/$(r)/*.c))
LIB_KVM_SRC	:= $(foreach r,$(IDREGS_LIB_KVM_DIRS),$(wildcard lib/$(r)/*.c))
EXPECT_SRC	:= selftests/expect.c
# JSON (jansson) is for the VMM side only.
VMM_SRC		:= vmm/profile.c vmm/model.c vmm/model_check.c vmm/baseline.c \
		   vmm/qemu.c vmm/qemu_args.c vmm/qemu_words.c vmm/qemu_check.c vmm/migration.c \
		   vmm/json.c vmm/answers_json.c vmm/qemu_forms.c \
		   vmm/vcpu_regs.c
VMM_KVM_SRC	:= vmm/host.c
JSON_LIBS	:= -ljansson
CPPFLAGS_ALL	:= -Ilib/include -Ivmm/include -Iselftests
# Objects depend on what they include.
DEPFLAGS	:= -MD -MP

# Unit tests: lib/tests (the library), vmm/tests (the VMM side, with
# jansson), selftests/unit (the tests' support).
UNIT_LIB	:= $(patsubst lib/tests/%.c,%,$(wildcard lib/tests/test_*.c))
UNIT_VMM	:= $(patsubst vmm/tests/%.c,%,$(wildcard vmm/tests/test_*.c))
UNIT_SELFTESTS	:= $(patsubst selftests/unit/%.c,%,$(wildcard selftests/unit/test_*.c))
UNIT_ALL	:= $(UNIT_LIB) $(UNIT_VMM) $(UNIT_SELFTESTS)
UNIT_PLAIN	:= $(addprefix $(BUILD)/unit/,$(UNIT_ALL))
UNIT_SAN	:= $(addprefix $(BUILD)/unit-san/,$(UNIT_ALL))
vpath test_%.c lib/tests vmm/tests selftests/unit

# Native objects, plain and sanitised, of the portable sources.
obj_of		= $(patsubst %.c,$(BUILD)/$(1)/%.o,$(2))
LIB_OBJ_PLAIN	:= $(call obj_of,obj,$(LIB_PORTABLE_SRC))
LIB_OBJ_SAN	:= $(call obj_of,obj-san,$(LIB_PORTABLE_SRC))
$(foreach t,$(UNIT_VMM),$(BUILD)/unit/$(t)): $(call obj_of,obj,$(VMM_SRC))
$(foreach t,$(UNIT_VMM),$(BUILD)/unit-san/$(t)): $(call obj_of,obj-san,$(VMM_SRC))
$(foreach t,$(UNIT_VMM),$(BUILD)/unit/$(t) $(BUILD)/unit-san/$(t)): UNIT_LIBS = $(JSON_LIBS)
$(foreach t,$(UNIT_SELFTESTS),$(BUILD)/unit/$(t)): $(call obj_of,obj,$(EXPECT_SRC))
$(foreach t,$(UNIT_SELFTESTS),$(BUILD)/unit-san/$(t)): $(call obj_of,obj-san,$(EXPECT_SRC))

# The idreg CLI: natively without KVM (dump/apply say so), static for arm64.
IDREG_SRC	:= vmm/idreg.c vmm/vm_migrate.c vmm/explore_cmd.c
IDREG_NATIVE	:= $(BUILD)/idreg
IDREG_ARM64	:= $(BUILD)/arm64/idreg
ARM64_CC	:= aarch64-linux-gnu-gcc
ARM64_SYSROOT	:= $(CACHE)/sysroot-arm64
ARM64_UAPI	:= $(CACHE)/uapi/usr/include

.PHONY: all deps gen gen-check unit unit-py unit-c unit-cli unit-runner unit-shell readme-check report selftests check clean idreg style mutation
.PHONY: check-hosts check-vcpu-configs check-one-at-a-time check-qemu qemu-guest check-kernels
.PHONY: check-migration check-vm-migrate check-kselftest check-skip

all: unit-build selftests idreg

deps:
	scripts/deps.sh

-include gen/gen.mk

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(DEPFLAGS) $(CPPFLAGS_ALL) -c -o $@ $<

$(BUILD)/obj-san/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) $(WARN) $(DEPFLAGS) $(CPPFLAGS_ALL) -c -o $@ $<

$(BUILD)/unit/%: $(BUILD)/obj/%.o $(LIB_OBJ_PLAIN)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(UNIT_LIBS)

$(BUILD)/unit-san/%: $(BUILD)/obj-san/%.o $(LIB_OBJ_SAN)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) -o $@ $^ $(UNIT_LIBS)

# A unit test's own object, from lib/tests, vmm/tests or selftests/unit.
# lib/tests/unit.h is every unit test's harness.
$(BUILD)/obj/test_%.o: test_%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(DEPFLAGS) $(CPPFLAGS_ALL) -Ilib/tests -c -o $@ $<

$(BUILD)/obj-san/test_%.o: test_%.c
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) $(WARN) $(DEPFLAGS) $(CPPFLAGS_ALL) -Ilib/tests -c -o $@ $<

# Objects made by the pattern rules are kept, not removed as intermediates.
.SECONDARY:

-include $(shell find $(BUILD)/obj $(BUILD)/obj-san -name '*.d' 2>/dev/null)

.PHONY: unit-build
unit-build: $(UNIT_PLAIN) $(UNIT_SAN)

unit-c: unit-build
	@set -e; for t in $(UNIT_PLAIN) $(UNIT_SAN); do echo "# $$t"; $$t; done

# The CLI as scripts use it: exit codes and messages.
unit-cli: $(IDREG_NATIVE)
	vmm/tests/test_cli.sh $(IDREG_NATIVE)

# ktap_runner, natively: pass, fail, skip, signal, timeouts; tools/lib's
# KTAP writer; the mutation runner's counting (tools/mutate/score.py), its
# verdicts on consoles built from the schema, its patch headers.
unit-runner:
	tools/runner/test_runner.sh
	tools/lib/test_ktap.sh
	$(PYTHON) -m unittest discover -s tools/mutate -p 'test_*.py'
	tools/mutate/test_run.sh

# The console reader (tools/lib/console.py: results, kinds, totals, rows,
# verdicts), the host report (tools/report/host_report.py), deps.sh's
# choices (scripts/deps_resolve.py), the shell library
# (tools/lib/idregs.sh), emu.sh's and run_tests.sh's use of them, natively.
unit-shell:
	$(PYTHON) -m unittest discover -s tools/lib -p 'test_*.py'
	$(PYTHON) -m unittest discover -s tools/report -p 'test_*.py'
	$(PYTHON) -m unittest discover -s scripts -p 'test_*.py'
	tools/lib/test_idregs.sh

# Every command README.md shows is run here or found in make check's
# recipes (tools/readme-check.sh says how it reads them).
readme-check: $(IDREG_NATIVE)
	tools/readme-check.sh --self-test
	tools/readme-check.sh

unit: unit-c unit-py unit-cli unit-runner unit-shell readme-check

idreg: $(IDREG_NATIVE) $(IDREG_ARM64)

# The scripts' reader of known-result files (selftests/expect.h): the
# tests' own parser, natively (tools/check-kernels.sh).
EXPECT_LIST	:= $(BUILD)/expect-list
$(EXPECT_LIST): $(call obj_of,obj,tools/expect_list.c $(EXPECT_SRC)) $(LIB_OBJ_PLAIN)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^

$(IDREG_NATIVE): $(call obj_of,obj,$(IDREG_SRC) $(VMM_SRC)) $(LIB_OBJ_PLAIN)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(JSON_LIBS)

# One static binary, compiled in one step (its own flags and headers).
$(IDREG_ARM64): $(IDREG_SRC) $(VMM_SRC) $(VMM_KVM_SRC) $(LIB_PORTABLE_SRC) $(LIB_KVM_SRC) \
		$(wildcard lib/include/idregs/*.h vmm/include/idregs/*.h)
	@mkdir -p $(dir $@)
	$(ARM64_CC) $(CFLAGS) $(WARN) -D_GNU_SOURCE -DIDREG_HAVE_KVM $(CPPFLAGS_ALL) \
		-isystem $(ARM64_UAPI) -isystem $(ARM64_UAPI)/aarch64-linux-gnu \
		-I$(ARM64_SYSROOT)/usr/include -static -o $@ \
		$(IDREG_SRC) $(VMM_SRC) $(VMM_KVM_SRC) $(LIB_PORTABLE_SRC) $(LIB_KVM_SRC) \
		-L$(ARM64_SYSROOT)/usr/lib/aarch64-linux-gnu -ljansson

# The bare-metal guest a real QEMU boots inside the emulated hosts
# (tools/qemu-check.sh): an ELF for -kernel, linked for -M virt's RAM.
# The same guest going on for 8 ticks of 200 rereads of every slot after
# its reads, for tools/qemu-migrate-check.sh (migrated while it ticks).
QEMU_GUEST	:= $(BUILD)/qemu-guest/idregs-guest.elf
QEMU_GUEST_MIGRATE := $(BUILD)/qemu-guest/idregs-guest-migrate.elf
QEMU_GUEST_SRC	:= $(addprefix tools/qemu-guest/,start.S guest.c)
QEMU_GUEST_TICKS := 8
QEMU_GUEST_REREADS := 200

qemu-guest: $(QEMU_GUEST) $(QEMU_GUEST_MIGRATE)

$(QEMU_GUEST_MIGRATE): GUEST_DEFS = -DIDREGS_GUEST_TICKS=$(QEMU_GUEST_TICKS) \
			       -DIDREGS_GUEST_REREADS=$(QEMU_GUEST_REREADS)
$(QEMU_GUEST_MIGRATE): Makefile
$(QEMU_GUEST) $(QEMU_GUEST_MIGRATE): $(QEMU_GUEST_SRC) tools/qemu-guest/guest.h tools/qemu-guest/guest.ld
	@mkdir -p $(dir $@)
	$(ARM64_CC) -O2 $(WARN) $(GUEST_DEFS) -nostdlib -ffreestanding -mgeneral-regs-only -mstrict-align \
		-fno-pie -no-pie -static -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
		-T tools/qemu-guest/guest.ld -o $@ $(QEMU_GUEST_SRC)

# Cross-built for arm64 wherever we are (natively on arm64).
selftests: deps
	$(MAKE) -C selftests ARCH=arm64

# The kernel's checkpatch.pl (from the cache's linux-source) on our C code.
# Ignored: VOLATILE (a signal handler's flag is volatile sig_atomic_t in
# userspace) and PREFER_DEFINED_ATTRIBUTE_MACRO (lib/include/idregs/util.h
# is where __printf is defined).  Generated tables and the generator's
# kernel-file fixtures are not ours to style.
CHECKPATCH	:= $(CACHE)/src/7/scripts/checkpatch.pl
# The header that makes enum idreg_vcpu_feature of vcpu_features.def's rows
# (IDREG_VCPU_<ID> = 1U << its bit, an X-macro expansion checkpatch takes
# for a macro value) is also checked, less COMPLEX_MACRO.
XMACRO_SRC	:= lib/include/idregs/vcpu_config.h
STYLE_SRC	= $(filter-out lib/arch/generated/% lib/predict/generated/% gen/tests/fixtures/% $(XMACRO_SRC),$(shell git ls-files '*.c' '*.h'))
STYLE_IGNORE	:= VOLATILE,PREFER_DEFINED_ATTRIBUTE_MACRO

style: deps
	perl $(CHECKPATCH) --no-tree --quiet --terse --show-types \
		--ignore $(STYLE_IGNORE) -f $(STYLE_SRC)
	perl $(CHECKPATCH) --no-tree --quiet --terse --show-types \
		--ignore $(STYLE_IGNORE),COMPLEX_MACRO -f $(XMACRO_SRC)

# make check: the clean skip of a kernel without writable masks, the
# migration check between two emulated CPUs (qemu-host vCPUs: PMUv3, SVE,
# PAuth where offered) and real migrations of a running guest between
# them with idregs' own VMM (idreg vm-save, vm-restore), the suite as a kernel CI runs
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
# (VCPU_CHECK; --vcpu all is what the tests do by default, spelled out as
# README.md shows it), the only host that can give them all, and the only
# nested host make check boots.  check-qemu runs Debian's arm64
# qemu-system-aarch64 as the VMM inside a -cpu max and a -cpu neoverse-n1
# host (tools/qemu-check.sh, docs/qemu.md), and migrates a running guest
# between them through a file (tools/qemu-migrate-check.sh).  Every
# emulated host is one TCG guest on one core, so check-hosts' checks run
# as separate targets beside the checks that boot no host (CHECK_JOBS at a
# time, each one's output whole once it is done), the longest first (the
# nested host, about 130 s; the real QEMU, about 120 s) so that the short
# ones fill the other core beside them.  The matrix
# (two hosts at a time itself) comes last so that its "N passed, N failed"
# line closes the output.
MIGRATION_CPUS	?= max,neoverse-n1
# Real migrations with idregs' own VMM (tools/vm-migrate-check.sh,
# docs/migration.md): max and neoverse-n1 (the baseline's blocking
# register keeps them apart: the restores are refused exactly there), and
# cortex-a76 and neoverse-n1, whose guests go on across the CPUs.  About
# 19-31 s each here.
VM_MIGRATE_PAIRS ?= max,neoverse-n1 cortex-a76,neoverse-n1
# The kselftest check runs the package as a kernel CI does, without test
# arguments: every configuration the host offers has results
# (tools/kselftest-check.sh).  A plain host: the nested one, which gives
# every configuration, is VCPU_CHECK's (booting it a second time would
# double make check's longest host; KSELFTEST_HOST=nested,mte runs the
# package there).
KSELFTEST_HOST	?=
VCPU_CHECK	?= --kernel 7 --cpu max --host nested,mte --vcpu all --known $(KNOWN_FINDINGS) \
		   writable_fields guest_view vm_rules defaults
# The known findings every runner reads (docs/findings.md): a kernel's
# KVM bugs fail there, as known, and nothing else may.
KNOWN_FINDINGS	:= tools/check-kernels.known
# That host's report (docs/host-report.md; one more boot dumps its
# profiles), checked in Debian's headless Chromium: no console error, the
# counts are report.json's, every cell of the map reached by keyboard with
# a text alternative; its screenshot in build/.
HOST_REPORT	?= $(BUILD)/host-report

# The hosts and the checks that boot none (checkpatch, the generator, the
# unit tests, the idreg build the migration checks need, the guest
# check-qemu boots) run CHECK_JOBS at a time, each one's output whole: the
# nested host, the longest, starts at once, and the others fill the other
# core around it.
CHECK_JOBS	?= $(shell nproc)

check: deps
	$(MAKE) --no-print-directory -j$(CHECK_JOBS) --output-sync=target check-hosts style gen-check unit
	./run_tests.sh --matrix --known $(KNOWN_FINDINGS)

# Longest first: make starts prerequisites in this order.
check-hosts: check-vcpu-configs check-qemu check-one-at-a-time check-skip
check-qemu check-migration check-vm-migrate: idreg
check-qemu: qemu-guest

check-vcpu-configs:
	./run_tests.sh $(VCPU_CHECK) --report $(HOST_REPORT)
	$(PYTHON) tools/report/browser_check.py $(HOST_REPORT) --screenshot $(BUILD)/host-report.png

# The checks that boot one plain host at a time, each its own target so
# that they fill the core beside the long ones.
check-one-at-a-time: check-migration check-vm-migrate check-kselftest

check-migration:
	tools/migration-check.sh --cpus $(MIGRATION_CPUS)

check-vm-migrate:
	set -e; for pair in $(VM_MIGRATE_PAIRS); do tools/vm-migrate-check.sh --cpus $$pair; done

check-kselftest:
	tools/kselftest-check.sh --known $(KNOWN_FINDINGS) $(if $(KSELFTEST_HOST),--host $(KSELFTEST_HOST))

# A kernel without the writable masks skips cleanly.
check-skip:
	./run_tests.sh --kernel 6.1 --expect-skip

check-qemu:
	tools/qemu-check.sh --cpus $(MIGRATION_CPUS)
	tools/qemu-migrate-check.sh --cpus $(MIGRATION_CPUS)

# Every extra kernel make deps fetched (kernels/extra/: the series between
# the oldest and newest source read, the 16K-page build of the newest) on
# -cpu max with every vCPU configuration: each must fail exactly its known
# findings (tools/check-kernels.known, docs/findings.md).  Not in make
# check (about 9 hosts); CI runs it beside it.
check-kernels: deps $(IDREG_NATIVE)
	tools/check-kernels.sh --known $(KNOWN_FINDINGS)

# docs/figures.md's generated sections from the last runs' artefacts in
# build/ (build/mutation.md, build/bench-*.txt); tools/report.sh says which.
report:
	tools/report.sh

# Mutation testing: builds the test kernel (cached outside the work tree),
# then every mutant of tools/mutate/mutants/ (or MUTANTS="NAME ...").
MUTANTS		?=

mutation: deps
	tools/mutate/run.sh --out $(BUILD)/mutation.md --known $(KNOWN_FINDINGS) $(MUTANTS)

clean:
	rm -rf $(BUILD)
	$(MAKE) -C selftests clean
