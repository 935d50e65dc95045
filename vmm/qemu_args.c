// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU command lines, read and written: a model from -cpu host,... -M
 * virt,... and the shortest line that gives a model, with what it leaves
 * out and why.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "idregs/field.h"
#include "idregs/qemu.h"
#include "idregs/qemu_args.h"
#include "idregs/qemu_words.h"
#include "idregs/vcpu_regs.h"

int idreg_qemu_parse_int(const char *s, uint64_t *v)
{
	unsigned long long x;
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	x = strtoull(s, &end, 0);
	if (*end || errno)
		return -1;
	*v = x;
	return 0;
}

/* "on"/"off" and the spellings QEMU's qapi_bool_parse_name() takes. */
static int parse_bool(const char *s, bool *on)
{
	static const char *const yes[] = { "on", "yes", "true", "y" };
	static const char *const no[] = { "off", "no", "false", "n" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(s, yes[i]))
			return *on = true, 0;
		if (!strcmp(s, no[i]))
			return *on = false, 0;
	}
	return -1;
}

static int cmd_err(char *err, const char *fmt, ...) __printf(2, 3);
static int cmd_err(char *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, IDREG_ERR_LEN, fmt, ap);
	va_end(ap);
	return -1;
}

/* sve128 .. sve2048: the bit, or 0. */
static uint32_t sve_bit(const char *name)
{
	uint64_t n;

	if (strncmp(name, "sve", 3) || idreg_qemu_parse_int(name + 3, &n) ||
	    n % 128 || n < 128 || n > 2048 || name[3] == '0')
		return 0;
	return 1U << (n / 128 - 1);
}

/*
 * QEMU stops at this item, whatever the host: the first such item only
 * (QEMU stops there); -cpu items are globals of host-arm-cpu, whose
 * errors QEMU prefixes (object_apply_global_props()).
 */
static void stop_at(struct idreg_model *m, const char *key, const char *val,
		    const char *why, const char *says)
{
	char pre[160] = "";

	if (m->q.stop_why[0])
		return;
	if (key)
		idreg_qemu_say(pre, sizeof(pre), QW_GLOBAL, "host-arm-cpu", key, val);
	snprintf(m->q.stop, sizeof(m->q.stop), "%s%s", says ? pre : "", says ? says : "");
	snprintf(m->q.stop_why, sizeof(m->q.stop_why), "%s", why);
	m->q.stop_pos = key ? m->q.nr_pos : 0;
}

static void prop_not_found(struct idreg_model *m, const char *key, const char *val,
			   const char *why)
{
	char says[160];

	idreg_qemu_say(says, sizeof(says), QW_PROP_NOT_FOUND, "host-arm-cpu", key);
	stop_at(m, key, val, why, says);
}

/* Given again: the last value wins (QEMU applies the globals in order). */
static int set_again(struct idreg_model *m, const char *key, uint64_t v, char *err)
{
	struct idreg_model one;
	unsigned int i, j;
	int r;

	idreg_model_init(&one);
	r = idreg_model_set(&one, key, v, err);
	for (i = 0; !r && i < one.nr; i++)
		for (j = 0; j < m->nr; j++)
			if (m->items[j].field == one.items[i].field)
				m->items[j].value = one.items[i].value;
	idreg_model_free(&one);
	return r;
}

/* -cpu host,SYSREG_<REG>_<FIELD>=N: the series' properties. */
static int sysreg_opt(struct idreg_model *m, const char *key, const char *val, char *err)
{
	char why[IDREG_ERR_LEN];
	unsigned int i;
	uint64_t v;
	int r;

	if (idreg_qemu_parse_int(val, &v))
		return cmd_err(err, "-cpu %s=%s: not a number (QEMU parses base 0: 0x.., 0.., decimal)",
			       key, val);
	r = idreg_model_set(m, key, v, why);
	if (r == -EEXIST)
		r = set_again(m, key, v, why);
	if (r == -ENOENT || r == -EINVAL)
		prop_not_found(m, key, val, "the series creates properties for the ID register fields it knows only");
	else if (r == -ERANGE)
		stop_at(m, key, val, why, NULL);	/* the series' words: in no release */
	else if (r)
		return cmd_err(err, "-cpu %s", why);
	for (i = 0; !r && i < m->nr; i++)
		if (!m->items[i].pos)
			m->items[i].pos = m->q.nr_pos;
	return 0;
}

static void first_pos(struct idreg_model *m, unsigned int feature)
{
	unsigned int i = 0;

	while (i < IDREG_VCPU_NR_FEATURES - 1 && feature != 1U << i)
		i++;
	if (!m->q.pos[i])
		m->q.pos[i] = m->q.nr_pos;
}

/*
 * -cpu host,kvm-psci-version=MAJOR.MINOR (QEMU 11.1): the version QEMU
 * writes to KVM_REG_ARM_PSCI_VERSION, read as kvm_set_psci_version() reads
 * it (two unsigned shorts around a '.', the rest ignored).
 */
static int psci_opt(struct idreg_model *m, const char *key, const char *val, char *err)
{
	unsigned short major, minor;

	if (sscanf(val, "%hu.%hu", &major, &minor) != 2) {
		stop_at(m, key, val, "kvm-psci-version takes MAJOR.MINOR (kvm_set_psci_version())",
			idreg_qemu_words(QW_PSCI_INVALID)->format);
		return 0;
	}
	if (idreg_model_set_kvm_reg(m, IDREG_KVM_PSCI_VERSION, (uint64_t)major << 16 | minor))
		return cmd_err(err, "-cpu %s=%s: out of memory", key, val);
	return 0;
}

/* -cpu host,KEY=VALUE (cpu64.c, kvm.c's kvm_arm_add_vcpu_properties()). */
static int cpu_opt(struct idreg_model *m, const char *key, const char *val, char *err)
{
	const struct idreg_vcpu_option *o = idreg_vcpu_option_by_name(key, false);
	uint32_t bit = sve_bit(key);
	char says[160];
	bool on;

	m->q.nr_pos++;
	if (!strncmp(key, IDREG_PROP_PREFIX, strlen(IDREG_PROP_PREFIX)))
		return sysreg_opt(m, key, val, err);
	if (!strcmp(key, "kvm-psci-version"))
		return psci_opt(m, key, val, err);
	if (!o && !bit && strcmp(key, "kvm-steal-time") && strcmp(key, "kvm-no-adjvtime")) {
		prop_not_found(m, key, val, !strcmp(key, "sve-max-vq") ?
			       "sve-max-vq exists on TCG's max only (aarch64_max_tcg_initfn())" :
			       "host-arm-cpu has no such property");
		return 0;
	}
	if (parse_bool(val, &on)) {
		idreg_qemu_say(says, sizeof(says), QW_EXPECTS, key, "'on' or 'off'");
		stop_at(m, key, val, "a boolean property (qapi_bool_parse())", says);
		return 0;
	}
	if (o) {
		first_pos(m, o->feature);
		idreg_model_state(m, o, on);
	} else if (bit) {
		if (on && !m->q.sve_pos)
			m->q.sve_pos = m->q.nr_pos;
		on ? (m->q.sve_on |= bit, m->q.sve_off &= ~bit) :
		     (m->q.sve_off |= bit, m->q.sve_on &= ~bit);
	} else if (!strcmp(key, "kvm-steal-time")) {
		m->q.steal_time = on;
	} else {
		m->q.no_adjvtime = on;
	}
	return 0;
}

static int gic_version(const char *val, uint8_t *gic)
{
	if (!strcmp(val, "2") || !strcmp(val, "3") || !strcmp(val, "4"))
		*gic = val[0] - '0';
	else if (!strcmp(val, "host"))
		*gic = IDREG_GIC_HOST;
	else if (!strcmp(val, "max"))
		*gic = IDREG_GIC_MAX;
	else
		return -1;
	return 0;
}

/* kernel-irqchip=on|off|split (an -accel kvm property, also -M's). */
static int irqchip_opt(struct idreg_model *m, const char *key, const char *val, char *err)
{
	bool on;

	if (!strcmp(val, "split"))
		return cmd_err(err, "%s=split: x86 only", key);
	if (parse_bool(val, &on))
		return cmd_err(err, "%s=%s: expected on, off or split", key, val);
	m->q.kernel_irqchip = on;
	return 0;
}

/* -M virt,KEY=VALUE (hw/arm/virt.c's properties that touch the vCPU). */
static int machine_opt(struct idreg_model *m, const char *key, const char *val, char *err)
{
	const struct idreg_vcpu_option *o = idreg_vcpu_option_by_name(key, true);
	char says[160];
	bool on;

	if (!strcmp(key, "gic-version")) {
		if (gic_version(val, &m->q.gic))
			stop_at(m, NULL, NULL, "virt's gic-version takes 2, 3, 4, x-5, host or max",
				idreg_qemu_words(QW_GIC_BAD)->format);
		return 0;
	}
	if (!strcmp(key, "kernel-irqchip"))
		return irqchip_opt(m, key, val, err);
	if (!strcmp(key, "accel")) {
		if (strcmp(val, "kvm"))
			return cmd_err(err, "-M accel=%s: idreg models QEMU under KVM only", val);
		return 0;
	}
	/* Other virt options (highmem, its, iommu, ...) leave the ID registers. */
	if (!o && strcmp(key, "secure"))
		return 0;
	if (parse_bool(val, &on)) {
		idreg_qemu_say(says, sizeof(says), QW_EXPECTS, key, "'on' or 'off'");
		stop_at(m, NULL, NULL, "a boolean property (qapi_bool_parse())", says);
		return 0;
	}
	if (o)
		idreg_model_state(m, o, on);
	else
		m->q.secure = on;
	return 0;
}

/* @type is @want, or a versioned virt machine (virt-10.1). */
static bool type_ok(const char *type, const char *want)
{
	size_t n = strlen(want);

	return type && (!strcmp(type, want) ||
			(!strcmp(want, "virt") && !strncmp(type, "virt-", 5) && type[n + 1]));
}

/* "NAME,k=v,k=v": NAME must be @want; each k=v goes to @opt. */
static int opt_list(struct idreg_model *m, const char *flag, const char *arg, const char *want,
		    int (*opt)(struct idreg_model *, const char *, const char *, char *),
		    char *err)
{
	char *s = strdup(arg), *p, *item, *eq, *save = NULL;
	int r = 0;

	if (!s)
		return cmd_err(err, "%s: out of memory", flag);
	item = strtok_r(s, ",", &save);
	if (!type_ok(item, want)) {
		r = cmd_err(err, "%s %s: idreg models %s %s only", flag, item ? item : "",
			    flag, want);
		goto out;
	}
	for (p = strtok_r(NULL, ",", &save); p && !r; p = strtok_r(NULL, ",", &save)) {
		eq = strchr(p, '=');
		if (!eq) {
			r = cmd_err(err, "%s ...,%s: expected KEY=VALUE", flag, p);
			break;
		}
		*eq = 0;
		r = opt(m, p, eq + 1, err);
	}
out:
	free(s);
	return r;
}

static int accel_opt(struct idreg_model *m, const char *key, const char *val, char *err)
{
	if (!strcmp(key, "kernel-irqchip"))
		return irqchip_opt(m, key, val, err);
	return 0;
}

/* -smp's keys virt takes (hw/core/machine-smp.c); drawers, books, dies not. */
static const char *const smp_keys[] = {
	"cpus", "maxcpus", "sockets", "clusters", "cores", "threads",
};

static int smp_item(const char *item, unsigned int *v, char *err)
{
	const char *eq = strchr(item, '=');
	size_t n = eq ? (size_t)(eq - item) : 0;
	unsigned int i = 0;
	uint64_t x;

	while (eq && i < ARRAY_SIZE(smp_keys) &&
	       (strlen(smp_keys[i]) != n || strncmp(item, smp_keys[i], n)))
		i++;
	/* "-smp 4" is cpus=4 */
	if (i == ARRAY_SIZE(smp_keys) || idreg_qemu_parse_int(eq ? eq + 1 : item, &x) ||
	    !x || x > 4096)
		return cmd_err(err, "-smp ...%s: expected cpus, maxcpus, sockets, clusters, cores or threads = a number of 1..4096",
			       item);
	v[i] = x;
	return 0;
}

/*
 * machine_parse_smp_config(): missing topology counts are 1 but cores,
 * which take what maxcpus (else cpus) leaves; maxcpus defaults to their
 * product, cpus to maxcpus.  virt's topology has clusters, no dies.
 */
static int vcpus(struct idreg_model *m, const char *arg, char *err)
{
	unsigned int v[ARRAY_SIZE(smp_keys)] = { 0 }, i, rest, total;
	char *s = strdup(arg), *item, *save = NULL, hier[128], says[256];
	int r = s ? 0 : cmd_err(err, "-smp: out of memory");

	for (item = s ? strtok_r(s, ",", &save) : NULL; item && !r; item = strtok_r(NULL, ",", &save))
		r = smp_item(item, v, err);
	free(s);
	if (r)
		return r;
	for (i = 2; i < ARRAY_SIZE(smp_keys); i++)
		if (i != 4 && !v[i])
			v[i] = 1;
	rest = v[1] ? v[1] : v[0];
	if (!v[4])
		v[4] = rest ? rest / (v[2] * v[3] * v[5]) : 1;
	total = v[2] * v[3] * v[4] * v[5];
	m->q.maxcpus = v[1] ? v[1] : total;
	m->q.smp = v[0] ? v[0] : m->q.maxcpus;
	if (total != m->q.maxcpus) {
		snprintf(hier, sizeof(hier), "sockets (%u) * clusters (%u) * cores (%u) * threads (%u)",
			 v[2], v[3], v[4], v[5]);
		idreg_qemu_say(says, sizeof(says), QW_TOPOLOGY, hier, m->q.maxcpus);
		stop_at(m, NULL, NULL, "machine_parse_smp_config()", says);
	}
	return 0;
}

/* A new -cpu replaces the one before (vl.c keeps the last -cpu). */
static void cpu_reset(struct idreg_model *m)
{
	unsigned int i, machine = 0, nr;
	const struct idreg_vcpu_option *o = idreg_vcpu_options(&nr);

	for (i = 0; i < nr; i++)
		if (o[i].machine)
			machine |= o[i].feature;
	m->q.given &= machine;
	m->features &= machine;
	m->nr = 0;
	m->q.sve_on = m->q.sve_off = 0;
	m->q.steal_time = m->q.no_adjvtime = -1;
	memset(m->q.pos, 0, sizeof(m->q.pos));
	m->q.sve_pos = 0;
	m->q.nr_pos = 0;
	if (m->q.stop_pos) {
		m->q.stop[0] = 0;
		m->q.stop_pos = 0;
	}
}

int idreg_model_from_qemu_args(struct idreg_model *m, int argc, char *const *argv, char *err)
{
	const char *a, *v;
	int i, r = 0;

	idreg_model_init(m);
	for (i = 0; i < argc && !r; i++) {
		a = argv[i];
		if (a[0] == '-' && a[1] == '-')
			a++;
		v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "-enable-kvm"))
			continue;
		if (strcmp(a, "-cpu") && strcmp(a, "-M") && strcmp(a, "-machine") &&
		    strcmp(a, "-accel") && strcmp(a, "-smp"))
			continue;
		if (!v)
			return cmd_err(err, "%s: needs an argument", a);
		i++;
		if (!strcmp(a, "-cpu"))
			cpu_reset(m);
		if (!strcmp(a, "-cpu"))
			r = opt_list(m, "-cpu", v, "host", cpu_opt, err);
		else if (!strcmp(a, "-accel"))
			r = opt_list(m, "-accel", v, "kvm", accel_opt, err);
		else if (!strcmp(a, "-smp"))
			r = vcpus(m, v, err);
		else
			r = opt_list(m, a, v, "virt", machine_opt, err);
	}
	return r;
}

struct line {
	char *s;
	size_t n, size;
	bool machine;			/* " -M virt" printed */
};

static void put(struct line *l, const char *fmt, ...) __printf(2, 3);
static void put(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->n >= l->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->s + l->n, l->size - l->n, fmt, ap);
	va_end(ap);
	l->n += n > 0 ? (size_t)n : 0;
}

static void put_machine(struct line *l, const char *opt)
{
	put(l, "%s%s", l->machine ? "," : " -M virt,", opt);
	l->machine = true;
}

/* sve<N>, kvm-steal-time, kvm-no-adjvtime, kvm-psci-version as stated. */
static void print_cpu_extras(const struct idreg_model *m, struct line *l)
{
	unsigned int i;

	for (i = 0; i < 16; i++)
		if ((m->q.sve_on | m->q.sve_off) & 1U << i)
			put(l, ",sve%u=%s", 128 * (i + 1), m->q.sve_on & 1U << i ? "on" : "off");
	if (m->q.steal_time >= 0)
		put(l, ",kvm-steal-time=%s", m->q.steal_time ? "on" : "off");
	if (m->q.no_adjvtime > 0)
		put(l, ",kvm-no-adjvtime=on");
	for (i = 0; i < m->nr_kvm_regs; i++)
		if (m->kvm_regs[i].id == IDREG_KVM_PSCI_VERSION)
			put(l, ",kvm-psci-version=%u.%u", (unsigned int)(m->kvm_regs[i].value >> 16),
			    (unsigned int)(m->kvm_regs[i].value & 0xffff));
}

/*
 * The GIC fields follow the vGIC (kvm_vgic_finalize_idregs()), which
 * -M virt,gic-version chooses: a model that pins ID_AA64PFR0_EL1.GIC and
 * states no gic-version gets the version that gives it.
 */
static unsigned int gic_from_props(const struct idreg_model *m)
{
	const struct idreg_reg *reg = idreg_reg_by_name("ID_AA64PFR0_EL1");
	const struct idreg_field *f = reg ? idreg_field_by_name(reg, "GIC") : NULL;
	const struct idreg_assign *a = f ? idreg_model_find(m, reg, f) : NULL;

	if (m->q.gic)
		return m->q.gic;
	return a ? (a->value ? 3 : 2) : 0;
}

static void print_machine(const struct idreg_model *m, struct line *l)
{
	struct idreg_model_option o[IDREG_VCPU_NR_FEATURES];
	unsigned int i, nr = idreg_model_options(m, o), gic = gic_from_props(m);
	char buf[40];

	for (i = 0; i < nr; i++) {
		if (!o[i].opt->machine)
			continue;
		snprintf(buf, sizeof(buf), "%s=%s", o[i].opt->name, o[i].on ? "on" : "off");
		put_machine(l, buf);
	}
	if (m->q.secure > 0)
		put_machine(l, "secure=on");
	if (m->q.kernel_irqchip == 0)
		put_machine(l, "kernel-irqchip=off");
	if (gic >= 2 && gic <= 4)
		snprintf(buf, sizeof(buf), "gic-version=%u", gic);
	else if (gic)
		snprintf(buf, sizeof(buf), "gic-version=%s", gic == IDREG_GIC_HOST ? "host" : "max");
	if (gic)
		put_machine(l, buf);
}

/* Left out of the line: what QEMU sets whatever the property says. */
static bool prop_left_out(const struct idreg_model *m, const struct idreg_assign *a)
{
	const struct idreg_qemu_override *o = idreg_qemu_overridden(m, a->reg, a->field);

	return (o && a->value) || idreg_qemu_gic_field(a->reg, a->field);
}

char *idreg_model_qemu_args(const struct idreg_model *m)
{
	struct idreg_model_option o[IDREG_VCPU_NR_FEATURES];
	struct line l = { .size = 400 + strlen(m->name) };
	unsigned int i, nr = idreg_model_options(m, o);
	char prop[128];
	uint64_t v;

	for (i = 0; i < m->nr; i++)
		l.size += 128 + 24;
	l.s = malloc(l.size);
	if (!l.s)
		return NULL;
	put(&l, "-cpu %s", m->name);
	for (i = 0; i < nr; i++)
		if (!o[i].opt->machine)
			put(&l, ",%s=%s", o[i].opt->name, o[i].on ? "on" : "off");
	print_cpu_extras(m, &l);
	for (i = 0; i < m->nr; i++) {
		if (prop_left_out(m, &m->items[i]))
			continue;
		if (idreg_model_prop_at(m, i, prop, sizeof(prop), &v) > 0)
			put(&l, ",%s=0x%" PRIx64, prop, v);
	}
	print_machine(m, &l);
	return l.s;
}

void idreg_model_notes(const struct idreg_model *m, struct idreg_msgs *notes)
{
	const struct idreg_qemu_override *o;
	char prop[128];
	unsigned int i;

	for (i = 0; i < m->nr; i++) {
		const struct idreg_assign *a = &m->items[i];

		idreg_assign_prop(a, prop, sizeof(prop));
		o = idreg_qemu_overridden(m, a->reg, a->field);
		if (o && a->value)
			idreg_msgs_add(notes, "%s=0x%" PRIx64 ": %s wins (%s, after the SYSREG_ properties): the guest reads 0x0; left out",
				       prop, a->value, o->option, o->function);
		else if (idreg_qemu_gic_field(a->reg, a->field))
			idreg_msgs_add(notes, "%s=0x%" PRIx64 ": the in-kernel GIC decides (kvm_vgic_finalize_idregs()); given as -M virt,gic-version",
				       prop, a->value);
		else if (idreg_is_imp_id_slot(a->slot))
			idreg_msgs_add(notes, "%s: QEMU creates no %s property (it never enables KVM_CAP_ARM_WRITABLE_IMP_ID_REGS): QEMU would stop",
				       prop, a->reg->name);
	}
	for (i = 0; i < m->nr_kvm_regs; i++)
		if (m->kvm_regs[i].id != IDREG_KVM_PSCI_VERSION)
			idreg_msgs_add_about(notes, idreg_about_kvm_reg(m->kvm_regs[i].id, 0),
					     "%s=0x%" PRIx64 ": QEMU has no option for it: the VMM must write it before the VM runs; left out",
					     idreg_kvm_uapi_name(m->kvm_regs[i].id, prop, sizeof(prop)),
					     m->kvm_regs[i].value);
	if (m->q.secure > 0)
		idreg_msgs_add(notes, "secure=on: QEMU stops under KVM (machvirt_init(): no Security extensions with KVM)");
	if (m->q.stop_why[0])
		idreg_msgs_add(notes, "QEMU stops on every host: %s (%s)", m->q.stop, m->q.stop_why);
	if ((m->q.given & m->features & IDREG_VCPU_MTE))
		idreg_msgs_add(notes, "mte=on: a migration blocker (kvm_arm_enable_mte(): \"Live migration disabled due to MTE enabled\")");
}

unsigned int idreg_model_never_starts(const struct idreg_model *m)
{
	unsigned int i, bad = (m->q.secure > 0) + !!m->q.stop_why[0];

	for (i = 0; i < m->nr; i++)
		bad += idreg_is_imp_id_slot(m->items[i].slot);
	return bad;
}
