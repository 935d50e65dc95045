# SPDX-License-Identifier: GPL-2.0-only
# The table generator (gen/README.md); included by the top Makefile, which
# defines CACHE and PYTHON.
#
#   make gen        [KERNEL_SRC=/path/to/linux] [REGISTERS_JSON=/path/Registers.json]
#   make gen-check  regenerate from the recorded inputs; fail if it differs
#                   (the table, and the declared writable masks and the
#                   register list's ID slots of every kernel source in the
#                   cache)
#   make unit-py    the generator's unit tests

KERNEL_SRC	?= $(CACHE)/src/7
IDREGS_GEN	:= $(PYTHON) gen/idregs-gen
IDREG_TABLE	:= lib/arch/generated/idreg_table.c
IDREG_DECLARED	:= lib/predict/generated/idreg_declared.c
IDREG_REGLIST	:= lib/predict/generated/idreg_reglist.c
# MIDR names for the host report, from the newest series' cputype.h.
CPU_NAMES	:= tools/report/cpu_names.tsv
GEN_JSON_ARG	= $(if $(REGISTERS_JSON),--registers-json $(REGISTERS_JSON))
# gen-check uses the cache unless KERNEL_SRC is given on the command line.
GEN_CHECK_SRC	= $(if $(filter command line environment,$(origin KERNEL_SRC)),--kernel-src $(KERNEL_SRC))

.PHONY: gen gen-check unit-py

# The declared writable masks come from every kernel source in the cache.
gen:
	$(IDREGS_GEN) generate --kernel-src $(KERNEL_SRC) $(GEN_JSON_ARG) -o $(IDREG_TABLE)
	$(IDREGS_GEN) declared --cache $(CACHE) -o $(IDREG_DECLARED)
	$(IDREGS_GEN) reglist --cache $(CACHE) -o $(IDREG_REGLIST)
	$(IDREGS_GEN) cpu-names --kernel-src $(CACHE)/src/7 -o $(CPU_NAMES)

gen-check:
	$(IDREGS_GEN) check --cache $(CACHE) $(GEN_CHECK_SRC) $(GEN_JSON_ARG) $(IDREG_TABLE)
	$(IDREGS_GEN) declared-check --cache $(CACHE) $(IDREG_DECLARED)
	$(IDREGS_GEN) reglist-check --cache $(CACHE) $(IDREG_REGLIST)
	$(IDREGS_GEN) cpu-names --kernel-src $(CACHE)/src/7 --check $(CPU_NAMES)

unit-py: $(IDREG_NATIVE)
	IDREG=$(abspath $(IDREG_NATIVE)) $(PYTHON) -m unittest discover -s gen/tests -t gen
