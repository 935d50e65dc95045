// SPDX-License-Identifier: GPL-2.0-only
/*
 * A VM's complete state out of KVM/arm64 and into a new VM (save and
 * restore, idregs/vcpu_state.h), and the migration guest that checks it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "idregs/field.h"
#include "idregs/guest.h"
#include "idregs/kvm.h"
#include "idregs/util.h"
#include "idregs/vcpu_state.h"
#include "idregs/vm_state.h"

#define CORE_REG(name)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(name))
#define REG_VBAR_EL1	ARM64_SYS_REG(3, 0, 12, 0, 0)
#define PSTATE_EL1H_DAIF	0x3c5ULL

_Static_assert(IDREG_KVM_REG_SVE_VLS == KVM_REG_ARM64_SVE_VLS, "the portable VLS id is KVM's");
_Static_assert(IDREG_KVM_REG_TIMER_CNT == KVM_REG_ARM_TIMER_CNT, "the portable counter id is KVM's");

/* Instruction words of the migration guest. */
#define INSN_ADD_X5_1		0x910004a5U	/* add x5, x5, #1 */
#define INSN_CMP_X5(imm)	(0xf10000bfU | (imm) << 10)	/* cmp x5, #imm */
#define INSN_B_LO_BACK2		(0x54000003U | (0x7fffeU << 5))	/* b.lo . - 8 */
#define INSN_ISB		0xd5033fdfU
#define INSN_MRS_CNTVCT		0xd53be040U	/* mrs x0, cntvct_el0 */
#define GUEST_X_BEFORE		4		/* x4: the "before" area */
#define GUEST_X_AFTER		6		/* x6: the "after" area */

/* Bound on exits and wall time for each leg of the guest. */
#define MIG_MAX_EXITS		64
#define MIG_TIMEOUT_S		10

const char *idreg_kvm_reg_name(uint64_t id, char *buf, size_t size)
{
	static const struct { uint64_t id; const char *name; } named[] = {
		{ KVM_REG_ARM_TIMER_CTL, "CNTV_CTL_EL0" },
		{ KVM_REG_ARM_TIMER_CVAL, "CNTV_CVAL_EL0" },
		{ KVM_REG_ARM_TIMER_CNT, "CNTVCT_EL0" },
		{ KVM_REG_ARM_PTIMER_CTL, "CNTP_CTL_EL0" },
		{ KVM_REG_ARM_PTIMER_CVAL, "CNTP_CVAL_EL0" },
		{ KVM_REG_ARM_PTIMER_CNT, "CNTPCT_EL0" },
	};
	unsigned int op1, crm, op2, i;
	int slot;

	if (idreg_kvm_reg_is_id(id, &op1, &crm, &op2)) {
		slot = idreg_slot_index(3, op1, 0, crm, op2);
		if (slot >= 0)
			return idreg_slot_name(slot, buf, size);
	}
	for (i = 0; i < ARRAY_SIZE(named); i++)
		if (named[i].id == id) {
			snprintf(buf, size, "%s", named[i].name);
			return buf;
		}
	return idreg_kvm_reg_describe(id, buf, size);
}

static int one_reg(struct idreg_vm *vm, int vcpu, unsigned long req, uint64_t id, void *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)val };

	return ioctl(vm->vcpu_fd[vcpu], req, &reg) ? -errno : 0;
}

/* The wall-time bound of a leg: the signal makes KVM_RUN return. */
static struct kvm_run *volatile timed_run;
static volatile sig_atomic_t timed_out;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	if (timed_run)
		timed_run->immediate_exit = 1;
}

/*
 * Run vCPU 0 to its next store to the data or done address: 1 with @data
 * for a data store (the store is still pending: KVM completes it on the
 * next KVM_RUN), 0 for done, or a negative errno.
 */
static int run_to_store(struct idreg_guest *g, uint64_t *data)
{
	struct kvm_run *run = g->vm->vcpu_run[0];
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	unsigned int exits;
	int r = 0;

	sigemptyset(&sa.sa_mask);
	timed_out = 0;
	timed_run = run;
	sigaction(SIGALRM, &sa, &old);
	alarm(MIG_TIMEOUT_S);
	for (exits = 0; exits < MIG_MAX_EXITS; exits++) {
		if (ioctl(g->vm->vcpu_fd[0], KVM_RUN, 0)) {
			if (errno == EINTR && !timed_out)
				continue;
			r = timed_out ? idreg_vm_fail(g->vm, ETIMEDOUT, "migration guest: no exit in %d s",
						      MIG_TIMEOUT_S) :
				idreg_vm_fail(g->vm, errno, "KVM_RUN");
			break;
		}
		if (run->exit_reason != KVM_EXIT_MMIO || !run->mmio.is_write) {
			r = idreg_vm_fail(g->vm, EIO, "migration guest: exit reason %u", run->exit_reason);
			break;
		}
		if (run->mmio.phys_addr == IDREG_GUEST_DONE_GPA)
			break;
		if (run->mmio.phys_addr != IDREG_GUEST_DATA_GPA) {
			r = idreg_vm_fail(g->vm, EFAULT,
					  "migration guest: store to 0x%llx (an exception: see idregs/guest.h)",
					  (unsigned long long)run->mmio.phys_addr);
			break;
		}
		*data = 0;
		memcpy(data, run->mmio.data, run->mmio.len < 8 ? run->mmio.len : 8);
		r = 1;
		break;
	}
	if (exits == MIG_MAX_EXITS)
		r = idreg_vm_fail(g->vm, ELOOP, "migration guest: %d exits without a store", MIG_MAX_EXITS);
	alarm(0);
	sigaction(SIGALRM, &old, NULL);
	timed_run = NULL;
	run->immediate_exit = 0;
	return r;
}

static int emit_reads(struct idreg_guest *g, const unsigned int *slots, unsigned int nr,
		      unsigned int area_reg)
{
	struct idreg_encoding e;
	unsigned int i;
	int r = 0;

	for (i = 0; i < nr && !r; i++) {
		if (idreg_slot_encoding(slots[i], &e))
			return idreg_vm_fail(g->vm, EINVAL, "no ID register slot %u", slots[i]);
		r = idreg_guest_emit(g, idreg_insn_mrs_id(e.op1, e.crm, e.op2, 0)) ?:
		    idreg_guest_emit(g, idreg_insn_str(0, area_reg, 8 * i));
	}
	/* The virtual counter after them, in order with the reads. */
	return r ?: idreg_guest_emit(g, INSN_ISB) ?:
	       idreg_guest_emit(g, INSN_MRS_CNTVCT) ?:
	       idreg_guest_emit(g, idreg_insn_str(0, area_reg, 8 * nr));
}

static int emit_count_to(struct idreg_guest *g, unsigned int to)
{
	return idreg_guest_emit(g, INSN_ADD_X5_1) ?:
	       idreg_guest_emit(g, INSN_CMP_X5(to)) ?:
	       idreg_guest_emit(g, INSN_B_LO_BACK2) ?:
	       idreg_guest_emit(g, idreg_insn_str(5, 1, 0));
}

static int set_start(struct idreg_guest *g)
{
	const struct { uint64_t id, val; } regs[] = {
		{ CORE_REG(regs.pc), IDREG_GUEST_MEM_GPA + IDREG_GUEST_CODE_OFFSET },
		{ CORE_REG(regs.pstate), PSTATE_EL1H_DAIF },
		{ CORE_REG(regs.regs[1]), IDREG_GUEST_DATA_GPA },
		{ CORE_REG(regs.regs[2]), IDREG_GUEST_DONE_GPA },
		{ CORE_REG(regs.regs[3]), IDREG_GUEST_EXC_GPA },
		{ CORE_REG(regs.regs[GUEST_X_BEFORE]), IDREG_GUEST_MEM_GPA + IDREG_MIG_AREA_BEFORE },
		{ CORE_REG(regs.regs[5]), 0 },
		{ CORE_REG(regs.regs[GUEST_X_AFTER]), IDREG_GUEST_MEM_GPA + IDREG_MIG_AREA_AFTER },
		{ REG_VBAR_EL1, IDREG_GUEST_MEM_GPA },
	};
	char name[64];
	unsigned int i;
	int r;

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		uint64_t v = regs[i].val;

		r = one_reg(g->vm, 0, KVM_SET_ONE_REG, regs[i].id, &v);
		if (r)
			return idreg_vm_fail(g->vm, -r, "KVM_SET_ONE_REG %s = 0x%llx",
					     idreg_kvm_reg_name(regs[i].id, name, sizeof(name)),
					     (unsigned long long)v);
	}
	return 0;
}

int idreg_mig_guest_start(struct idreg_guest *g, const unsigned int *slots, unsigned int nr,
			  uint64_t *counter)
{
	int r;

	if (g->vm->features & (IDREG_VCPU_EL2 | IDREG_VCPU_AARCH32 | IDREG_VCPU_MTE))
		return idreg_vm_fail(g->vm, EOPNOTSUPP,
				     "the migration guest runs at AArch64 EL1 without MTE tags to carry");
	if (8 * (nr + 1) > IDREG_MIG_AREA_AFTER - IDREG_MIG_AREA_BEFORE)
		return idreg_vm_fail(g->vm, ENOSPC, "%u registers: more than an area holds", nr);
	idreg_guest_reset_program(g);
	r = emit_reads(g, slots, nr, GUEST_X_BEFORE) ?:
	    emit_count_to(g, IDREG_MIG_COUNT_SNAPSHOT) ?:
	    emit_reads(g, slots, nr, GUEST_X_AFTER) ?:
	    emit_count_to(g, IDREG_MIG_COUNT_DONE) ?:
	    idreg_guest_emit_done(g) ?:
	    idreg_vm_prepare_run(g->vm) ?:
	    set_start(g);
	if (r)
		return r;
	r = run_to_store(g, counter);
	if (r == 0)
		return idreg_vm_fail(g->vm, EPROTO, "migration guest ended before its snapshot store");
	return r < 0 ? r : 0;
}

int idreg_mig_guest_finish(struct idreg_guest *g, uint64_t *counter)
{
	uint64_t done;
	int r = run_to_store(g, counter);

	if (r == 0)
		return idreg_vm_fail(g->vm, EPROTO, "migration guest ended without its second store");
	if (r < 0)
		return r;
	r = run_to_store(g, &done);
	if (r > 0)
		return idreg_vm_fail(g->vm, EPROTO, "migration guest stored again instead of ending");
	return r;
}

/*
 * KVM completes a pending MMIO store on KVM_RUN, before immediate_exit ends
 * it.  Only then: a vCPU's first KVM_RUN, even one that exits at once,
 * makes the VM one that has run (its ID registers final and frozen), and a
 * save must not change the VM it saves.
 */
static int complete_pending(struct idreg_vm *vm, int vcpu)
{
	struct kvm_run *run = vm->vcpu_run[vcpu];
	int r;

	if (run->exit_reason != KVM_EXIT_MMIO)
		return 0;
	run->immediate_exit = 1;
	r = ioctl(vm->vcpu_fd[vcpu], KVM_RUN, 0);
	run->immediate_exit = 0;
	if (!r || errno != EINTR)
		return idreg_vm_fail(vm, r ? errno : EPROTO,
				     "KVM_RUN with immediate_exit on vcpu %d (to complete the pending MMIO)",
				     vcpu);
	return 0;
}

/* KVM_GET_REG_LIST of @vcpu, malloc'ed into *@list. */
static int reg_list(struct idreg_vm *vm, int vcpu, struct kvm_reg_list **list)
{
	struct kvm_reg_list probe = { .n = 0 }, *l;

	if (!ioctl(vm->vcpu_fd[vcpu], KVM_GET_REG_LIST, &probe) || errno != E2BIG)
		return idreg_vm_fail(vm, errno ?: EPROTO, "KVM_GET_REG_LIST (size) on vcpu %d", vcpu);
	l = malloc(sizeof(*l) + probe.n * sizeof(l->reg[0]));
	if (!l)
		return idreg_vm_fail(vm, ENOMEM, "KVM_GET_REG_LIST: %llu registers",
				     (unsigned long long)probe.n);
	l->n = probe.n;
	if (ioctl(vm->vcpu_fd[vcpu], KVM_GET_REG_LIST, l)) {
		int err = errno;

		free(l);
		return idreg_vm_fail(vm, err, "KVM_GET_REG_LIST on vcpu %d", vcpu);
	}
	*list = l;
	return 0;
}

int idreg_vcpu_reg_list(struct idreg_vm *vm, int vcpu, uint64_t **ids, unsigned int *nr)
{
	struct kvm_reg_list *l = NULL;
	int r = reg_list(vm, vcpu, &l);

	if (r)
		return r;
	*ids = malloc((l->n ? l->n : 1) * sizeof(**ids));
	if (!*ids) {
		r = idreg_vm_fail(vm, ENOMEM, "KVM_GET_REG_LIST: %llu registers",
				  (unsigned long long)l->n);
		free(l);
		return r;
	}
	memcpy(*ids, l->reg, l->n * sizeof(**ids));
	*nr = l->n;
	free(l);
	return 0;
}

int idreg_vcpu_one_reg(struct idreg_vm *vm, int vcpu, bool set, uint64_t id, void *val)
{
	return one_reg(vm, vcpu, set ? KVM_SET_ONE_REG : KVM_GET_ONE_REG, id, val);
}

static int save_vcpu(struct idreg_vm *vm, int vcpu, struct idreg_vm_state *s)
{
	uint8_t val[IDREG_VM_STATE_MAX_REG_BYTES];
	struct kvm_reg_list *l = NULL;
	char name[64];
	uint64_t i;
	int r = reg_list(vm, vcpu, &l);

	for (i = 0; !r && i < l->n; i++) {
		memset(val, 0, sizeof(val));
		if (!idreg_kvm_reg_size(l->reg[i])) {
			r = idreg_vm_fail(vm, E2BIG, "register 0x%016llx: larger than %d bytes",
					  (unsigned long long)l->reg[i], IDREG_VM_STATE_MAX_REG_BYTES);
			break;
		}
		r = one_reg(vm, vcpu, KVM_GET_ONE_REG, l->reg[i], val);
		if (r)
			r = idreg_vm_fail(vm, -r, "KVM_GET_ONE_REG %s on vcpu %d",
					  idreg_kvm_reg_name(l->reg[i], name, sizeof(name)), vcpu);
		else if (idreg_vm_state_add_reg(s, vcpu, l->reg[i], val))
			r = idreg_vm_fail(vm, ENOMEM, "saving register %llu", (unsigned long long)i);
	}
	free(l);
	return r;
}

int idreg_vm_state_save(struct idreg_vm *vm, const struct idreg_guest *g,
			struct idreg_vm_state *s)
{
	int vcpu, r = 0;

	idreg_vm_state_init(s);
	s->features = vm->features;
	s->imp_id = vm->imp_id_on;
	s->vgic = vm->vgic_fd < 0 ? 0 : vm->vgic_v2 ? 2 : 3;
	s->nr_vcpus = vm->nr_vcpus;
	s->mem_gpa = IDREG_GUEST_MEM_GPA;
	s->mem_size = IDREG_GUEST_MEM_SIZE;
	for (vcpu = 0; vcpu < vm->nr_vcpus && !r; vcpu++)
		r = complete_pending(vm, vcpu) ?: save_vcpu(vm, vcpu, s);
	if (!r) {
		s->mem = malloc(s->mem_size);
		if (!s->mem)
			r = idreg_vm_fail(vm, ENOMEM, "saving guest memory");
		else
			memcpy(s->mem, g->mem, s->mem_size);
	}
	if (r)
		idreg_vm_state_free(s);
	return r;
}

/* The restore's passes, in KVM's order. */
enum pass { PASS_ID, PASS_FIRMWARE, PASS_SVE_VLS, PASS_REST, NR_PASSES };

static enum pass pass_of(uint64_t id)
{
	unsigned int class = idreg_kvm_reg_class(id);

	if (idreg_kvm_reg_is_id(id, NULL, NULL, NULL))
		return PASS_ID;
	if (class == IDREG_KVM_FW || class == IDREG_KVM_FW_FEAT_BMAP)
		return PASS_FIRMWARE;
	if (id == KVM_REG_ARM64_SVE_VLS)
		return PASS_SVE_VLS;
	return PASS_REST;
}

static void refuse(struct idreg_vm *vm, const struct idreg_vm_state_reg *reg, int err,
		   struct idreg_restore_result *res)
{
	struct idreg_restore_refusal *f;
	uint8_t now[IDREG_VM_STATE_MAX_REG_BYTES] = { 0 };
	unsigned int i;

	if (res->nr_refused == IDREG_RESTORE_MAX_REFUSALS) {
		res->nr_lost++;
		return;
	}
	f = &res->refused[res->nr_refused++];
	f->id = reg->id;
	f->vcpu = reg->vcpu;
	f->err = err;
	f->value = idreg_vm_state_u64(reg);
	f->now_known = !one_reg(vm, reg->vcpu, KVM_GET_ONE_REG, reg->id, now);
	f->now = 0;
	for (i = 0; f->now_known && i < 8 && i < idreg_kvm_reg_size(reg->id); i++)
		f->now |= (uint64_t)now[i] << (8 * i);
}

/*
 * The vector lengths cannot change once the vCPU is finalized (KVM:
 * EPERM), and idreg_vm_open() finalizes it: the same lengths are fine.
 */
static int restore_sve_vls(struct idreg_vm *vm, const struct idreg_vm_state_reg *reg)
{
	uint8_t now[IDREG_VM_STATE_MAX_REG_BYTES] = { 0 };
	int r = one_reg(vm, reg->vcpu, KVM_GET_ONE_REG, reg->id, now);

	if (r)
		return r;
	return memcmp(now, reg->val, idreg_kvm_reg_size(reg->id)) ? -EPERM : 0;
}

static bool counter_reg(uint64_t id)
{
	return id == KVM_REG_ARM_TIMER_CNT || id == KVM_REG_ARM_PTIMER_CNT;
}

static void restore_pass(struct idreg_vm *vm, const struct idreg_vm_state *s, enum pass pass,
			 struct idreg_restore_result *res)
{
	const struct idreg_vm_state_reg *reg;
	uint8_t val[IDREG_VM_STATE_MAX_REG_BYTES];
	unsigned int i;
	int r;

	for (i = 0; i < s->nr_regs; i++) {
		reg = &s->regs[i];
		if (pass_of(reg->id) != pass || (res->counter_offset && counter_reg(reg->id)))
			continue;
		memcpy(val, reg->val, sizeof(val));
		if (pass == PASS_SVE_VLS)
			r = restore_sve_vls(vm, reg);
		else
			r = one_reg(vm, reg->vcpu, KVM_SET_ONE_REG, reg->id, val);
		if (r)
			refuse(vm, reg, -r, res);
		else
			res->nr_set++;
	}
}

/* Registers the new VM lists (once the ID registers are in) that @s lacks. */
static int count_extra(struct idreg_vm *vm, const struct idreg_vm_state *s,
		       struct idreg_restore_result *res)
{
	struct kvm_reg_list *l = NULL;
	int vcpu, r = 0;
	uint64_t i;

	for (vcpu = 0; vcpu < vm->nr_vcpus && !r; vcpu++) {
		r = reg_list(vm, vcpu, &l);
		for (i = 0; !r && i < l->n; i++)
			res->nr_extra += !idreg_vm_state_find(s, vcpu, l->reg[i]);
		free(l);
		l = NULL;
	}
	return r;
}

static uint64_t host_cntvct(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntvct_el0" : "=r"(v));
	return v;
}

/*
 * The guest's counter goes on from the saved CNTVCT_EL0: offset = the
 * host's counter now - the saved value, for the whole VM.
 */
static int restore_counter(struct idreg_vm *vm, const struct idreg_vm_state *s,
			   struct idreg_restore_result *res)
{
	const struct idreg_vm_state_reg *cnt = idreg_vm_state_find(s, 0, KVM_REG_ARM_TIMER_CNT);
	struct kvm_arm_counter_offset off = { 0 };

	if (!res->counter_offset)
		return 0;
	off.counter_offset = host_cntvct() - idreg_vm_state_u64(cnt);
	if (ioctl(vm->vm_fd, KVM_ARM_SET_COUNTER_OFFSET, &off))
		return idreg_vm_fail(vm, errno, "KVM_ARM_SET_COUNTER_OFFSET 0x%llx",
				     (unsigned long long)off.counter_offset);
	res->offset = off.counter_offset;
	return 0;
}

static int restore_memory(struct idreg_guest *g, const struct idreg_vm_state *s)
{
	if (s->mem_gpa != IDREG_GUEST_MEM_GPA || s->mem_size != IDREG_GUEST_MEM_SIZE)
		return idreg_vm_fail(g->vm, EINVAL,
				     "memory 0x%llx+0x%llx: this VMM has one slot, 0x%llx+0x%lx",
				     (unsigned long long)s->mem_gpa, (unsigned long long)s->mem_size,
				     IDREG_GUEST_MEM_GPA, IDREG_GUEST_MEM_SIZE);
	memcpy(g->mem, s->mem, s->mem_size);
	return 0;
}

int idreg_vm_state_restore(struct idreg_vm *vm, struct idreg_guest *g,
			   const struct idreg_vm_state *s, const struct idreg_vcpu_config *cfg,
			   struct idreg_restore_result *res)
{
	struct idreg_vcpu_config saved = { .name = "of the saved VM", .features = s->features };
	int pass, r;

	memset(res, 0, sizeof(*res));
	r = idreg_vm_open(vm, cfg ?: &saved, IDREG_VM_IMP_ID_IF_OFFERED);
	if (r)
		return r;
	while (!r && vm->nr_vcpus < (int)s->nr_vcpus)
		r = idreg_vcpu_add(vm);
	/* The GIC before the ID registers: creating it sets their GIC fields. */
	if (!r && s->vgic)
		r = idreg_vm_add_vgic(vm, s->vgic);
	r = r ?: idreg_guest_init(g, vm) ?: restore_memory(g, s);
	if (r)
		return r;
	res->counter_offset = idreg_kvm_check_cap(vm, KVM_CAP_COUNTER_OFFSET) > 0 &&
			      idreg_vm_state_find(s, 0, KVM_REG_ARM_TIMER_CNT);
	for (pass = 0; pass < NR_PASSES; pass++) {
		restore_pass(vm, s, pass, res);
		if (pass == PASS_ID && count_extra(vm, s, res))
			return -EIO;
	}
	if (res->nr_refused)
		return idreg_vm_fail(vm, EINVAL, "%u of %u registers refused", res->nr_refused,
				     s->nr_regs);
	return idreg_vm_prepare_run(vm) ?: restore_counter(vm, s, res);
}
