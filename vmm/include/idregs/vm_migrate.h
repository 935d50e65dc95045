/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * idreg vm-save and vm-restore (vmm/vm_migrate.c): a running guest saved
 * by idregs' own VMM and restored on another host (docs/migration.md).
 * Both take idreg's arguments after the command name and return its exit
 * codes; without KVM (the native build) they say so and return 3.
 */
#ifndef IDREGS_VM_MIGRATE_H
#define IDREGS_VM_MIGRATE_H

int idreg_cmd_vm_save(int argc, char **argv);
int idreg_cmd_vm_restore(int argc, char **argv);

#endif /* IDREGS_VM_MIGRATE_H */
