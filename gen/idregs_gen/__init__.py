"""idregs table generator: reads the kernel's sysreg file, cpufeature.c and
(optionally) Arm's Registers.json and emits lib/arch/generated/idreg_table.c."""
