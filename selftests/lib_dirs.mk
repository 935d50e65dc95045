# SPDX-License-Identifier: GPL-2.0-only
# The library's directories (README "Layout"), the one list both Makefiles
# read: the top-level Makefile (its native objects and unit tests) and
# selftests/Makefile (the tests' sources, and what the export copies).
# Portable: shared basics, what Arm says, what KVM must do, with their
# generated tables; then talking to KVM (arm64 only).
IDREGS_LIB_PORTABLE_DIRS	:= core arch arch/generated predict predict/generated
IDREGS_LIB_KVM_DIRS		:= kvm
