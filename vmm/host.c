// SPDX-License-Identifier: GPL-2.0-only
/*
 * Profiles and models on a real KVM/arm64 host.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/kvm.h>

#include "idregs/field.h"
#include "idregs/host.h"
#include "idregs/qemu.h"
#include "idregs/vcpu_state.h"
#include "idregs/vm_state.h"

/*
 * What QEMU's -M virt adds to the vCPU of -cpu host (configuration
 * qemu-host): the in-kernel GIC finalize_gic_version() picks for one vCPU
 * (v2 where KVM can create one, else v3), created after the vCPU as QEMU
 * does; EL2 configurations have their GICv3 already.  Also recorded: the
 * GICs KVM offers, the SVE vector lengths, CTR_EL0 and DCZID_EL0 as the
 * CPU gives them.
 */
static int qemu_machine(struct idreg_vm *vm, const struct idreg_vcpu_config *cfg,
			struct idreg_profile *p)
{
	int r = 0;

	p->gic_offered = idreg_vgic_offered(vm);
	p->gic_known = true;
	if (cfg && !strcmp(cfg->name, "qemu-host") && p->gic_offered)
		r = idreg_vm_add_vgic(vm, p->gic_offered & 1U << 2 ? 2 : 3);
	if (vm->vgic_fd >= 0)
		p->gic = vm->vgic_v2 ? 2 : 3;
	if (!r && (vm->features & IDREG_VCPU_SVE)) {
		r = idreg_sve_vls(vm, &p->sve_vls);
		p->sve_vls_known = !r;
	}
	p->hw_ctr = idreg_host_ctr_el0();
	p->hw_dczid = idreg_host_dczid_el0();
	p->hw_known = true;
	return r;
}

static uint64_t host_cntfrq_el0(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

/* The counters tick: their value says nothing about the host. */
static bool ticks(uint64_t id)
{
	return id == KVM_REG_ARM_TIMER_CNT || id == KVM_REG_ARM_PTIMER_CNT;
}

/*
 * The bits of firmware bitmap @r KVM lets userspace set: each tried
 * alone on the fresh VM (KVM takes any subset of the bits it implements
 * before the VM runs), then the default written back.
 */
static int probe_bitmap(struct idreg_vm *vm, struct idreg_profile_reg *r)
{
	uint64_t bit;
	unsigned int i;
	int err;

	r->writable = 0;
	for (i = 0; i < 64; i++) {
		bit = 1ULL << i;
		if (!idreg_vcpu_one_reg(vm, 0, true, r->id, &bit))
			r->writable |= 1ULL << i;
	}
	err = idreg_vcpu_one_reg(vm, 0, true, r->id, &r->value);
	if (err)
		return idreg_vm_fail(vm, -err, "KVM_SET_ONE_REG 0x%016llx: writing back 0x%llx",
				     (unsigned long long)r->id, (unsigned long long)r->value);
	r->has_writable = true;
	return 0;
}

static int read_kvm_reg(struct idreg_vm *vm, struct idreg_profile_reg *r)
{
	uint8_t val[IDREG_VM_STATE_MAX_REG_BYTES] = { 0 };
	size_t size = idreg_kvm_reg_size(r->id);
	char name[64];
	int err;

	if (!size)
		return idreg_vm_fail(vm, E2BIG, "register 0x%016llx: larger than %d bytes",
				     (unsigned long long)r->id, IDREG_VM_STATE_MAX_REG_BYTES);
	err = idreg_vcpu_one_reg(vm, 0, false, r->id, val);
	if (err)
		return idreg_vm_fail(vm, -err, "KVM_GET_ONE_REG %s",
				     idreg_kvm_reg_name(r->id, name, sizeof(name)));
	if (size > sizeof(r->value) || ticks(r->id))
		return 0;
	memcpy(&r->value, val, size);
	r->has_value = true;
	if (idreg_kvm_reg_class(r->id) == IDREG_KVM_FW_FEAT_BMAP)
		return probe_bitmap(vm, r);
	return 0;
}

/*
 * The rest of the vCPU: KVM_GET_REG_LIST outside the ID space, each
 * register's value, the bitmaps' writable bits; the counter's offset and
 * frequency.
 */
static int dump_kvm_regs(struct idreg_vm *vm, struct idreg_profile *p)
{
	unsigned int nr = 0, i;
	uint64_t *ids = NULL;
	int r = idreg_vcpu_reg_list(vm, 0, &ids, &nr);

	for (i = 0; !r && i < nr; i++) {
		if (idreg_kvm_reg_is_id(ids[i], NULL, NULL, NULL))
			continue;
		if (p->nr_kvm_regs == IDREG_PROFILE_MAX_KVM_REGS) {
			r = idreg_vm_fail(vm, E2BIG, "KVM_GET_REG_LIST: more than %d registers outside the ID space",
					  IDREG_PROFILE_MAX_KVM_REGS);
			break;
		}
		p->kvm_regs[p->nr_kvm_regs].id = ids[i];
		r = read_kvm_reg(vm, &p->kvm_regs[p->nr_kvm_regs]);
		p->nr_kvm_regs++;
	}
	free(ids);
	p->kvm_regs_known = !r;
	p->counter_offset = idreg_kvm_check_cap(vm, KVM_CAP_COUNTER_OFFSET) > 0;
	p->hw_cntfrq = host_cntfrq_el0();
	p->hw_cntfrq_known = true;
	return r;
}

int idreg_host_dump(struct idreg_profile *p, const struct idreg_vcpu_config *cfg, char *err)
{
	struct idreg_vm vm;
	int r;

	idreg_profile_init(p, "this host");
	idreg_kernel_release(p->release, sizeof(p->release));
	/*
	 * Without the capability: what a VMM that does not ask for it sees;
	 * PSCI 0.2 as QEMU asks for it (KVM_REG_ARM_PSCI_VERSION reads 0.1
	 * without).
	 */
	r = idreg_vm_open(&vm, cfg, IDREG_VM_PSCI_0_2);
	if (!r)
		r = qemu_machine(&vm, cfg, p);
	if (!r)
		r = idreg_vm_read_all(&vm, p->mask, p->value, p->readable);
	if (!r)
		r = dump_kvm_regs(&vm, p);
	if (r) {
		snprintf(err, IDREG_ERR_LEN, "%s", vm.last_error);
		idreg_vm_destroy(&vm);
		return r;
	}
	if (cfg)
		p->vcpu = cfg;
	p->features = vm.features;
	p->offered = idreg_vcpu_features_offered(&vm);
	p->offered_known = true;
	p->imp_id_cap = idreg_kvm_check_cap(&vm, KVM_CAP_ARM_WRITABLE_IMP_ID_REGS) > 0;
	p->midr = p->value[idreg_slot_index(3, 0, 0, 0, 0)];
	idreg_vm_destroy(&vm);
	return 0;
}

static int apply_failed(struct idreg_apply_result *res, int err, const char *prop,
		const char *msg)
{
	res->err = err;
	snprintf(res->prop, sizeof(res->prop), "%s", prop);
	snprintf(res->msg, sizeof(res->msg), "%s", msg);
	return err;
}

/*
 * The register as a whole was refused: find the first field, in the
 * register's own order, that KVM refuses alone.  Every accepted try is
 * undone by writing @cur back, which KVM always accepts before a run.
 */
static int blame_field(struct idreg_vm *vm, const struct idreg_model *m,
		       unsigned int slot, uint64_t cur, int whole,
		       struct idreg_apply_result *res)
{
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	char prop[128], msg[sizeof(res->msg)];
	const struct idreg_assign *a;
	unsigned int i;
	int r;

	for (i = 0; reg && i < reg->nr_fields; i++) {
		a = idreg_model_find(m, reg, &reg->fields[i]);
		if (!a)
			continue;
		idreg_assign_prop(a, prop, sizeof(prop));
		r = idreg_set_slot(vm, 0, slot, idreg_field_set(cur, a->field->lsb,
								 a->field->width,
								 a->value));
		if (r) {
			snprintf(msg, sizeof(msg), "%s=0x%" PRIx64 " refused by KVM: %s",
				 prop, a->value, vm->last_error);
			return apply_failed(res, r, prop, msg);
		}
		idreg_set_slot(vm, 0, slot, cur);
	}
	snprintf(msg, sizeof(msg), "%s: every field is accepted alone, the combination is not: %s",
		 reg ? reg->name : "register", vm->last_error);
	return apply_failed(res, whole, "", msg);
}

static int apply_slot(struct idreg_vm *vm, const struct idreg_model *m,
		      unsigned int slot, struct idreg_apply_result *res)
{
	uint64_t cur, val, touched, back;
	char msg[sizeof(res->msg)];
	int r;

	r = idreg_get_slot(vm, 0, slot, &cur);
	if (r)
		return apply_failed(res, r, "", vm->last_error);
	val = idreg_model_merge(m, slot, cur, &touched);
	r = idreg_set_slot(vm, 0, slot, val);
	if (r)
		return blame_field(vm, m, slot, cur, r, res);
	r = idreg_get_slot(vm, 0, slot, &back);
	if (r)
		return apply_failed(res, r, "", vm->last_error);
	if (back != val) {
		char buf[32];

		snprintf(msg, sizeof(msg), "%s: wrote 0x%016" PRIx64 ", KVM kept 0x%016" PRIx64,
			 idreg_slot_name(slot, buf, sizeof(buf)), val, back);
		return apply_failed(res, -EIO, "", msg);
	}
	res->nr_regs++;
	return 0;
}

int idreg_host_apply(struct idreg_vm *vm, const struct idreg_model *m,
		     struct idreg_apply_result *res)
{
	unsigned int slot;
	uint64_t touched;
	int r;

	memset(res, 0, sizeof(*res));
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		idreg_model_merge(m, slot, 0, &touched);
		if (!touched)
			continue;
		r = apply_slot(vm, m, slot, res);
		if (r)
			return r;
	}
	return 0;
}

int idreg_host_qemu_writes(struct idreg_vm *vm, struct idreg_model *m, const char *what)
{
	struct idreg_profile *p = calloc(1, sizeof(*p));
	struct idreg_model eff;
	int r;

	if (!p)
		return idreg_vm_fail(vm, ENOMEM, "%s: the VM's values", what);
	r = idreg_vm_read_all(vm, p->mask, p->value, p->readable);
	if (!r && idreg_qemu_effective_model(m, p, vm->features, &eff))
		r = idreg_vm_fail(vm, ENOMEM, "%s: the model QEMU writes", what);
	if (!r) {
		idreg_model_free(m);
		*m = eff;
	}
	free(p);
	return r;
}
