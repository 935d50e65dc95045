// SPDX-License-Identifier: GPL-2.0-only
/* The stateful explorer's portable core: see idregs/sequence.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idregs/field.h"
#include "idregs/sequence.h"
#include "idregs/util.h"

static const char *const kind_names[IDREG_NR_STEP_KINDS] = {
	[IDREG_STEP_VM] = "vm",
	[IDREG_STEP_VCPU] = "vcpu",
	[IDREG_STEP_INIT] = "init",
	[IDREG_STEP_SET] = "set",
	[IDREG_STEP_GET] = "get",
	[IDREG_STEP_RUN] = "run",
	[IDREG_STEP_MASKS] = "masks",
	[IDREG_STEP_CAP] = "cap",
	[IDREG_STEP_SAVE] = "save",
	[IDREG_STEP_FINALIZE] = "finalize",
	[IDREG_STEP_VLS] = "vls",
	[IDREG_STEP_PMU] = "pmu",
	[IDREG_STEP_VGIC] = "vgic",
};

static const char *const pmu_op_names[IDREG_NR_PMU_OPS] = {
	[IDREG_PMU_HAS] = "has", [IDREG_PMU_IRQ] = "irq", [IDREG_PMU_GET_IRQ] = "get-irq",
	[IDREG_PMU_FILTER] = "filter", [IDREG_PMU_SET_PMU] = "set-pmu", [IDREG_PMU_INIT] = "init",
};

static const char *const cap_names[IDREG_NR_CAPS] = {
	[IDREG_CAP_IMP_ID] = "imp-id", [IDREG_CAP_MTE] = "mte",
};

/* The index of @word in @names, or -1. */
static int name_index(const char *const *names, unsigned int nr, const char *word)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (!strcmp(names[i], word))
			return (int)i;
	return -1;
}

uint64_t idreg_seq_set_value(const struct idreg_step *s, uint64_t current)
{
	if (!s->field)
		return s->val;
	return idreg_field_set(current, s->field->lsb, s->field->width, s->val);
}

const char *idreg_step_kind_name(enum idreg_step_kind kind)
{
	return kind < IDREG_NR_STEP_KINDS ? kind_names[kind] : "?";
}

static unsigned int slot_of(unsigned int op1, unsigned int crm, unsigned int op2)
{
	return (unsigned int)idreg_slot_index(3, op1, 0, crm, op2);
}

/* The registers KVM keeps per vCPU (is_vm_ftr_id_reg() is false). */
static bool is_clidr(unsigned int slot)
{
	return idreg_is_clidr_slot(slot);
}

bool idreg_seq_guest_compares(unsigned int slot)
{
	return slot != slot_of(3, 0, 1) && slot != slot_of(3, 0, 7) && !idreg_is_mpidr_slot(slot);
}

/* ---- text ---- */

int idreg_step_format(char *buf, size_t size, const struct idreg_step *s)
{
	const char *kind = idreg_step_kind_name(s->kind);
	char name[32];

	switch (s->kind) {
	case IDREG_STEP_VM:
		return snprintf(buf, size, "%s", kind);
	case IDREG_STEP_VCPU:
	case IDREG_STEP_MASKS:
	case IDREG_STEP_SAVE:
		return snprintf(buf, size, "%s %u", kind, s->vm);
	case IDREG_STEP_CAP:
		return snprintf(buf, size, "%s %u %s", kind, s->vm,
				cap_names[s->op < IDREG_NR_CAPS ? s->op : 0]);
	case IDREG_STEP_VGIC:
		return snprintf(buf, size, "%s %u%s", kind, s->vm,
				s->op == IDREG_VGIC_INIT ? " init" : "");
	case IDREG_STEP_INIT:
		return snprintf(buf, size, "%s %u.%u%s%s", kind, s->vm, s->vcpu,
				s->other ? " other" : "", s->sve ? " sve" : "");
	case IDREG_STEP_PMU:
		return snprintf(buf, size, "%s %u.%u %s", kind, s->vm, s->vcpu,
				pmu_op_names[s->op < IDREG_NR_PMU_OPS ? s->op : 0]);
	case IDREG_STEP_SET:
		if (s->field)
			return snprintf(buf, size, "%s %u.%u %s.%s 0x%llx", kind, s->vm, s->vcpu,
					idreg_slot_name(s->slot, name, sizeof(name)),
					s->field->name, (unsigned long long)s->val);
		return snprintf(buf, size, "%s %u.%u %s 0x%016llx", kind, s->vm, s->vcpu,
				idreg_slot_name(s->slot, name, sizeof(name)),
				(unsigned long long)s->val);
	case IDREG_STEP_GET:
		return snprintf(buf, size, "%s %u.%u %s", kind, s->vm, s->vcpu,
				idreg_slot_name(s->slot, name, sizeof(name)));
	case IDREG_STEP_FINALIZE:
	case IDREG_STEP_VLS:
	case IDREG_STEP_RUN:
		return snprintf(buf, size, "%s %u.%u", kind, s->vm, s->vcpu);
	default:
		return snprintf(buf, size, "?");
	}
}

char *idreg_seq_format(const struct idreg_seq *s)
{
	size_t size = 64 + (size_t)s->nr * 80, len;
	char *buf = malloc(size);
	unsigned int i;

	if (!buf)
		return NULL;
	len = snprintf(buf, size, "%s %d\n", IDREG_SEQ_MAGIC, IDREG_SEQ_VERSION);
	for (i = 0; i < s->nr; i++) {
		len += idreg_step_format(buf + len, size - len, &s->step[i]);
		len += snprintf(buf + len, size - len, "\n");
	}
	return buf;
}

/* A register by table name or S3_<op1>_C0_C<crm>_<op2>: its slot, or -1. */
static int parse_slot(const char *name)
{
	const struct idreg_reg *reg = idreg_reg_by_name(name);
	unsigned int op1, crm, op2;
	char end;

	if (reg)
		return idreg_reg_slot(reg);
	if (sscanf(name, "S3_%u_C0_C%u_%u%c", &op1, &crm, &op2, &end) == 3)
		return idreg_slot_index(3, op1, 0, crm, op2);
	return -1;
}

__printf(3, 4)
static int parse_fail(char *err, unsigned int line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, IDREG_ERR_LEN, "line %u: ", line);

	va_start(ap, fmt);
	vsnprintf(err + n, IDREG_ERR_LEN - n, fmt, ap);
	va_end(ap);
	return -1;
}

/* One step's line (no comment, not blank) into @st; 0 or -1 with @err. */
static int parse_step(struct idreg_step *st, const char *line, unsigned int n, char *err)
{
	char kind[16], reg[64], extra[16], extra2[16], end;
	unsigned long long val;
	int k, slot, got;

	memset(st, 0, sizeof(*st));
	if (sscanf(line, "%15s", kind) != 1)
		return parse_fail(err, n, "no step");
	for (k = 0; k < IDREG_NR_STEP_KINDS; k++)
		if (!strcmp(kind, kind_names[k]))
			break;
	if (k == IDREG_NR_STEP_KINDS)
		return parse_fail(err, n, "unknown step '%s'", kind);
	st->kind = k;
	switch (st->kind) {
	case IDREG_STEP_VM:
		got = sscanf(line, "%15s %c", kind, &end) == 1;
		break;
	case IDREG_STEP_VCPU:
	case IDREG_STEP_MASKS:
	case IDREG_STEP_SAVE:
		got = sscanf(line, "%15s %u %c", kind, &st->vm, &end) == 2;
		break;
	case IDREG_STEP_CAP:
		got = sscanf(line, "%15s %u %15s %c", kind, &st->vm, extra, &end) == 3 &&
		      (k = name_index(cap_names, IDREG_NR_CAPS, extra)) >= 0;
		st->op = got ? k : 0;
		break;
	case IDREG_STEP_VGIC:
		k = sscanf(line, "%15s %u %15s %c", kind, &st->vm, extra, &end);
		got = k == 2 || (k == 3 && !strcmp(extra, "init"));
		st->op = k == 3 ? IDREG_VGIC_INIT : IDREG_VGIC_CREATE;
		break;
	case IDREG_STEP_PMU:
		got = sscanf(line, "%15s %u.%u %15s %c", kind, &st->vm, &st->vcpu, extra,
			     &end) == 4 &&
		      (k = name_index(pmu_op_names, IDREG_NR_PMU_OPS, extra)) >= 0;
		st->op = got ? k : 0;
		break;
	case IDREG_STEP_INIT:
		k = sscanf(line, "%15s %u.%u %15s %15s %c", kind, &st->vm, &st->vcpu, extra,
			   extra2, &end);
		st->other = k >= 4 && !strcmp(extra, "other");
		st->sve = (k == 4 && !strcmp(extra, "sve")) || (k == 5 && !strcmp(extra2, "sve"));
		got = k == 3 || (k == 4 && (st->other || st->sve)) ||
		      (k == 5 && st->other && st->sve);
		break;
	case IDREG_STEP_FINALIZE:
	case IDREG_STEP_VLS:
	case IDREG_STEP_RUN:
		got = sscanf(line, "%15s %u.%u %c", kind, &st->vm, &st->vcpu, &end) == 3;
		break;
	case IDREG_STEP_GET:
		got = sscanf(line, "%15s %u.%u %63s %c", kind, &st->vm, &st->vcpu, reg, &end) == 4;
		break;
	case IDREG_STEP_SET:
		got = sscanf(line, "%15s %u.%u %63s %llx %c", kind, &st->vm, &st->vcpu, reg,
			     &val, &end) == 5;
		st->val = val;
		break;
	default:
		got = 0;
	}
	if (!got)
		return parse_fail(err, n, "'%s' is not a %s step (see idregs/sequence.h)", line,
				  kind_names[st->kind]);
	if (st->kind == IDREG_STEP_GET || st->kind == IDREG_STEP_SET) {
		char *dot = st->kind == IDREG_STEP_SET ? strchr(reg, '.') : NULL;

		if (dot)
			*dot = 0;
		slot = parse_slot(reg);
		if (slot < 0)
			return parse_fail(err, n, "unknown ID register '%s'", reg);
		st->slot = slot;
		if (dot) {
			st->field = idreg_field_by_name(idreg_reg_by_slot(slot), dot + 1);
			if (!st->field)
				return parse_fail(err, n, "%s has no field '%s'", reg, dot + 1);
			if (st->val >> st->field->width)
				return parse_fail(err, n, "0x%llx does not fit %s.%s",
						  (unsigned long long)st->val, reg, dot + 1);
		}
	}
	return 0;
}

int idreg_seq_parse(struct idreg_seq *s, const char *text, char *err)
{
	char line[256];
	unsigned int n = 0, version;
	bool magic = false;
	const char *p = text;

	s->nr = 0;
	while (*p) {
		size_t len = strcspn(p, "\n");
		char *c;

		n++;
		if (len >= sizeof(line))
			return parse_fail(err, n, "line too long");
		memcpy(line, p, len);
		line[len] = 0;
		p += len + (p[len] == '\n');
		c = strchr(line, '#');
		if (c)
			*c = 0;
		if (strspn(line, " \t\r") == strlen(line))
			continue;
		if (!magic) {
			if (sscanf(line, IDREG_SEQ_MAGIC " %u", &version) != 1 ||
			    version != IDREG_SEQ_VERSION)
				return parse_fail(err, n, "not '%s %d'", IDREG_SEQ_MAGIC,
						  IDREG_SEQ_VERSION);
			magic = true;
			continue;
		}
		if (s->nr == IDREG_SEQ_MAX_STEPS)
			return parse_fail(err, n, "more than %d steps", IDREG_SEQ_MAX_STEPS);
		if (parse_step(&s->step[s->nr], line, n, err))
			return -1;
		s->nr++;
	}
	if (!magic)
		return parse_fail(err, n, "empty: no '%s %d' line", IDREG_SEQ_MAGIC,
				  IDREG_SEQ_VERSION);
	return 0;
}

/* ---- the model ---- */

void idreg_seq_model_init(struct idreg_seq_model *m, const struct idreg_seq_defaults *d)
{
	memset(m, 0, sizeof(*m));
	m->d = d;
}

/*
 * A VM to save: room for the new one, and every vCPU initialised with the
 * run's features (what the saved state's features say).
 */
static bool save_valid(const struct idreg_seq_model *m, const struct idreg_seq_vm *v)
{
	unsigned int c;

	/* idregs' VMM restores a vGIC into the new VM as it pleases: not modelled */
	if (m->nr_vms >= IDREG_SEQ_MAX_VMS || !v->nr_vcpus || v->other || v->sve || v->mte ||
	    v->vgic)
		return false;
	for (c = 0; c < v->nr_vcpus; c++)
		if (!v->vcpu[c].inited)
			return false;
	return true;
}

bool idreg_seq_step_valid(const struct idreg_seq_model *m, const struct idreg_step *s)
{
	if (s->kind == IDREG_STEP_VM)
		return m->nr_vms < IDREG_SEQ_MAX_VMS;
	if (s->vm >= m->nr_vms)
		return false;
	if (s->kind == IDREG_STEP_VCPU)
		return m->vm[s->vm].nr_vcpus < IDREG_SEQ_MAX_VCPUS;
	if (s->kind == IDREG_STEP_SAVE)
		return save_valid(m, &m->vm[s->vm]);
	if (s->kind == IDREG_STEP_MASKS)
		return true;
	if (s->kind == IDREG_STEP_CAP)
		return s->op < IDREG_NR_CAPS;
	/* The vGIC's init needs its device; the explorer makes GICv3 only where KVM has it. */
	if (s->kind == IDREG_STEP_VGIC)
		return s->op == IDREG_VGIC_CREATE ? m->d->vgic_offered : m->vm[s->vm].vgic;
	if (s->kind == IDREG_STEP_PMU && s->op >= IDREG_NR_PMU_OPS)
		return false;
	if (s->kind == IDREG_STEP_SET || s->kind == IDREG_STEP_GET)
		if (s->slot >= IDREG_NR_SLOTS)
			return false;
	return s->vcpu < m->vm[s->vm].nr_vcpus;
}

__printf(2, 3)
static bool disagree(char *why, const char *fmt, ...)
{
	va_list ap;

	if (why) {
		va_start(ap, fmt);
		vsnprintf(why, IDREG_SEQ_WHY_LEN, fmt, ap);
		va_end(ap);
	}
	return false;
}

static const char *err_name(int r)
{
	switch (r) {
	case 0: return "0 (success)";
	case -EINVAL: return "-22 (EINVAL)";
	case -EBUSY: return "-16 (EBUSY)";
	case -ENOEXEC: return "-8 (ENOEXEC)";
	case -ENOENT: return "-2 (ENOENT)";
	case -EIO: return "-5 (EIO)";
	case -EPERM: return "-1 (EPERM)";
	case -ENXIO: return "-6 (ENXIO)";
	case -ENODEV: return "-19 (ENODEV)";
	case -EEXIST: return "-17 (EEXIST)";
	default: return "an errno";
	}
}

/* The register's value as vCPU @c of @v reads it. */
static uint64_t *value_of(struct idreg_seq_vm *v, unsigned int c, unsigned int slot)
{
	return is_clidr(slot) ? &v->vcpu[c].clidr : &v->val[slot];
}

/*
 * The defaults a VM's ID registers start from: its configuration's once
 * its first KVM_ARM_VCPU_INIT fixed one other than the run's (a PMU, SVE,
 * MTE), where it was read; else the run's.
 */
static const uint64_t *vm_limit(const struct idreg_seq_model *m, const struct idreg_seq_vm *v)
{
	return v->features_set && v->cfg && m->d->cfg[v->cfg].valid ? m->d->cfg[v->cfg].limit :
		m->d->limit;
}

static const bool *vm_readable(const struct idreg_seq_model *m, const struct idreg_seq_vm *v)
{
	return v->features_set && v->cfg && m->d->cfg[v->cfg].valid ?
		m->d->cfg[v->cfg].readable : m->d->readable;
}

/*
 * A VM of a configuration whose defaults were not read (the host does
 * not offer it, or a caller without KVM gave none): what its ID registers
 * do is not predicted.  The answers of its other steps
 * (KVM_ARM_VCPU_FINALIZE, the PMU's attributes, the vGIC, the
 * capabilities, KVM_RUN's refusals) are.  An MTE VM whose vCPUs are not
 * initialised yet counts too (its registers cannot be read then anyway).
 */
static bool unmodelled(const struct idreg_seq_model *m, const struct idreg_seq_vm *v)
{
	unsigned int cfg = v->features_set ? v->cfg : v->mte ? IDREG_SEQ_CFG_MTE : 0;

	return cfg && !m->d->cfg[cfg].valid;
}

/*
 * The VM's vCPU features: KVM keeps them per VM from the first
 * KVM_ARM_VCPU_INIT on (kvm->arch.vcpu_features, which vcpu_has_feature()
 * reads), so kvm_vcpu_has_pmu() and vcpu_has_sve() are true even for a
 * vCPU of the VM not yet initialised.
 */
static bool vm_has_pmu(const struct idreg_seq_vm *v)
{
	return v->features_set && v->other;
}

static bool vm_has_sve(const struct idreg_seq_vm *v)
{
	return v->features_set && v->sve;
}

static bool step_vm(struct idreg_seq_model *m, const struct idreg_step_answer *a, char *why)
{
	struct idreg_seq_vm *v = &m->vm[m->nr_vms];

	if (a && a->r)
		return disagree(why, "KVM_CREATE_VM returned %d, want a VM", a->r);
	memset(v, 0, sizeof(*v));
	memcpy(v->val, m->d->limit, sizeof(v->val));
	v->traits = m->d->traits;
	m->nr_vms++;
	return true;
}

static bool step_vcpu(struct idreg_seq_model *m, const struct idreg_step *s,
		      const struct idreg_step_answer *a, char *why)
{
	struct idreg_seq_vm *v = &m->vm[s->vm];
	/* kvm_arch_vcpu_precreate(): none once the vGIC is initialised */
	int want = v->vgic_inited ? -EBUSY : 0;

	if (a && a->r != want)
		return disagree(why, "KVM_CREATE_VCPU %u returned %s, predicted %s (%s)", v->nr_vcpus,
				err_name(a->r), err_name(want),
				want ? "kvm_arch_vcpu_precreate(): the VM's vGIC is initialised" :
				"kvm_arch_vcpu_precreate(): no initialised vGIC, KVM takes vCPUs at any time");
	if (want)
		return true;
	memset(&v->vcpu[v->nr_vcpus], 0, sizeof(v->vcpu[0]));
	v->vcpu[v->nr_vcpus].clidr = vm_limit(m, v)[slot_of(1, 0, 1)];
	v->nr_vcpus++;
	return true;
}

/*
 * The VM's first KVM_ARM_VCPU_INIT fixes its configuration; its ID
 * registers are initialised then (kvm_reset_sys_regs() ->
 * reset_vm_ftr_id_reg(), KVM_ARCH_FLAG_ID_REGS_INITIALIZED) from the
 * sanitised values for it: the configuration's defaults, and its traits
 * (what was enabled on the VM kept).
 */
static void first_init(struct idreg_seq_model *m, struct idreg_seq_vm *v, const struct idreg_step *s)
{
	const struct idreg_seq_cfg *cfg;
	struct idreg_vm_traits t;
	unsigned int c;

	v->features_set = true;
	v->other = s->other;
	v->sve = s->sve;
	v->cfg = (s->other ? IDREG_SEQ_CFG_PMU : 0) | (s->sve ? IDREG_SEQ_CFG_SVE : 0) |
		 (v->mte ? IDREG_SEQ_CFG_MTE : 0);
	cfg = &m->d->cfg[v->cfg];
	if (!v->cfg || !cfg->valid)
		return;
	t = cfg->traits;
	t.imp_id_writable = v->traits.imp_id_writable;
	t.vgic_v3 = v->traits.vgic_v3;
	v->traits = t;
	memcpy(v->val, cfg->limit, sizeof(v->val));
	for (c = 0; c < v->nr_vcpus; c++)
		v->vcpu[c].clidr = cfg->limit[slot_of(1, 0, 1)];
}

/*
 * KVM_ARM_VCPU_INIT (kvm_vcpu_set_target()): features KVM does not offer
 * are refused; the VM's first initialisation fixes the features of all
 * its vCPUs, and a vCPU's first fixes its own: another set is refused
 * (EINVAL).  Again with the same features it is a reset that keeps the
 * ID registers (reset_vm_ftr_id_reg(), reset_vcpu_ftr_id_reg()).
 */
static bool step_init(struct idreg_seq_model *m, const struct idreg_step *s,
		      const struct idreg_step_answer *a, char *why)
{
	struct idreg_seq_vm *v = &m->vm[s->vm];
	struct idreg_seq_vcpu *c = &v->vcpu[s->vcpu];
	const char *rule = NULL;
	int want = 0;

	if (s->other && !m->d->other_offered) {
		want = -EINVAL;
		rule = "kvm_vcpu_init_check_features(): the PMU toggled is not offered";
	} else if (s->sve && !m->d->sve_offered) {
		want = -EINVAL;
		rule = "kvm_vcpu_init_check_features(): KVM_ARM_VCPU_SVE is not offered";
	} else if (v->features_set && (s->other != v->other || s->sve != v->sve)) {
		want = -EINVAL;
		rule = c->inited ? "kvm_vcpu_set_target(): a vCPU initialised again with other features" :
			"__kvm_vcpu_set_target(): the VM's vCPUs were initialised with other features";
	}
	if (a && a->r != want)
		return disagree(why, "KVM_ARM_VCPU_INIT returned %s, predicted %s%s%s", err_name(a->r),
				err_name(want), rule ? " by " : " (same features as the VM's)",
				rule ? rule : "");
	if (!want && !v->features_set)
		first_init(m, v, s);
	if (!want)
		c->inited = true;
	return true;
}

static bool step_get(struct idreg_seq_model *m, const struct idreg_step *s,
		     const struct idreg_step_answer *a, char *why)
{
	struct idreg_seq_vm *v = &m->vm[s->vm];
	int want = !v->vcpu[s->vcpu].inited ? -ENOEXEC : !vm_readable(m, v)[s->slot] ? -ENOENT : 0;
	uint64_t expect = *value_of(v, s->vcpu, s->slot);

	if (!a || unmodelled(m, v) || idreg_is_mpidr_slot(s->slot))
		return true;
	if (a->r != want)
		return disagree(why, "KVM_GET_ONE_REG returned %s, predicted %s%s", err_name(a->r),
				err_name(want), want == -ENOEXEC ? " (the vCPU is not initialised)" : "");
	if (!want && a->value != expect)
		return disagree(why, "reads 0x%016llx, the model holds 0x%016llx (%s)",
				(unsigned long long)a->value, (unsigned long long)expect,
				v->ran ? "the VM has run" : "before any run");
	return true;
}

/* Before the VM's first run: idreg_kvm_predict() and idreg_kvm_answer(). */
static bool set_before_run(struct idreg_seq_model *m, const struct idreg_step *s,
			   const struct idreg_step_answer *a, char *why)
{
	struct idreg_seq_vm *v = &m->vm[s->vm];
	uint64_t *cur = value_of(v, s->vcpu, s->slot);
	const struct idreg_reg *reg = idreg_reg_by_slot(s->slot);
	struct idreg_kvm_verdict verdict;
	enum idreg_write_effect e;

	e = idreg_kvm_predict(s->slot, reg, m->d->mask[s->slot], vm_limit(m, v)[s->slot],
			      idreg_seq_set_value(s, *cur), &v->traits, &verdict);
	if (!a) {
		if (e == IDREG_WRITE_STORED || e == IDREG_WRITE_ALTERED)
			*cur = verdict.stored;
		return true;
	}
	if (a->before != *cur)
		return disagree(why, "before the write the register reads 0x%016llx, the model holds 0x%016llx",
				(unsigned long long)a->before, (unsigned long long)*cur);
	if (idreg_kvm_answer(&v->traits, &verdict, a->before, a->r, a->back) ==
	    IDREG_ANSWER_MISMATCH)
		return disagree(why, "KVM returned %s and reads 0x%016llx; predicted %s%s by %s%s%s",
				err_name(a->r), (unsigned long long)a->back,
				e == IDREG_WRITE_REJECTED ? "refused" : "accepted",
				e == IDREG_WRITE_REJECTED ? "" : ", reading",
				verdict.path ? verdict.path : "?", verdict.why ? ": " : "",
				verdict.why ? verdict.why : "");
	*cur = a->back;
	return true;
}

/* After it: idreg_kvm_predict_after_run() (setters' checks, then the freeze). */
static bool set_after_run(struct idreg_seq_model *m, const struct idreg_step *s,
			  const struct idreg_step_answer *a, char *why)
{
	struct idreg_seq_vm *v = &m->vm[s->vm];
	uint64_t *cur = value_of(v, s->vcpu, s->slot);
	uint64_t val = idreg_seq_set_value(s, *cur), expect;
	int want = idreg_kvm_predict_after_run(s->slot, idreg_reg_by_slot(s->slot),
					       vm_limit(m, v)[s->slot], *cur, val, &v->traits);
	bool ok;

	if (!a) {
		if (!want && !idreg_slot_frozen_after_run(s->slot))
			*cur = val;
		return true;
	}
	if (a->before != *cur)
		return disagree(why, "before the write the register reads 0x%016llx, the model holds 0x%016llx (the VM has run)",
				(unsigned long long)a->before, (unsigned long long)*cur);
	if (want == IDREG_AFTER_RUN_UNKNOWN)
		ok = !a->r || a->r == -EINVAL || a->r == -EBUSY;
	else if (want == IDREG_AFTER_RUN_BETWEEN)
		ok = a->r == -EINVAL || a->r == -EBUSY;
	else
		ok = a->r == want;
	if (!ok)
		return disagree(why, "after the VM's first run KVM returned %s, predicted %s (idreg_kvm_predict_after_run(): a setter's own check, then the freeze)",
				err_name(a->r), want == IDREG_AFTER_RUN_BETWEEN ? "EINVAL or EBUSY" :
				want == IDREG_AFTER_RUN_UNKNOWN ? "any" : err_name(want));
	if (a->r && a->back != *cur)
		return disagree(why, "refused, yet the register now reads 0x%016llx, not 0x%016llx",
				(unsigned long long)a->back, (unsigned long long)*cur);
	/*
	 * Accepted after the run: a frozen register keeps its value (the
	 * write was the current value, or a setter rewrote it to that, as
	 * set_id_aa64dfr0_el1() does PMUVer IMP_DEF); one without the freeze
	 * (CLIDR_EL1) stores the value.
	 */
	expect = idreg_slot_frozen_after_run(s->slot) ? *cur : val;
	if (!a->r && want == 0 && a->back != expect)
		return disagree(why, "accepted, but reads 0x%016llx, want 0x%016llx",
				(unsigned long long)a->back, (unsigned long long)expect);
	*cur = a->back;
	return true;
}

static bool step_set(struct idreg_seq_model *m, const struct idreg_step *s,
		     const struct idreg_step_answer *a, char *why)
{
	struct idreg_seq_vm *v = &m->vm[s->vm];

	if (!v->vcpu[s->vcpu].inited) {
		if (a && a->r != -ENOEXEC)
			return disagree(why, "KVM_SET_ONE_REG on a vCPU not initialised returned %s, want -8 (ENOEXEC)",
					err_name(a->r));
		return true;
	}
	if (unmodelled(m, v) || idreg_is_mpidr_slot(s->slot) || !vm_readable(m, v)[s->slot]) {
		if (a && !a->r && vm_readable(m, v)[s->slot] && !idreg_is_mpidr_slot(s->slot))
			*value_of(v, s->vcpu, s->slot) = a->back;
		return true;
	}
	if (v->ran)
		return set_after_run(m, s, a, why);
	return set_before_run(m, s, a, why);
}

/*
 * Why KVM refuses to run an initialised vCPU, or NULL; the errno into
 * @want.  kvm_arch_vcpu_run_pid_change() (6.12 and 7.x alike): a vCPU
 * with SVE not finalized, EPERM; then, at the vCPU's first run only,
 * kvm_arm_pmu_v3_enable() for a vCPU with a PMU: EINVAL unless its PMU
 * was initialised (KVM_ARM_VCPU_PMU_V3_INIT) and, with an in-kernel
 * irqchip, has an interrupt (one initialised before the vGIC was created
 * has none).
 */
static const char *run_refused(const struct idreg_seq_vm *v, const struct idreg_seq_vcpu *c,
			       int *want)
{
	*want = -EPERM;
	if (vm_has_sve(v) && !c->finalized)
		return "kvm_arch_vcpu_run_pid_change(): SVE not finalized (kvm_arm_vcpu_is_finalized())";
	*want = -EINVAL;
	if (!c->ran && vm_has_pmu(v) && !c->pmu_created)
		return "kvm_arm_pmu_v3_enable(): the vCPU's PMU is not initialised";
	if (!c->ran && vm_has_pmu(v) && v->vgic && !c->pmu_irq)
		return "kvm_arm_pmu_v3_enable(): with a vGIC, the PMU has no valid interrupt";
	*want = 0;
	return NULL;
}

/*
 * KVM_RUN: the explorer initialises the VM's vGIC first, as a VMM does
 * (idreg_vm_prepare_run()); the VM's first run finalises its ID
 * registers (idreg_after_first_run()); the guest reads what the model
 * holds for every register the sequence changed.
 */
static bool step_run(struct idreg_seq_model *m, const struct idreg_step *s,
		     const struct idreg_step_answer *a, char *why)
{
	struct idreg_seq_vm *v = &m->vm[s->vm];
	struct idreg_seq_vcpu *c = &v->vcpu[s->vcpu];
	const char *refused;
	unsigned int slot;
	int want;

	v->vgic_inited |= v->vgic;
	if (!c->inited) {
		if (a && a->r != -ENOEXEC)
			return disagree(why, "KVM_RUN of a vCPU not initialised returned %s, want -8 (ENOEXEC)",
					err_name(a->r));
		return true;
	}
	refused = run_refused(v, c, &want);
	if (refused) {
		if (a && a->r != want)
			return disagree(why, "KVM_RUN returned %s, predicted %s by %s", err_name(a->r),
					err_name(want), refused);
		/*
		 * The PMU is refused after kvm_finalize_sys_regs() (6.12 and
		 * 7.x): until the VM has run, each such attempt finalises
		 * its ID registers, without the freeze.
		 */
		if (want == -EINVAL && !v->ran && !unmodelled(m, v))
			idreg_after_first_run(v->val, &v->traits);
		return true;
	}
	if (a && (a->r || !a->guest_done))
		return disagree(why, "the guest did not run to its end: %s", err_name(a->r));
	if (!v->ran && !unmodelled(m, v))
		idreg_after_first_run(v->val, &v->traits);
	v->ran = c->ran = true;
	for (slot = 0; a && !unmodelled(m, v) && slot < IDREG_NR_SLOTS; slot++) {
		uint64_t want_val = *value_of(v, s->vcpu, slot);

		if (!a->guest_read[slot] || !idreg_seq_guest_compares(slot) ||
		    want_val == vm_limit(m, v)[slot] || a->guest_val[slot] == want_val)
			continue;
		return disagree(why, "the guest reads %s = 0x%016llx, the VM holds 0x%016llx",
				idreg_reg_by_slot(slot) ? idreg_reg_by_slot(slot)->name : "?",
				(unsigned long long)a->guest_val[slot], (unsigned long long)want_val);
	}
	return true;
}

/*
 * KVM_ARM_VCPU_FINALIZE(KVM_ARM_VCPU_SVE), the same in 6.12 and 7.x:
 * kvm_arch_vcpu_ioctl() refuses a vCPU not initialised (ENOEXEC);
 * kvm_arm_vcpu_finalize() one without SVE (EINVAL) and one already
 * finalized (EPERM: a second time, or after the first run, which needs
 * it finalized).
 */
static bool step_finalize(struct idreg_seq_model *m, const struct idreg_step *s,
			  const struct idreg_step_answer *a, char *why)
{
	struct idreg_seq_vm *v = &m->vm[s->vm];
	struct idreg_seq_vcpu *c = &v->vcpu[s->vcpu];
	const char *rule = "kvm_arm_vcpu_finalize(): an SVE vCPU not yet finalized";
	int want = 0;

	if (!c->inited) {
		want = -ENOEXEC;
		rule = "kvm_arch_vcpu_ioctl(): the vCPU is not initialised";
	} else if (!vm_has_sve(v)) {
		want = -EINVAL;
		rule = "kvm_arm_vcpu_finalize(): the vCPU has no SVE";
	} else if (c->finalized) {
		want = -EPERM;
		rule = "kvm_arm_vcpu_finalize(): already finalized";
	}
	if (a && a->r != want)
		return disagree(why, "KVM_ARM_VCPU_FINALIZE(KVM_ARM_VCPU_SVE) returned %s, predicted %s by %s",
				err_name(a->r), err_name(want), rule);
	c->finalized |= !want;
	return true;
}

/*
 * KVM_SET_ONE_REG of KVM_REG_ARM64_SVE_VLS with the value it reads
 * (set_sve_vls(), 6.12 and 7.x): ENOEXEC on a vCPU not initialised
 * (kvm_arch_vcpu_ioctl()), ENOENT without SVE, EPERM once finalized.
 */
static bool step_vls(struct idreg_seq_model *m, const struct idreg_step *s,
		     const struct idreg_step_answer *a, char *why)
{
	struct idreg_seq_vm *v = &m->vm[s->vm];
	struct idreg_seq_vcpu *c = &v->vcpu[s->vcpu];
	int want = !c->inited ? -ENOEXEC : !vm_has_sve(v) ? -ENOENT : c->finalized ? -EPERM : 0;

	if (a && a->r != want)
		return disagree(why, "KVM_SET_ONE_REG(KVM_REG_ARM64_SVE_VLS) returned %s, predicted %s by set_sve_vls() (%s)",
				err_name(a->r), err_name(want),
				!c->inited ? "not initialised" : !vm_has_sve(v) ? "no SVE" :
				c->finalized ? "already finalized" : "SVE, not finalized");
	return true;
}

/*
 * The PMU's attribute @op on vCPU @c of @v: the errno (0: taken) and the
 * rule into @rule.  kvm_arm_pmu_v3_set_attr(), _get_attr(), _has_attr()
 * (pmu-emul.c; the same order of checks in 6.12 and 7.x), reached for
 * any vCPU, initialised or not (kvm_arm_vcpu_arch_set_attr()).
 */
static int pmu_attr_answer(const struct idreg_seq_model *m, const struct idreg_seq_vm *v,
			   const struct idreg_seq_vcpu *c, unsigned int op, const char **rule)
{
	if (op == IDREG_PMU_HAS) {
		*rule = "kvm_arm_pmu_v3_has_attr(): every attribute exactly when the VM's vCPUs have a PMU";
		return vm_has_pmu(v) ? 0 : -ENXIO;
	}
	if (op == IDREG_PMU_GET_IRQ) {
		*rule = "kvm_arm_pmu_v3_get_attr(): EINVAL without an irqchip, ENODEV without a PMU, ENXIO before the interrupt is set";
		return !v->vgic ? -EINVAL : !vm_has_pmu(v) ? -ENODEV : !c->pmu_irq ? -ENXIO : 0;
	}
	*rule = "kvm_arm_pmu_v3_set_attr(): the vCPU has no PMU";
	if (!vm_has_pmu(v))
		return -ENODEV;
	*rule = "kvm_arm_pmu_v3_set_attr(): the vCPU's PMU is already initialised";
	if (c->pmu_created)
		return -EBUSY;
	switch (op) {
	case IDREG_PMU_IRQ:
		*rule = "kvm_arm_pmu_v3_set_attr(IRQ): EINVAL without an in-kernel irqchip, EBUSY when set, else PPI 23 is taken";
		return !v->vgic ? -EINVAL : c->pmu_irq ? -EBUSY : 0;
	case IDREG_PMU_FILTER:
		*rule = "kvm_arm_pmu_v3_set_attr(FILTER): EBUSY once the VM has run";
		return v->ran ? -EBUSY : 0;
	case IDREG_PMU_SET_PMU:
		*rule = "kvm_arm_pmu_v3_set_pmu(): ENXIO for a PMU not found, EBUSY once the VM has run";
		return m->d->pmu_id < 0 ? -ENXIO : v->ran ? -EBUSY : 0;
	default:
		*rule = "kvm_arm_pmu_v3_init(): with an in-kernel irqchip, ENODEV before the vGIC is initialised, ENXIO without an interrupt";
		return !v->vgic ? 0 : !v->vgic_inited ? -ENODEV : !c->pmu_irq ? -ENXIO : 0;
	}
}

static bool step_pmu(struct idreg_seq_model *m, const struct idreg_step *s,
		     const struct idreg_step_answer *a, char *why)
{
	struct idreg_seq_vm *v = &m->vm[s->vm];
	struct idreg_seq_vcpu *c = &v->vcpu[s->vcpu];
	const char *rule = NULL;
	int want = pmu_attr_answer(m, v, c, s->op, &rule);

	if (a && a->r != want)
		return disagree(why, "KVM_%s_DEVICE_ATTR(KVM_ARM_VCPU_PMU_V3_CTRL, %s) returned %s, predicted %s by %s",
				s->op == IDREG_PMU_HAS ? "HAS" : s->op == IDREG_PMU_GET_IRQ ? "GET" : "SET",
				pmu_op_names[s->op], err_name(a->r), err_name(want), rule);
	if (a && s->op == IDREG_PMU_GET_IRQ && !want && a->value != IDREG_SEQ_PMU_IRQ)
		return disagree(why, "the PMU's interrupt reads %llu, it was set to %d",
				(unsigned long long)a->value, IDREG_SEQ_PMU_IRQ);
	if (!want && s->op == IDREG_PMU_IRQ)
		c->pmu_irq = true;
	if (!want && s->op == IDREG_PMU_INIT)
		c->pmu_created = true;
	return true;
}

/*
 * The vGIC.  KVM_CREATE_DEVICE of a GICv3 (kvm_vgic_create(), 6.12 and
 * 7.x): EEXIST when the VM has one, EBUSY once a vCPU of it ran.  From
 * 7.2 on the creation also sets the GIC fields of the VM's ID registers
 * (kvm_vgic_finalize_idregs(): idreg_vgic_created()), where the first
 * KVM_ARM_VCPU_INIT has initialised them.  Its init
 * (KVM_DEV_ARM_VGIC_CTRL_INIT, vgic_init()) is taken, again too; no vCPU
 * can be created after it (kvm_arch_vcpu_precreate()).
 */
static bool step_vgic(struct idreg_seq_model *m, const struct idreg_step *s,
		      const struct idreg_step_answer *a, char *why)
{
	struct idreg_seq_vm *v = &m->vm[s->vm];
	bool ran = false;
	unsigned int c;
	int want = 0;

	for (c = 0; c < v->nr_vcpus; c++)
		ran |= v->vcpu[c].ran;
	if (s->op == IDREG_VGIC_CREATE)
		want = v->vgic ? -EEXIST : ran ? -EBUSY : 0;
	if (a && a->r != want)
		return disagree(why, "%s returned %s, predicted %s by %s",
				s->op == IDREG_VGIC_INIT ? "KVM_DEV_ARM_VGIC_CTRL_INIT" :
				"KVM_CREATE_DEVICE(KVM_DEV_TYPE_ARM_VGIC_V3)", err_name(a->r),
				err_name(want), s->op == IDREG_VGIC_INIT ? "vgic_init()" :
				v->vgic ? "kvm_vgic_create(): the VM has an irqchip" :
				ran ? "kvm_vgic_create(): a vCPU of the VM has run" :
				"kvm_vgic_create(): no irqchip, no vCPU has run");
	if (want)
		return true;
	if (s->op == IDREG_VGIC_INIT) {
		v->vgic_inited = true;
		return true;
	}
	v->vgic = true;
	v->traits.vgic_v3 = true;
	if (v->features_set && !unmodelled(m, v))
		idreg_vgic_created(v->val, &v->traits);
	return true;
}

static bool step_masks(struct idreg_seq_model *m, const struct idreg_step_answer *a, char *why)
{
	unsigned int slot;

	if (!a)
		return true;
	if (a->r)
		return disagree(why, "KVM_ARM_GET_REG_WRITABLE_MASKS returned %s", err_name(a->r));
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		if (a->masks[slot] != m->d->mask[slot])
			return disagree(why, "slot %u's writable mask is 0x%016llx, a fresh VM's 0x%016llx",
					slot, (unsigned long long)a->masks[slot],
					(unsigned long long)m->d->mask[slot]);
	return true;
}

/*
 * KVM_ENABLE_CAP on the VM (kvm_vm_ioctl_enable_cap(), 6.12 and 7.x):
 * KVM_CAP_ARM_WRITABLE_IMP_ID_REGS and KVM_CAP_ARM_MTE are taken only
 * before the VM's first vCPU and where KVM has them, EINVAL otherwise.
 * Then MIDR_EL1, REVIDR_EL1 and AIDR_EL1 take any value inside their
 * masks (the traits' imp_id_writable); with MTE the VM's ID registers
 * show it (sanitise_id_aa64pfr1_el1()): not the run's defaults.
 */
static bool step_cap(struct idreg_seq_model *m, const struct idreg_step *s,
		     const struct idreg_step_answer *a, char *why)
{
	struct idreg_seq_vm *v = &m->vm[s->vm];
	bool mte = s->op == IDREG_CAP_MTE;
	bool offered = mte ? m->d->mte_offered : m->d->imp_id_offered;
	int want = offered && !v->nr_vcpus ? 0 : -EINVAL;

	if (a && a->r != want)
		return disagree(why, "KVM_ENABLE_CAP(%s) returned %s, predicted %s (%s)",
				mte ? "KVM_CAP_ARM_MTE" : "KVM_CAP_ARM_WRITABLE_IMP_ID_REGS",
				err_name(a->r), err_name(want),
				!offered ? "KVM does not offer it" :
				v->nr_vcpus ? "the VM has vCPUs" : "before the first vCPU");
	if (!want && mte)
		v->mte = true;
	else if (!want)
		v->traits.imp_id_writable = true;
	return true;
}

/*
 * Save and restore (idreg_vm_state_save(), idreg_vm_state_restore()): the
 * new VM, its vCPUs initialised and KVM_CAP_ARM_WRITABLE_IMP_ID_REGS on
 * where offered, takes every register the old one's vCPUs had, in KVM's
 * order; it has not run.
 */
static bool step_save(struct idreg_seq_model *m, const struct idreg_step *s,
		      const struct idreg_step_answer *a, char *why)
{
	struct idreg_seq_vm *v = &m->vm[m->nr_vms];
	unsigned int c;

	*v = m->vm[s->vm];
	/* a VM of the default vCPU; its vCPUs initialised */
	v->ran = false;
	for (c = 0; c < v->nr_vcpus; c++)
		v->vcpu[c].ran = v->vcpu[c].pmu_created = v->vcpu[c].pmu_irq = false;
	v->traits.imp_id_writable = m->d->imp_id_offered;
	m->nr_vms++;
	if (a && a->r)
		return disagree(why, "the restore into a new VM returned %s, want every register taken: %s",
				err_name(a->r), a->detail ? a->detail : "");
	return true;
}

bool idreg_seq_check_step(struct idreg_seq_model *m, const struct idreg_step *s,
		      const struct idreg_step_answer *a, char *why)
{
	switch (s->kind) {
	case IDREG_STEP_VM:
		return step_vm(m, a, why);
	case IDREG_STEP_VCPU:
		return step_vcpu(m, s, a, why);
	case IDREG_STEP_INIT:
		return step_init(m, s, a, why);
	case IDREG_STEP_SET:
		return step_set(m, s, a, why);
	case IDREG_STEP_GET:
		return step_get(m, s, a, why);
	case IDREG_STEP_RUN:
		return step_run(m, s, a, why);
	case IDREG_STEP_MASKS:
		return step_masks(m, a, why);
	case IDREG_STEP_CAP:
		return step_cap(m, s, a, why);
	case IDREG_STEP_SAVE:
		return step_save(m, s, a, why);
	case IDREG_STEP_FINALIZE:
		return step_finalize(m, s, a, why);
	case IDREG_STEP_VLS:
		return step_vls(m, s, a, why);
	case IDREG_STEP_PMU:
		return step_pmu(m, s, a, why);
	case IDREG_STEP_VGIC:
		return step_vgic(m, s, a, why);
	default:
		return disagree(why, "unknown step kind %d", s->kind);
	}
}

/* ---- generation ---- */

uint64_t idreg_seq_rand(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* splitmix64's finaliser: seeds that differ in one bit start far apart. */
static uint64_t mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

static unsigned int below(uint64_t *rng, unsigned int n)
{
	return n ? (unsigned int)(idreg_seq_rand(rng) % n) : 0;
}

/* How often each kind is picked, when it can be. */
static const unsigned int kind_weight[IDREG_NR_STEP_KINDS] = {
	[IDREG_STEP_VM] = 1, [IDREG_STEP_VCPU] = 3, [IDREG_STEP_INIT] = 4,
	[IDREG_STEP_SET] = 14, [IDREG_STEP_GET] = 6, [IDREG_STEP_RUN] = 2,
	[IDREG_STEP_MASKS] = 1, [IDREG_STEP_CAP] = 1, [IDREG_STEP_SAVE] = 1,
	[IDREG_STEP_FINALIZE] = 2, [IDREG_STEP_VLS] = 1, [IDREG_STEP_PMU] = 5,
	[IDREG_STEP_VGIC] = 2,
};

/*
 * ... when the devices' steps are asked for: fewer writes, more runs, so
 * that a sequence of 40 meets the orders the device rules are about (a
 * second finalize, an attribute after the PMU's init, a vGIC after a
 * run).
 */
static const unsigned int device_weight[IDREG_NR_STEP_KINDS] = {
	[IDREG_STEP_VM] = 1, [IDREG_STEP_VCPU] = 3, [IDREG_STEP_INIT] = 4,
	[IDREG_STEP_SET] = 4, [IDREG_STEP_GET] = 2, [IDREG_STEP_RUN] = 4,
	[IDREG_STEP_MASKS] = 1, [IDREG_STEP_CAP] = 2, [IDREG_STEP_SAVE] = 1,
	[IDREG_STEP_FINALIZE] = 4, [IDREG_STEP_VLS] = 2, [IDREG_STEP_PMU] = 8,
	[IDREG_STEP_VGIC] = 3,
};

static unsigned int weight(enum idreg_step_kind k, unsigned int kinds)
{
	if (!(kinds & (1U << k)))
		return 0;
	return kinds & (1U << IDREG_STEP_PMU) ? device_weight[k] : kind_weight[k];
}

static enum idreg_step_kind pick_kind(const struct idreg_seq_model *m, uint64_t *rng,
				      unsigned int kinds)
{
	unsigned int total = 0, k, x;

	if (!m->nr_vms)
		return IDREG_STEP_VM;
	for (k = 0; k < IDREG_NR_STEP_KINDS; k++)
		total += weight(k, kinds);
	x = below(rng, total);
	for (k = 0; x >= weight(k, kinds); k++)
		x -= weight(k, kinds);
	return k;
}

/* A slot to write or read: mostly writable ones, MPIDR_EL1 never. */
static unsigned int pick_slot(const struct idreg_seq_defaults *d, uint64_t *rng)
{
	unsigned int slots[IDREG_NR_SLOTS], nr = 0, slot;
	bool writable = below(rng, 8) != 0;

	for (slot = 0; slot < IDREG_NR_SLOTS; slot++)
		if (d->readable[slot] && !idreg_is_mpidr_slot(slot) &&
		    (!writable || d->mask[slot]))
			slots[nr++] = slot;
	return nr ? slots[below(rng, nr)] : slot_of(0, 4, 0);
}

/* One field of @base changed: safe, unsafe, reserved or "not implemented". */
static uint64_t pick_value(const struct idreg_seq_defaults *d, unsigned int slot,
			   uint64_t base, uint64_t *rng)
{
	const struct idreg_reg *reg = idreg_reg_by_slot(slot);
	const struct idreg_field *f, *cand[64];
	unsigned int i, nr = 0;
	bool any = below(rng, 8) == 0;
	uint64_t raw;

	if (below(rng, 10) == 0)
		return base;
	for (i = 0; reg && i < reg->nr_fields && nr < 64; i++) {
		uint64_t fm = idreg_field_mask(reg->fields[i].lsb, reg->fields[i].width);

		if (any || (reg->fields[i].kind < IDREG_FIELD_RES0 && (d->mask[slot] & fm) == fm))
			cand[nr++] = &reg->fields[i];
	}
	if (!nr)
		return base ^ (1ULL << below(rng, 64));
	f = cand[below(rng, nr)];
	raw = idreg_field_get(base, f->lsb, f->width);
	if (f->width <= 4)
		raw = below(rng, 1U << f->width);
	else if (below(rng, 2))
		raw += below(rng, 2) ? 1 : -1;
	else
		raw = idreg_seq_rand(rng);
	return idreg_field_set(base, f->lsb, f->width, raw);
}

/*
 * The operands of a step of the vCPU's devices, and the init step's
 * features: with them, the VMs' first initialisations are often with the
 * PMU or SVE, so that the device steps meet a vCPU that has the device.
 */
/*
 * A run of a vCPU KVM would refuse to run (its PMU not initialised, SVE
 * not finalized) is half the time what a VMM does first instead: so that
 * VMs with the devices run, and the orders after a run are met.
 */
static void prepare_run(const struct idreg_seq_vm *v, uint64_t *rng, struct idreg_step *st)
{
	const struct idreg_seq_vcpu *c = &v->vcpu[st->vcpu];

	if (!c->inited || !below(rng, 2))
		return;
	if (vm_has_sve(v) && !c->finalized) {
		st->kind = IDREG_STEP_FINALIZE;
	} else if (vm_has_pmu(v) && !c->pmu_created && !c->ran) {
		st->kind = IDREG_STEP_PMU;
		st->op = IDREG_PMU_INIT;
	}
}

/*
 * After the VM ran: the event filter or the PMU, through a vCPU whose PMU
 * is not initialised where there is one (through one that is, KVM
 * refuses for that before it looks at the VM).
 */
static void pick_vm_wide_pmu_op(const struct idreg_seq_vm *v, uint64_t *rng,
				struct idreg_step *st)
{
	unsigned int c, nr = 0, fresh[IDREG_SEQ_MAX_VCPUS];

	st->op = below(rng, 2) ? IDREG_PMU_FILTER : IDREG_PMU_SET_PMU;
	for (c = 0; c < v->nr_vcpus; c++)
		if (!v->vcpu[c].pmu_created)
			fresh[nr++] = c;
	if (nr)
		st->vcpu = fresh[below(rng, nr)];
}

static void pick_device_step(const struct idreg_seq_vm *v, uint64_t *rng, struct idreg_step *st)
{
	switch (st->kind) {
	case IDREG_STEP_INIT:
		st->other = below(rng, 2) == 0;
		st->sve = below(rng, 3) == 0;
		break;
	case IDREG_STEP_PMU:
		/* often the vCPU's PMU initialised first; the VM-wide ones after a run */
		if (st->op == IDREG_PMU_INIT)
			break;		/* prepare_run()'s */
		if (!v->vcpu[st->vcpu].pmu_created && !below(rng, 3))
			st->op = IDREG_PMU_INIT;
		else if (v->ran && below(rng, 2))
			pick_vm_wide_pmu_op(v, rng, st);
		else
			st->op = below(rng, IDREG_NR_PMU_OPS);
		break;
	case IDREG_STEP_VGIC:
		st->op = v->vgic && below(rng, 4) ? IDREG_VGIC_INIT : IDREG_VGIC_CREATE;
		break;
	default:
		break;
	}
}

/*
 * A write of ID_AA64DFR0_EL1 that leaves a PMU version
 * __kvm_pmu_event_mask() (pmu-emul.c, 6.12 and 7.x) has no event mask
 * for: any but IMP (1), V3P1 (4), V3P4 (5), V3P5 (6) and V3P7 (7); so 0,
 * the reserved 2 and 3, and IMP_DEF, which set_id_aa64dfr0_el1() turns
 * into 0.  On a VM with a PMU the next KVM_ARM_VCPU_INIT warns
 * (pmuver0-reinit).
 */
static bool pmu_version_unknown(const struct idreg_step *st, uint64_t cur)
{
	uint64_t pmuver = (idreg_seq_set_value(st, cur) >> 8) & 0xf;

	return st->slot == slot_of(0, 5, 0) && pmuver != 1 && (pmuver < 4 || pmuver > 7);
}

/*
 * A device step goes mostly to a VM whose vCPUs have the device (the PMU
 * steps to one with a PMU, finalize and vls to one with SVE), where one
 * exists: the orders the rules are about happen there.
 */
static unsigned int pick_device_vm(const struct idreg_seq_model *m, const struct idreg_step *st,
				   uint64_t *rng)
{
	unsigned int i, want = st->vm;

	if (st->kind != IDREG_STEP_PMU && st->kind != IDREG_STEP_FINALIZE &&
	    st->kind != IDREG_STEP_VLS)
		return want;
	if (!below(rng, 4))
		return want;
	for (i = 0; i < m->nr_vms; i++)
		if (st->kind == IDREG_STEP_PMU ? vm_has_pmu(&m->vm[i]) : vm_has_sve(&m->vm[i]))
			want = i;
	return want;
}

static void pick_step(const struct idreg_seq_model *m, uint64_t *rng, struct idreg_step *st,
		      unsigned int kinds)
{
	bool devices = kinds & (1U << IDREG_STEP_PMU);
	const struct idreg_seq_vm *v;

	memset(st, 0, sizeof(*st));
	st->kind = pick_kind(m, rng, kinds);
	if (st->kind == IDREG_STEP_VM) {
		if (m->nr_vms < IDREG_SEQ_MAX_VMS)
			return;
		st->kind = IDREG_STEP_SET;
	}
	st->vm = below(rng, m->nr_vms);
	if (devices)
		st->vm = pick_device_vm(m, st, rng);
	v = &m->vm[st->vm];
	/* The capability is taken before the first vCPU: try it there too. */
	if (st->kind == IDREG_STEP_CAP || (!v->nr_vcpus && below(rng, 4) == 0)) {
		st->kind = IDREG_STEP_CAP;
		st->op = devices ? below(rng, IDREG_NR_CAPS) : IDREG_CAP_IMP_ID;
		return;
	}
	if (st->kind == IDREG_STEP_VGIC) {
		if (m->d->vgic_offered) {
			pick_device_step(v, rng, st);
			return;
		}
		st->kind = IDREG_STEP_GET;
	}
	if (st->kind == IDREG_STEP_SAVE) {
		if (save_valid(m, v))
			return;
		st->kind = IDREG_STEP_GET;
	}
	if (!v->nr_vcpus || (st->kind == IDREG_STEP_VCPU && v->nr_vcpus < IDREG_SEQ_MAX_VCPUS)) {
		st->kind = IDREG_STEP_VCPU;
		return;
	}
	if (st->kind == IDREG_STEP_VCPU)
		st->kind = IDREG_STEP_GET;
	if (st->kind == IDREG_STEP_SET && devices && unmodelled(m, v) &&
	    !(kinds & IDREG_SEQ_TAINTING_WRITES))
		st->kind = IDREG_STEP_GET;
	st->vcpu = below(rng, v->nr_vcpus);
	if (devices && st->kind == IDREG_STEP_RUN)
		prepare_run(v, rng, st);
	if (devices)
		pick_device_step(v, rng, st);
	else
		st->other = st->kind == IDREG_STEP_INIT && below(rng, 10) == 0;
	if (st->kind == IDREG_STEP_SET || st->kind == IDREG_STEP_GET)
		st->slot = pick_slot(m->d, rng);
	if (st->kind == IDREG_STEP_SET) {
		uint64_t cur = is_clidr(st->slot) ? v->vcpu[st->vcpu].clidr : v->val[st->slot];

		st->val = pick_value(m->d, st->slot, below(rng, 2) ? cur : m->d->limit[st->slot],
				     rng);
		if (devices && vm_has_pmu(v) && pmu_version_unknown(st, cur) &&
		    !(kinds & IDREG_SEQ_TAINTING_WRITES))
			st->kind = IDREG_STEP_GET;
	}
}

void idreg_seq_generate(struct idreg_seq *s, const struct idreg_seq_defaults *d,
			uint64_t seed, unsigned int index, unsigned int nr)
{
	idreg_seq_generate_kinds(s, d, seed, index, nr, IDREG_SEQ_BASIC_KINDS);
}

void idreg_seq_generate_kinds(struct idreg_seq *s, const struct idreg_seq_defaults *d,
			      uint64_t seed, unsigned int index, unsigned int nr,
			      unsigned int kinds)
{
	static struct idreg_seq_model m;
	uint64_t rng = mix(seed ^ mix(index + 1)) | 1;

	idreg_seq_model_init(&m, d);
	if (nr > IDREG_SEQ_MAX_STEPS)
		nr = IDREG_SEQ_MAX_STEPS;
	for (s->nr = 0; s->nr < nr; s->nr++) {
		struct idreg_step *st = &s->step[s->nr];

		pick_step(&m, &rng, st, kinds);
		if (idreg_seq_step_valid(&m, st))
			idreg_seq_check_step(&m, st, NULL, NULL);
	}
}

/* ---- shrinking ---- */

unsigned int idreg_seq_shrink(struct idreg_seq *s, unsigned int failed_at,
			      bool (*fails)(const struct idreg_seq *s, void *ctx,
					    unsigned int *failed_at),
			      void *ctx, unsigned int budget)
{
	struct idreg_seq *t = malloc(sizeof(*t));
	unsigned int chunk, start, calls = 0, at;

	if (!t)
		return 0;
	if (failed_at + 1 < s->nr)
		s->nr = failed_at + 1;
	chunk = s->nr / 2 ? s->nr / 2 : 1;
	while (chunk && calls < budget) {
		bool removed = false;

		for (start = 0; start < s->nr && calls < budget;) {
			unsigned int n = start + chunk > s->nr ? s->nr - start : chunk;

			memcpy(t->step, s->step, start * sizeof(s->step[0]));
			memcpy(t->step + start, s->step + start + n,
			       (s->nr - start - n) * sizeof(s->step[0]));
			t->nr = s->nr - n;
			if (t->nr && (calls++, fails(t, ctx, &at))) {
				*s = *t;
				if (at + 1 < s->nr)
					s->nr = at + 1;
				removed = true;
			} else {
				start += n;
			}
		}
		if (!removed)
			chunk /= 2;
	}
	free(t);
	return calls;
}
