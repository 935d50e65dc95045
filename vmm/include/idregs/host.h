/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Profiles and models on a real KVM/arm64 host (vmm/host.c): dump what
 * a new VM gets, and write a model into a VM before its vCPUs run.
 */
#ifndef IDREGS_HOST_H
#define IDREGS_HOST_H

#include <stdbool.h>

#include "idregs/kvm.h"
#include "idregs/model.h"
#include "idregs/profile.h"

/*
 * This host's profile: uname -r, every slot GET_ONE_REG can read on a
 * fresh VM of vCPU configuration @cfg (NULL: default) and the writable
 * masks, the features its vCPU got and those KVM offers.  Returns 0, a
 * negative errno or IDREG_VM_UNAVAILABLE (the host cannot give @cfg), with
 * @err (IDREG_ERR_LEN) saying what failed.
 */
int idreg_host_dump(struct idreg_profile *p, const struct idreg_vcpu_config *cfg,
		    char *err);

struct idreg_apply_result {
	unsigned int nr_regs;		/* SET_ONE_REG calls that succeeded */
	int err;			/* 0 or the refused write's -errno */
	char prop[128];			/* the first field KVM refused, or "" */
	char msg[640];			/* one line on the failure */
};

/*
 * Write @m into @vm's vCPU 0: per register, the current value with the
 * model's fields merged in, one KVM_SET_ONE_REG, then a read-back.  On a
 * refusal the fields are tried one by one to name the first KVM refuses.
 * Returns 0 or the negative errno (also in @res).
 */
int idreg_host_apply(struct idreg_vm *vm, const struct idreg_model *m,
		     struct idreg_apply_result *res);

/*
 * @m becomes what QEMU writes for it on @vm's host
 * (idreg_qemu_effective_model() against the VM's own values): what `idreg
 * apply` and `idreg vm-save` write.  0, or -1 with the reason, after
 * @what, in vm->last_error.
 */
int idreg_host_qemu_writes(struct idreg_vm *vm, struct idreg_model *m, const char *what);

#endif /* IDREGS_HOST_H */
