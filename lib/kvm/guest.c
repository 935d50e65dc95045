// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest runner: a memslot with a vector table and a program, a bounded
 * KVM_RUN loop that collects the values the guest stores to MMIO.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "idregs/field.h"
#include "idregs/guest.h"
#include "idregs/util.h"

#define CORE_REG(name)	(KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | \
			 KVM_REG_ARM_CORE_REG(name))
#define REG_VBAR_EL1	ARM64_SYS_REG(3, 0, 12, 0, 0)
#define REG_ESR_EL1	ARM64_SYS_REG(3, 0, 5, 2, 0)
#define REG_VBAR_EL2	ARM64_SYS_REG(3, 4, 12, 0, 0)
#define REG_ESR_EL2	ARM64_SYS_REG(3, 4, 5, 2, 0)

/* EL1h (EL2h), D, A, I and F masked: the reset state, restored before each run. */
#define PSTATE_EL1H_DAIF	0x3c5ULL
#define PSTATE_EL2H_DAIF	0x3c9ULL
/* AArch32 SVC mode, A, I and F masked: an AArch32 EL1 vCPU's reset state. */
#define PSTATE_A32_SVC_AIF	0x1d3ULL
#define INSN_A32_STR_R0_R2	0xe5820000U	/* str r0, [r2] */
#define INSN_A32_B_SELF		0xeafffffeU	/* b . */

/*
 * The vector of a synchronous exception from the current EL with SP_ELx
 * (EL1h, or EL2h for a vCPU with EL2, which starts at vEL2).
 */
#define VECTOR_SYNC_EL1H	4
#define NR_VECTORS		16
#define VECTOR_STRIDE		0x80

#define INSN_MRS_ESR_EL1	0xd5385200U	/* mrs x0, esr_el1 */
#define INSN_MRS_ELR_EL1	0xd5384020U	/* mrs x0, elr_el1 */
#define INSN_MSR_ELR_EL1	0xd5184020U	/* msr elr_el1, x0 */
/* op1 4: the EL2 registers (whatever HCR_EL2.E2H says) */
#define INSN_MRS_ESR_EL2	0xd53c5200U	/* mrs x0, esr_el2 */
#define INSN_MRS_ELR_EL2	0xd53c4020U	/* mrs x0, elr_el2 */
#define INSN_MSR_ELR_EL2	0xd51c4020U	/* msr elr_el2, x0 */
#define INSN_ADD_X0_8		0x91002000U	/* add x0, x0, #8 */
#define INSN_ERET		0xd69f03e0U

/* Exits beyond one per step: the "done" store and some spurious ones. */
#define EXIT_SLACK		64

uint32_t idreg_insn_mrs_id(unsigned int op1, unsigned int crm, unsigned int op2,
			   unsigned int rt)
{
	return 0xd5380000U | op1 << 16 | crm << 8 | op2 << 5 | rt;
}

uint32_t idreg_insn_str(unsigned int rt, unsigned int rn, unsigned int imm)
{
	return 0xf9000000U | (imm / 8) << 10 | rn << 5 | rt;
}

/* Does the guest run at vEL2 (a vCPU with KVM_ARM_VCPU_HAS_EL2)? */
static bool guest_at_el2(const struct idreg_vm *vm)
{
	return vm->features & IDREG_VCPU_EL2;
}

/* The vectors, with the exception registers of the EL the guest runs at. */
static void write_vectors(uint32_t *v, bool el2)
{
	unsigned int i;

	for (i = 0; i < NR_VECTORS; i++) {
		uint32_t *e = v + i * VECTOR_STRIDE / 4;

		e[0] = el2 ? INSN_MRS_ESR_EL2 : INSN_MRS_ESR_EL1;
		e[1] = idreg_insn_str(0, 3, 8 * i);
		if (i != VECTOR_SYNC_EL1H) {
			/* The host ends the run on this store. */
			e[2] = IDREG_INSN_B_SELF;
			continue;
		}
		/* Resume after the step's "mrs; str" pair. */
		e[2] = el2 ? INSN_MRS_ELR_EL2 : INSN_MRS_ELR_EL1;
		e[3] = INSN_ADD_X0_8;
		e[4] = el2 ? INSN_MSR_ELR_EL2 : INSN_MSR_ELR_EL1;
		e[5] = INSN_ERET;
	}
}

int idreg_guest_init(struct idreg_guest *g, struct idreg_vm *vm)
{
	struct kvm_userspace_memory_region region;
	void *mem;

	memset(g, 0, sizeof(*g));
	g->vm = vm;
	mem = mmap(NULL, IDREG_GUEST_MEM_SIZE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return idreg_vm_fail(vm, errno, "mmap guest memory");
	memset(&region, 0, sizeof(region));
	region.slot = 0;
	region.guest_phys_addr = IDREG_GUEST_MEM_GPA;
	region.memory_size = IDREG_GUEST_MEM_SIZE;
	region.userspace_addr = (uint64_t)(uintptr_t)mem;
	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &region)) {
		int err = errno;

		munmap(mem, IDREG_GUEST_MEM_SIZE);
		return idreg_vm_fail(vm, err, "KVM_SET_USER_MEMORY_REGION 0x%llx+0x%lx",
				     IDREG_GUEST_MEM_GPA, IDREG_GUEST_MEM_SIZE);
	}
	g->mem = mem;
	write_vectors(mem, guest_at_el2(vm));
	g->code = (uint32_t *)((char *)mem + IDREG_GUEST_CODE_OFFSET);
	g->max_insns = (IDREG_GUEST_MEM_SIZE - IDREG_GUEST_CODE_OFFSET) / 4;
	return 0;
}

void idreg_guest_free(struct idreg_guest *g)
{
	/* The memslot goes with the VM; only the backing is ours. */
	if (g->mem)
		munmap(g->mem, IDREG_GUEST_MEM_SIZE);
	g->mem = NULL;
	g->code = NULL;
}

void idreg_guest_reset_program(struct idreg_guest *g)
{
	g->nr_insns = 0;
}

int idreg_guest_emit(struct idreg_guest *g, uint32_t insn)
{
	if (g->nr_insns >= g->max_insns)
		return idreg_vm_fail(g->vm, ENOSPC, "guest program: more than %u instructions",
			    g->max_insns);
	g->code[g->nr_insns++] = insn;
	return 0;
}

int idreg_guest_emit_read_slot(struct idreg_guest *g, unsigned int slot)
{
	struct idreg_encoding e;

	if (idreg_slot_encoding(slot, &e))
		return idreg_vm_fail(g->vm, EINVAL, "no ID register slot %u", slot);
	return idreg_guest_emit(g, idreg_insn_mrs_id(e.op1, e.crm, e.op2, 0)) ?:
	       idreg_guest_emit(g, idreg_insn_str(0, 1, 0));
}

int idreg_guest_emit_done(struct idreg_guest *g)
{
	return idreg_guest_emit(g, idreg_insn_str(31, 2, 0)) ?:
	       idreg_guest_emit(g, IDREG_INSN_B_SELF);
}

int idreg_guest_emit_done_a32(struct idreg_guest *g)
{
	return idreg_guest_emit(g, INSN_A32_STR_R0_R2) ?:
	       idreg_guest_emit(g, INSN_A32_B_SELF);
}

static int vcpu_reg(struct idreg_vm *vm, int vcpu, unsigned long req, uint64_t id,
		    uint64_t *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)val };

	return ioctl(vm->vcpu_fd[vcpu], req, &reg) ? -errno : 0;
}

static uint64_t start_pstate(const struct idreg_vm *vm)
{
	if (vm->features & IDREG_VCPU_AARCH32)
		return PSTATE_A32_SVC_AIF;
	return guest_at_el2(vm) ? PSTATE_EL2H_DAIF : PSTATE_EL1H_DAIF;
}

/*
 * A vCPU with EL2 starts at vEL2, as KVM resets it (EL2h): the guest runs
 * there, with its vectors in VBAR_EL2.  The ID registers read the same.
 */
static int set_start_state(struct idreg_guest *g, int vcpu)
{
	bool el2 = guest_at_el2(g->vm);
	const struct { uint64_t id, val; const char *name; } regs[] = {
		{ CORE_REG(regs.pc), IDREG_GUEST_MEM_GPA + IDREG_GUEST_CODE_OFFSET, "PC" },
		{ CORE_REG(regs.pstate), start_pstate(g->vm), "PSTATE" },
		{ CORE_REG(regs.regs[1]), IDREG_GUEST_DATA_GPA, "x1" },
		{ CORE_REG(regs.regs[2]), IDREG_GUEST_DONE_GPA, "x2" },
		{ CORE_REG(regs.regs[3]), IDREG_GUEST_EXC_GPA, "x3" },
		{ el2 ? REG_VBAR_EL2 : REG_VBAR_EL1, IDREG_GUEST_MEM_GPA,
		  el2 ? "VBAR_EL2" : "VBAR_EL1" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(regs); i++) {
		uint64_t val = regs[i].val;
		int r = vcpu_reg(g->vm, vcpu, KVM_SET_ONE_REG, regs[i].id, &val);

		if (r)
			return idreg_vm_fail(g->vm, -r, "KVM_SET_ONE_REG %s = 0x%llx on vcpu %d",
					     regs[i].name, (unsigned long long)val, vcpu);
	}
	return 0;
}

/*
 * The wall-time bound: a timer signal sets immediate_exit, so that a
 * KVM_RUN entered after the signal returns at once instead of waiting for
 * a guest that never exits; the signal itself kicks a vCPU already inside.
 */
static struct kvm_run *volatile watched_run;
static volatile sig_atomic_t timer_fired;

static void on_timer(int sig)
{
	(void)sig;
	timer_fired = 1;
	if (watched_run)
		watched_run->immediate_exit = 1;
}

struct watchdog {
	timer_t timer;
	struct sigaction old;
	bool armed;
};

static int watchdog_arm(struct watchdog *w, struct idreg_vm *vm, struct kvm_run *run,
			unsigned int ms)
{
	struct sigevent sev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM };
	struct itimerspec its = {
		.it_value = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L },
	};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_timer;	/* no SA_RESTART: KVM_RUN must return */
	sigemptyset(&sa.sa_mask);
	timer_fired = 0;
	watched_run = run;
	if (sigaction(SIGALRM, &sa, &w->old))
		return idreg_vm_fail(vm, errno, "sigaction SIGALRM");
	if (timer_create(CLOCK_MONOTONIC, &sev, &w->timer)) {
		int err = errno;

		sigaction(SIGALRM, &w->old, NULL);
		return idreg_vm_fail(vm, err, "timer_create");
	}
	if (timer_settime(w->timer, 0, &its, NULL)) {
		int err = errno;

		timer_delete(w->timer);
		sigaction(SIGALRM, &w->old, NULL);
		return idreg_vm_fail(vm, err, "timer_settime");
	}
	w->armed = true;
	return 0;
}

static void watchdog_disarm(struct watchdog *w, struct kvm_run *run)
{
	if (!w->armed)
		return;
	timer_delete(w->timer);
	sigaction(SIGALRM, &w->old, NULL);
	watched_run = NULL;
	run->immediate_exit = 0;
	w->armed = false;
}

static const char *exit_reason_name(uint32_t reason)
{
	switch (reason) {
	case KVM_EXIT_UNKNOWN: return "UNKNOWN";
	case KVM_EXIT_MMIO: return "MMIO";
	case KVM_EXIT_INTR: return "INTR";
	case KVM_EXIT_FAIL_ENTRY: return "FAIL_ENTRY";
	case KVM_EXIT_INTERNAL_ERROR: return "INTERNAL_ERROR";
	case KVM_EXIT_SYSTEM_EVENT: return "SYSTEM_EVENT";
	case KVM_EXIT_ARM_NISV: return "ARM_NISV";
	case KVM_EXIT_HYPERCALL: return "HYPERCALL";
	case KVM_EXIT_DEBUG: return "DEBUG";
	default: return "?";
	}
}

/* "PC 0x.. ESR_EL1 0x..": where the guest was, for failure messages. */
static void describe_guest(struct idreg_vm *vm, int vcpu, char *buf, size_t size)
{
	bool el2 = guest_at_el2(vm);
	uint64_t pc = 0, esr = 0;
	int rpc = vcpu_reg(vm, vcpu, KVM_GET_ONE_REG, CORE_REG(regs.pc), &pc);
	int resr = vcpu_reg(vm, vcpu, KVM_GET_ONE_REG, el2 ? REG_ESR_EL2 : REG_ESR_EL1, &esr);

	snprintf(buf, size, "PC 0x%llx%s, ESR_EL%d 0x%llx%s",
		 (unsigned long long)pc, rpc ? " (unreadable)" : "", el2 ? 2 : 1,
		 (unsigned long long)esr, resr ? " (unreadable)" : "");
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

/* Handle one MMIO exit: 1 to go on, 0 when done, or a negative errno. */
static int handle_mmio(struct idreg_guest *g, int vcpu, struct kvm_run *run,
		       struct idreg_guest_result *res)
{
	uint64_t addr = run->mmio.phys_addr, data = 0;
	unsigned int n = res->nr_steps;
	char where[96];

	memcpy(&data, run->mmio.data, run->mmio.len < 8 ? run->mmio.len : 8);
	if (run->mmio.is_write && addr == IDREG_GUEST_DONE_GPA) {
		res->done = true;
		return 0;
	}
	if (run->mmio.is_write && (addr == IDREG_GUEST_DATA_GPA ||
				   addr == IDREG_GUEST_EXC_GPA + 8 * VECTOR_SYNC_EL1H)) {
		if (n >= IDREG_GUEST_MAX_STEPS)
			return idreg_vm_fail(g->vm, ENOSPC, "guest reported more than %u values",
				    IDREG_GUEST_MAX_STEPS);
		res->trapped[n] = addr != IDREG_GUEST_DATA_GPA;
		if (res->trapped[n])
			res->esr[n] = data;
		else
			res->value[n] = data;
		res->nr_steps++;
		return 1;
	}
	describe_guest(g->vm, vcpu, where, sizeof(where));
	if (run->mmio.is_write && addr >= IDREG_GUEST_EXC_GPA &&
	    addr < IDREG_GUEST_EXC_GPA + 8 * NR_VECTORS)
		return idreg_vm_fail(g->vm, EFAULT,
			    "guest on vcpu %d took exception vector 0x%llx, ESR 0x%llx, after %u values (%s)",
			    vcpu, (unsigned long long)(addr - IDREG_GUEST_EXC_GPA) / 8 * VECTOR_STRIDE,
			    (unsigned long long)data, n, where);
	return idreg_vm_fail(g->vm, EIO, "guest on vcpu %d: unexpected MMIO %s of %u bytes at 0x%llx (%s)",
		    vcpu, run->mmio.is_write ? "write" : "read", run->mmio.len,
		    (unsigned long long)addr, where);
}

static int run_loop(struct idreg_guest *g, int vcpu, struct kvm_run *run,
		    unsigned int max_exits, unsigned int timeout_ms,
		    struct idreg_guest_result *res)
{
	char where[96];
	int r;

	for (;;) {
		if (res->exits >= max_exits) {
			describe_guest(g->vm, vcpu, where, sizeof(where));
			return idreg_vm_fail(g->vm, ELOOP,
				    "guest on vcpu %d: %u exits without finishing (bound %u), %u values (%s)",
				    vcpu, res->exits, max_exits, res->nr_steps, where);
		}
		r = ioctl(g->vm->vcpu_fd[vcpu], KVM_RUN, 0);
		if (r && errno == EINTR && timer_fired) {
			describe_guest(g->vm, vcpu, where, sizeof(where));
			return idreg_vm_fail(g->vm, ETIMEDOUT,
				    "guest on vcpu %d stalled: stopped after %u ms, %u exits, %u values (%s)",
				    vcpu, timeout_ms, res->exits, res->nr_steps, where);
		}
		if (r && errno == EINTR)
			continue;
		if (r) {
			int err = errno;

			describe_guest(g->vm, vcpu, where, sizeof(where));
			return idreg_vm_fail(g->vm, err, "KVM_RUN vcpu %d (%s)", vcpu, where);
		}
		res->exits++;
		if (run->exit_reason == KVM_EXIT_MMIO) {
			r = handle_mmio(g, vcpu, run, res);
			if (r <= 0)
				return r;
			continue;
		}
		describe_guest(g->vm, vcpu, where, sizeof(where));
		if (run->exit_reason == KVM_EXIT_FAIL_ENTRY)
			return idreg_vm_fail(g->vm, EIO, "guest on vcpu %d: exit FAIL_ENTRY, reason 0x%llx (%s)",
				    vcpu,
				    (unsigned long long)run->fail_entry.hardware_entry_failure_reason,
				    where);
		return idreg_vm_fail(g->vm, EIO, "guest on vcpu %d: unexpected exit reason %u (%s) (%s)",
			    vcpu, run->exit_reason, exit_reason_name(run->exit_reason), where);
	}
}

/*
 * A vCPU that ran before stopped at an MMIO exit (the "done" store): the
 * next KVM_RUN first completes that access and steps the PC past it
 * (kvm_handle_mmio_return()), which would skip the first instruction of
 * the program set_start_state() starts.  KVM_RUN with immediate_exit
 * completes it without running the guest (KVM's API: -EINTR).
 */
static int complete_pending_mmio(struct idreg_guest *g, int vcpu, struct kvm_run *run)
{
	int r;

	if (run->exit_reason != KVM_EXIT_MMIO)
		return 0;
	run->immediate_exit = 1;
	r = ioctl(g->vm->vcpu_fd[vcpu], KVM_RUN, 0);
	run->immediate_exit = 0;
	if (r && errno != EINTR)
		return idreg_vm_fail(g->vm, errno, "KVM_RUN vcpu %d to complete its last MMIO exit",
				     vcpu);
	return 0;
}

int idreg_guest_run(struct idreg_guest *g, int vcpu, const struct idreg_guest_limits *lim,
		    struct idreg_guest_result *res)
{
	unsigned int timeout_ms = lim && lim->timeout_ms ? lim->timeout_ms : IDREG_GUEST_TIMEOUT_MS;
	unsigned int max_exits = lim && lim->max_exits ? lim->max_exits :
				 g->nr_insns + EXIT_SLACK;
	struct kvm_run *run;
	struct watchdog w = { .armed = false };
	struct timespec t0;
	int r;

	memset(res, 0, sizeof(*res));
	if (vcpu < 0 || vcpu >= g->vm->nr_vcpus)
		return idreg_vm_fail(g->vm, EINVAL, "vcpu %d does not exist", vcpu);
	run = g->vm->vcpu_run[vcpu];
	r = idreg_vm_prepare_run(g->vm) ?: complete_pending_mmio(g, vcpu, run) ?:
	    set_start_state(g, vcpu);
	if (r)
		return r;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	r = watchdog_arm(&w, g->vm, run, timeout_ms);
	if (!r)
		r = run_loop(g, vcpu, run, max_exits, timeout_ms, res);
	watchdog_disarm(&w, run);
	res->seconds = seconds_since(&t0);
	idreg_kvm_count_run(res->seconds);
	return r;
}

unsigned int idreg_guest_readable_slots(struct idreg_vm *vm, int vcpu,
					unsigned int slots[IDREG_NR_SLOTS])
{
	unsigned int slot, n = 0;
	uint64_t val;

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		if (idreg_reg_by_slot(slot) && !idreg_get_slot(vm, vcpu, slot, &val))
			slots[n++] = slot;
	vm->last_error[0] = 0;
	return n;
}

int idreg_guest_emit_read_slots(struct idreg_guest *g, const unsigned int *slots, unsigned int nr)
{
	unsigned int i;
	int r = 0;

	for (i = 0; i < nr && !r; i++)
		r = idreg_guest_emit_read_slot(g, slots[i]);
	return r;
}

void idreg_guest_view_fill(struct idreg_guest_view *view, const struct idreg_guest_result *res,
			   const unsigned int *slots, unsigned int nr)
{
	unsigned int i;

	memset(view, 0, sizeof(*view));
	for (i = 0; i < res->nr_steps && i < nr; i++) {
		unsigned int slot = slots[i];

		view->trapped[slot] = res->trapped[i];
		view->read[slot] = !res->trapped[i];
		view->val[slot] = res->value[i];
		view->esr[slot] = res->esr[i];
	}
	view->exits = res->exits;
	view->seconds = res->seconds;
}

int idreg_guest_read_slots(struct idreg_guest *g, int vcpu, const unsigned int *slots,
			   unsigned int nr, const struct idreg_guest_limits *lim,
			   struct idreg_guest_view *view)
{
	static struct idreg_guest_result res;
	int r;

	memset(view, 0, sizeof(*view));
	idreg_guest_reset_program(g);
	r = idreg_guest_emit_read_slots(g, slots, nr) ?: idreg_guest_emit_done(g);
	if (r)
		return r;
	r = idreg_guest_run(g, vcpu, lim, &res);
	idreg_guest_view_fill(view, &res, slots, nr);
	if (!r && res.nr_steps != nr)
		r = idreg_vm_fail(g->vm, EPROTO, "guest on vcpu %d reported %u values for %u registers",
			 vcpu, res.nr_steps, nr);
	return r;
}
