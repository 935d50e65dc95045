# SPDX-License-Identifier: GPL-2.0-only
# idregs: top-level build.
#
#   make deps    install/fetch what is needed (scripts/deps.sh)
#   make gen     regenerate lib/generated/ from the kernel sources in the cache
#   make unit    portable unit tests, natively, plain and under ASan/UBSan
#   make check   everything: deps, generator check, unit tests, the suite
#                on the emulated hosts (./run_tests.sh)

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

.PHONY: all deps gen gen-check unit unit-py unit-c selftests check clean

all: unit-build selftests

deps:
	scripts/deps.sh

-include gen/gen.mk

$(BUILD)/unit/%: lib/tests/%.c $(LIB_PORTABLE_SRC) $(wildcard lib/include/idregs/*.h lib/tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARN) $(LIB_CPPFLAGS) -o $@ $< $(LIB_PORTABLE_SRC)

$(BUILD)/unit-san/%: lib/tests/%.c $(LIB_PORTABLE_SRC) $(wildcard lib/include/idregs/*.h lib/tests/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(SAN_FLAGS) $(WARN) $(LIB_CPPFLAGS) -o $@ $< $(LIB_PORTABLE_SRC)

.PHONY: unit-build
unit-build: $(UNIT_PLAIN) $(UNIT_SAN)

unit-c: unit-build
	@set -e; for t in $(UNIT_PLAIN) $(UNIT_SAN); do echo "# $$t"; $$t; done

unit: unit-c unit-py

selftests: deps
	$(MAKE) -C selftests

# The clean skip of a kernel without writable masks, then the suite on the
# kernels that have them, on two different CPUs each.
CHECK_KERNELS	?= 7,6.12
CHECK_CPUS	?= max,neoverse-n1

# The masked-kernel run comes last so that its "N passed, N failed" line
# closes the output.
check: deps gen-check unit
	./run_tests.sh --kernel 6.1 --expect-skip
	./run_tests.sh --kernel $(CHECK_KERNELS) --cpu $(CHECK_CPUS)

clean:
	rm -rf $(BUILD)
	$(MAKE) -C selftests clean
