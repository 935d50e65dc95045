// SPDX-License-Identifier: GPL-2.0-only
/* The stateful explorer on KVM: see idregs/explore.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "idregs/explore.h"
#include "idregs/field.h"
#include "idregs/kernel_log.h"
#include "idregs/kvm_rules.h"
#include "idregs/vcpu_state.h"
#include "idregs/vm_state.h"

/* The features an "init ... other" toggles. */
#define OTHER_FEATURES		IDREG_VCPU_PMU
/* A guest that does not finish its reads in this long has hung. */
#define GUEST_TIMEOUT_MS	5000

static const char *const bad_words[] = { IDREG_KERNEL_BAD_WORDS };

/*
 * The kernel log since the last look: the first bad record into @why
 * (true), nothing (false).  /dev/kmsg gives one record per read().
 */
static bool kmsg_bad(struct idreg_explorer *x, char *why, size_t size)
{
	char rec[1024];
	bool bad = false;
	ssize_t n;
	unsigned int i;

	if (x->kmsg_fd < 0)
		return false;
	for (;;) {
		n = read(x->kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* records overwritten: read on */
		if (n <= 0)
			break;
		rec[n] = 0;
		rec[strcspn(rec, "\n")] = 0;
		for (i = 0; !bad && i < ARRAY_SIZE(bad_words); i++) {
			const char *msg = strchr(rec, ';');

			if (strstr(msg ? msg + 1 : rec, bad_words[i])) {
				snprintf(why, size, "kernel log: %.300s", msg ? msg + 1 : rec);
				bad = true;
			}
		}
	}
	return bad;
}

/*
 * The host after a step: the taint and the kernel log unchanged.  Both
 * are read to their end every time, so that what a failing step left
 * behind (a step that disagreed is not looked at further) is not blamed
 * on the next sequence's first step.
 */
static bool host_clean(struct idreg_explorer *x, char *why, size_t size)
{
	unsigned long taint = idreg_kernel_taint(), was = x->taint;

	x->taint = taint;
	if (kmsg_bad(x, why, size))
		return false;
	if (taint != was) {
		snprintf(why, size, "the kernel's taint went from %lu to %lu (/proc/sys/kernel/tainted)",
			 was, taint);
		return false;
	}
	return true;
}

/*
 * The host PMU's perf type, what KVM_ARM_VCPU_PMU_V3_SET_PMU takes: the
 * first /sys/bus/event_source/devices/armv8* (the arm_pmu drivers' names)
 * with a type; -1 when there is none.
 */
static int host_pmu_id(void)
{
	static const char dir_path[] = "/sys/bus/event_source/devices";
	DIR *dir = opendir(dir_path);
	struct dirent *e;
	int id = -1;

	while (dir && id < 0 && (e = readdir(dir))) {
		char path[320], buf[32];
		FILE *f;

		if (strncmp(e->d_name, "armv8", 5))
			continue;
		snprintf(path, sizeof(path), "%s/%s/type", dir_path, e->d_name);
		f = fopen(path, "r");
		if (f && fgets(buf, sizeof(buf), f))
			id = atoi(buf);
		if (f)
			fclose(f);
	}
	if (dir)
		closedir(dir);
	return id;
}

/*
 * The defaults of each configuration a VM's first KVM_ARM_VCPU_INIT can
 * fix (idregs/sequence.h), from a VM of its own where the host offers it
 * (idreg_vm_open(): its capabilities, features, SVE finalized, the PMU
 * initialised); left not valid (not predicted) where it does not.
 */
static void read_configs(struct idreg_explorer *x, unsigned int offered)
{
	static uint64_t mask[IDREG_NR_SLOTS];
	unsigned int i;

	for (i = 1; i < IDREG_SEQ_NR_CFGS; i++) {
		struct idreg_seq_cfg *c = &x->d.cfg[i];
		struct idreg_vcpu_config cfg = {
			.name = "explorer",
			.features = (i & IDREG_SEQ_CFG_PMU ? IDREG_VCPU_PMU : 0) |
				    (i & IDREG_SEQ_CFG_SVE ? IDREG_VCPU_SVE : 0) |
				    (i & IDREG_SEQ_CFG_MTE ? IDREG_VCPU_MTE : 0),
		};
		struct idreg_vm vm;

		if ((cfg.features & offered) != cfg.features)
			continue;
		c->valid = !idreg_vm_open(&vm, &cfg, 0) &&
			   !idreg_vm_read_all(&vm, mask, c->limit, c->readable) &&
			   !idreg_vm_traits(&vm, c->limit, x->release, &c->traits);
		idreg_vm_destroy(&vm);
	}
}

int idreg_explorer_open(struct idreg_explorer *x, char *err)
{
	unsigned int offered;
	struct idreg_vm probe;
	int r;

	memset(x, 0, sizeof(*x));
	x->kmsg_fd = -1;
	idreg_kernel_release(x->release, sizeof(x->release));
	r = idreg_vm_open(&probe, NULL, 0);
	r = r ?: idreg_vm_read_all(&probe, x->d.mask, x->d.limit, x->d.readable);
	r = r ?: idreg_vm_traits(&probe, x->d.limit, x->release, &x->d.traits);
	if (r) {
		snprintf(err, IDREG_ERR_LEN, "a VM of the default vCPU: %s", probe.last_error);
		idreg_vm_destroy(&probe);
		return r < 0 ? r : -ENODEV;
	}
	offered = idreg_vcpu_features_offered(&probe);
	x->d.other_offered = (offered & OTHER_FEATURES) != 0;
	x->d.sve_offered = (offered & IDREG_VCPU_SVE) != 0;
	x->d.imp_id_offered = idreg_kvm_check_cap(&probe, KVM_CAP_ARM_WRITABLE_IMP_ID_REGS) > 0;
	x->d.mte_offered = idreg_kvm_check_cap(&probe, KVM_CAP_ARM_MTE) > 0;
	x->d.vgic_offered = (idreg_vgic_offered(&probe) & (1U << 3)) != 0;
	x->d.pmu_id = host_pmu_id();
	read_configs(x, offered);
	idreg_vm_destroy(&probe);
	x->kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (x->kmsg_fd < 0)
		x->kmsg_why = strerror(errno);
	else
		lseek(x->kmsg_fd, 0, SEEK_END);
	x->taint = idreg_kernel_taint();
	return 0;
}

void idreg_explorer_close(struct idreg_explorer *x)
{
	if (x->kmsg_fd >= 0)
		close(x->kmsg_fd);
	x->kmsg_fd = -1;
}

static void destroy_vms(struct idreg_explorer *x)
{
	unsigned int i;

	for (i = 0; i < x->m.nr_vms; i++) {
		if (x->guest_ready[i])
			idreg_guest_free(&x->guest[i]);
		x->guest_ready[i] = false;
		idreg_vm_destroy(&x->vm[i]);
	}
}

/* A VM's guest memory, mapped at its first run or save. */
static int guest_of(struct idreg_explorer *x, unsigned int v)
{
	int r;

	if (x->guest_ready[v])
		return 0;
	r = idreg_guest_init(&x->guest[v], &x->vm[v]);
	x->guest_ready[v] = !r;
	return r;
}

/* The guest of a run step: it reads what the sequence changed, and ID_AA64PFR0_EL1. */
static int run_guest(struct idreg_explorer *x, const struct idreg_step *s,
		     struct idreg_guest_view *view)
{
	static const struct idreg_guest_limits lim = { .timeout_ms = GUEST_TIMEOUT_MS };
	const struct idreg_seq_vm *v = &x->m.vm[s->vm];
	unsigned int slots[IDREG_NR_SLOTS], nr = 0, slot, pfr0 = idreg_slot_index(3, 0, 0, 4, 0);
	int r;

	r = guest_of(x, s->vm);
	if (r)
		return r;
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		if (slot == pfr0 || (x->d.readable[slot] && idreg_seq_guest_compares(slot) &&
				     (v->val[slot] != x->d.limit[slot] ||
				      (idreg_is_clidr_slot(slot) &&
				       v->vcpu[s->vcpu].clidr != x->d.limit[slot]))))
			slots[nr++] = slot;
	return idreg_guest_read_slots(&x->guest[s->vm], s->vcpu, slots, nr, &lim, view);
}

/*
 * Save VM @s->vm as idregs' own VMM does and restore it into the next
 * VM; @detail says what was refused.
 */
static int save_restore(struct idreg_explorer *x, const struct idreg_step *s, char *detail,
			size_t size)
{
	static struct idreg_vm_state state;
	static struct idreg_restore_result res;
	unsigned int to = x->m.nr_vms, i;
	char name[64];
	int r = guest_of(x, s->vm) ?: idreg_vm_state_save(&x->vm[s->vm], &x->guest[s->vm], &state);

	if (r) {
		snprintf(detail, size, "save: %s", x->vm[s->vm].last_error);
		return r;
	}
	r = idreg_vm_state_restore(&x->vm[to], &x->guest[to], &state, NULL, &res);
	x->guest_ready[to] = x->guest[to].mem != NULL;
	snprintf(detail, size, "%s", x->vm[to].last_error);
	for (i = 0; i < res.nr_refused && i < 4; i++) {
		size_t len = strlen(detail);

		snprintf(detail + len, size - len, "; %s of vcpu %u = 0x%llx: %d",
			 idreg_kvm_reg_name(res.refused[i].id, name, sizeof(name)),
			 res.refused[i].vcpu, (unsigned long long)res.refused[i].value,
			 res.refused[i].err);
	}
	idreg_vm_state_free(&state);
	return r;
}

/* An ioctl's answer: 0 or -errno. */
static int ioctl_r(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) ? -errno : 0;
}

/* The PMU's attribute of a pmu step on vCPU fd @fd; GET's value into @value. */
static int pmu_attr(const struct idreg_explorer *x, int fd, unsigned int op, uint64_t *value)
{
	static const uint64_t attr_of[IDREG_NR_PMU_OPS] = {
		[IDREG_PMU_HAS] = KVM_ARM_VCPU_PMU_V3_INIT,
		[IDREG_PMU_IRQ] = KVM_ARM_VCPU_PMU_V3_IRQ,
		[IDREG_PMU_GET_IRQ] = KVM_ARM_VCPU_PMU_V3_IRQ,
		[IDREG_PMU_FILTER] = KVM_ARM_VCPU_PMU_V3_FILTER,
		[IDREG_PMU_SET_PMU] = KVM_ARM_VCPU_PMU_V3_SET_PMU,
		[IDREG_PMU_INIT] = KVM_ARM_VCPU_PMU_V3_INIT,
	};
	/* allow event 0 (SW_INCR): a filter every PMU version takes */
	struct kvm_pmu_event_filter filter = {
		.base_event = 0, .nevents = 1, .action = KVM_PMU_EVENT_ALLOW,
	};
	int irq = IDREG_SEQ_PMU_IRQ, pmu_id = x->d.pmu_id, got = 0, r;
	struct kvm_device_attr a = { .group = KVM_ARM_VCPU_PMU_V3_CTRL, .attr = attr_of[op] };

	if (op == IDREG_PMU_IRQ)
		a.addr = (uint64_t)(uintptr_t)&irq;
	else if (op == IDREG_PMU_GET_IRQ)
		a.addr = (uint64_t)(uintptr_t)&got;
	else if (op == IDREG_PMU_FILTER)
		a.addr = (uint64_t)(uintptr_t)&filter;
	else if (op == IDREG_PMU_SET_PMU)
		a.addr = (uint64_t)(uintptr_t)&pmu_id;
	if (op == IDREG_PMU_HAS)
		return ioctl_r(fd, KVM_HAS_DEVICE_ATTR, &a);
	if (op != IDREG_PMU_GET_IRQ)
		return ioctl_r(fd, KVM_SET_DEVICE_ATTR, &a);
	r = ioctl_r(fd, KVM_GET_DEVICE_ATTR, &a);
	*value = (uint64_t)got;
	return r;
}

/* KVM_SET_ONE_REG of KVM_REG_ARM64_SVE_VLS with what it reads (zeros where it reads nothing). */
static int set_sve_vls(int fd)
{
	uint64_t words[KVM_ARM64_SVE_VLS_WORDS] = { 0 };
	struct kvm_one_reg reg = { .id = KVM_REG_ARM64_SVE_VLS, .addr = (uint64_t)(uintptr_t)words };

	ioctl(fd, KVM_GET_ONE_REG, &reg);
	return ioctl_r(fd, KVM_SET_ONE_REG, &reg);
}

/*
 * A vgic step: the first creation as idregs' VMs make it (a GICv3 with
 * its addresses, idreg_vm_add_vgic()), a second one bare (the device
 * closed again if KVM made it); the init its KVM_DEV_ARM_VGIC_CTRL_INIT.
 */
static int vgic_step(struct idreg_vm *vm, unsigned int op)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	struct kvm_device_attr init = {
		.group = KVM_DEV_ARM_VGIC_GRP_CTRL, .attr = KVM_DEV_ARM_VGIC_CTRL_INIT,
	};
	int r;

	if (op == IDREG_VGIC_INIT) {
		r = ioctl_r(vm->vgic_fd, KVM_SET_DEVICE_ATTR, &init);
		vm->vgic_ready |= !r;
		return r;
	}
	if (vm->vgic_fd < 0)
		return idreg_vm_add_vgic(vm, 3);
	r = ioctl_r(vm->vm_fd, KVM_CREATE_DEVICE, &dev);
	if (!r)
		close(dev.fd);
	return r;
}

/* Do step @s on KVM; its answer into @a. */
static void do_step(struct idreg_explorer *x, const struct idreg_step *s,
		    struct idreg_step_answer *a, struct idreg_guest_view *view,
		    uint64_t masks[IDREG_NR_SLOTS])
{
	static char detail[512];
	struct idreg_vm *vm = &x->vm[s->vm];

	memset(a, 0, sizeof(*a));
	switch (s->kind) {
	case IDREG_STEP_VM:
		vm = &x->vm[x->m.nr_vms];
		a->r = idreg_vm_create(vm);
		break;
	case IDREG_STEP_VCPU:
		a->r = idreg_vcpu_create(vm);
		break;
	case IDREG_STEP_INIT:
		a->r = idreg_vcpu_init_with(vm, s->vcpu, (s->other ? OTHER_FEATURES : 0) |
					    (s->sve ? IDREG_VCPU_SVE : 0));
		break;
	case IDREG_STEP_FINALIZE: {
		int what = KVM_ARM_VCPU_SVE;

		a->r = ioctl_r(vm->vcpu_fd[s->vcpu], KVM_ARM_VCPU_FINALIZE, &what);
		break;
	}
	case IDREG_STEP_VLS:
		a->r = set_sve_vls(vm->vcpu_fd[s->vcpu]);
		break;
	case IDREG_STEP_PMU:
		a->r = pmu_attr(x, vm->vcpu_fd[s->vcpu], s->op, &a->value);
		break;
	case IDREG_STEP_VGIC:
		a->r = vgic_step(vm, s->op);
		break;
	case IDREG_STEP_SET:
		idreg_get_slot(vm, s->vcpu, s->slot, &a->before);
		a->r = idreg_set_slot(vm, s->vcpu, s->slot, idreg_seq_set_value(s, a->before));
		idreg_get_slot(vm, s->vcpu, s->slot, &a->back);
		break;
	case IDREG_STEP_GET:
		a->r = idreg_get_slot(vm, s->vcpu, s->slot, &a->value);
		break;
	case IDREG_STEP_RUN:
		a->r = run_guest(x, s, view);
		a->guest_val = view->val;
		a->guest_read = view->read;
		a->guest_done = !a->r;
		break;
	case IDREG_STEP_CAP:
		a->r = idreg_vm_enable_cap(vm, s->op == IDREG_CAP_MTE ? KVM_CAP_ARM_MTE :
					   KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, 0);
		break;
	case IDREG_STEP_SAVE:
		detail[0] = 0;
		a->r = save_restore(x, s, detail, sizeof(detail));
		a->detail = detail;
		break;
	case IDREG_STEP_MASKS:
		memset(masks, 0, IDREG_NR_SLOTS * sizeof(masks[0]));
		a->r = idreg_get_writable_masks(vm, masks);
		a->masks = masks;
		break;
	default:
		a->r = -EINVAL;
	}
}

static void trace_step(FILE *trace, unsigned int i, const struct idreg_step *s,
		       const struct idreg_step_answer *a, bool valid, bool ok)
{
	char line[128];

	if (!trace)
		return;
	idreg_step_format(line, sizeof(line), s);
	if (!valid) {
		fprintf(trace, "step %u: %s: skipped (names what the sequence has not created)\n",
			i, line);
		return;
	}
	fprintf(trace, "step %u: %s: %d%s", i, line, a->r, a->r ? "" : " (success)");
	if (s->kind == IDREG_STEP_GET && !a->r)
		fprintf(trace, ", reads 0x%016llx", (unsigned long long)a->value);
	if (s->kind == IDREG_STEP_SET)
		fprintf(trace, ", reads 0x%016llx after", (unsigned long long)a->back);
	fprintf(trace, "%s\n", ok ? "" : ": DISAGREES");
}

bool idreg_explorer_run(struct idreg_explorer *x, const struct idreg_seq *s, FILE *trace)
{
	static struct idreg_guest_view view;
	static uint64_t masks[IDREG_NR_SLOTS];
	char why[IDREG_SEQ_WHY_LEN + 384], host[384], line[128];
	struct idreg_step_answer a;
	bool ok = true;
	unsigned int i;

	idreg_seq_model_init(&x->m, &x->d);
	host_clean(x, why, sizeof(why));	/* what came before is not ours */
	for (i = 0; ok && i < s->nr; i++) {
		const struct idreg_step *st = &s->step[i];
		bool valid = idreg_seq_step_valid(&x->m, st);

		x->steps++;
		if (!valid) {
			x->skipped++;
			trace_step(trace, i, st, NULL, false, true);
			continue;
		}
		x->kind[st->kind]++;
		do_step(x, st, &a, &view, masks);
		ok = idreg_seq_check_step(&x->m, st, &a, why);
		trace_step(trace, i, st, &a, true, ok);
		if (ok) {
			ok = host_clean(x, why, sizeof(why));
		} else if (!host_clean(x, host, sizeof(host))) {
			size_t len = strlen(why);

			snprintf(why + len, sizeof(why) - len, "; and %s", host);
		}
		if (!ok) {
			x->failed_at = i;
			idreg_step_format(line, sizeof(line), st);
			snprintf(x->why, sizeof(x->why), "step %u (%s): %s", i, line, why);
		}
	}
	destroy_vms(x);
	return ok;
}

static bool still_fails(const struct idreg_seq *s, void *ctx, unsigned int *failed_at)
{
	struct idreg_explorer *x = ctx;

	if (idreg_explorer_run(x, s, NULL))
		return false;
	*failed_at = x->failed_at;
	return true;
}

void idreg_explorer_shrink(struct idreg_explorer *x, struct idreg_seq *s,
			   unsigned int failed_at, unsigned int budget)
{
	char why[sizeof(x->why) - 128];
	unsigned int at;

	snprintf(why, sizeof(why), "%.*s", (int)sizeof(why) - 1, x->why);
	if (failed_at + 1 < s->nr)
		s->nr = failed_at + 1;
	/*
	 * A kernel warning that warns once per boot (WARN_ONCE(),
	 * KVM_BUG_ON()) does not fail again: the sequence stays whole.
	 */
	if (!still_fails(s, x, &at)) {
		snprintf(x->why, sizeof(x->why), "%s (not shrunk: it did not fail again in this boot, as a warning given once per boot would not)",
			 why);
		return;
	}
	idreg_seq_shrink(s, at, still_fails, x, budget);
	/* The shrunk sequence's own failure is the one to report. */
	if (!idreg_explorer_run(x, s, NULL))
		return;
	snprintf(why, sizeof(why), "%.*s", (int)sizeof(why) - 1, x->why);
	snprintf(x->why, sizeof(x->why), "%s (the shrunk sequence passed again: flaky)", why);
}
