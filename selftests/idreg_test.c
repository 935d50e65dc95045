// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the idregs selftests share (idreg_test.h): configurations, passes,
 * result names, records, result kinds.  Nothing here reports a KTAP result.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <linux/kvm.h>

#include "idreg_test.h"

int idreg_test_vm_open(struct idreg_test_vm *t, const struct idreg_vcpu_config *cfg,
		       bool imp_id, const char *release)
{
	int r;

	memset(t, 0, sizeof(*t));
	t->cfg = cfg;
	t->imp_id = imp_id;
	r = idreg_vm_open(&t->vm, cfg, imp_id ? IDREG_VM_IMP_ID : 0);
	if (r == IDREG_VM_UNAVAILABLE)
		return r;
	if (r || idreg_vm_read_all(&t->vm, t->mask, t->limit, t->readable) ||
	    idreg_vm_traits(&t->vm, t->limit, release, &t->traits))
		return -1;
	t->open = true;
	return 0;
}

void idreg_test_vm_close(struct idreg_test_vm *t)
{
	if (t->open)
		idreg_vm_destroy(&t->vm);
	t->open = false;
}

bool idreg_test_walkable(const struct idreg_field *f, uint64_t mask)
{
	uint64_t fm = idreg_field_mask(f->lsb, f->width);

	return f->kind < IDREG_FIELD_RES0 && (mask & fm) == fm;
}

const char *idreg_test_name(char *buf, size_t size, const struct idreg_vcpu_config *cfg,
			    bool imp_id, const char *fmt, ...)
{
	va_list ap;

	buf[0] = 0;
	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (imp_id)
		idreg_append(buf, size, "@imp_id_writable");
	else if (!idreg_vcpu_config_is_default(cfg))
		idreg_append(buf, size, "@%s", cfg->name);
	return buf;
}

int idreg_test_parse_configs(int argc, char **argv, const struct idreg_vcpu_config **out,
			     char *err)
{
	const char *list = IDREG_TEST_DEFAULT_CONFIGS;
	char why[IDREG_ERR_LEN];
	int i, n;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--vcpu") && i + 1 < argc) {
			list = argv[++i];
			continue;
		}
		snprintf(err, IDREG_ERR_LEN,
			 "usage: %.100s [--vcpu CONFIG[,CONFIG...]|offered|all]: bad argument '%.60s'",
			 argv[0], argv[i]);
		return -1;
	}
	/* Every configuration: those the host does not offer skip, saying why. */
	n = idreg_vcpu_config_parse(strcmp(list, "offered") ? list : "all", out,
				    IDREG_TEST_MAX_CONFIGS, why);
	if (n < 0)
		snprintf(err, IDREG_ERR_LEN, "--vcpu %.60s: %.150s", list, why);
	return n;
}

/* "# idregs-config:" for a pass of a configuration (docs/results.md). */
static void record_config(const struct idreg_test_vm *t)
{
	char features[64];

	if (!t->open) {
		idreg_test_record("config", "name=%s offered=0 reason=%s", t->cfg->name,
				  t->vm.last_error);
		return;
	}
	idreg_vcpu_features_describe(t->vm.features, features, sizeof(features));
	idreg_test_record("config", "name=%s offered=1 features=%s", t->cfg->name, features);
}

int idreg_test_passes_open(struct idreg_test_passes *p, int argc, char **argv,
			   const char *release, bool imp_pass, char *err)
{
	const struct idreg_vcpu_config *cfgs[IDREG_TEST_MAX_CONFIGS];
	struct idreg_test_vm *t;
	int i, n = idreg_test_parse_configs(argc, argv, cfgs, err);

	memset(p, 0, sizeof(*p));
	if (n < 0)
		return -1;
	for (i = 0; i < n; i++) {
		t = &p->pass[p->nr++];
		if (idreg_test_vm_open(t, cfgs[i], false, release) < 0) {
			snprintf(err, IDREG_ERR_LEN, "vcpu %s: %.200s", cfgs[i]->name,
				 t->vm.last_error);
			return -1;
		}
		record_config(t);
		if (t->open && idreg_vcpu_config_is_default(cfgs[i]))
			p->base = t;
	}
	/* The capability's pass is about MIDR/REVIDR/AIDR: once, with the default vCPU. */
	if (p->base)
		p->imp_cap = idreg_kvm_check_cap(&p->base->vm,
						 KVM_CAP_ARM_WRITABLE_IMP_ID_REGS) > 0;
	if (!imp_pass || !p->imp_cap)
		return 0;
	t = &p->pass[p->nr];
	if (idreg_test_vm_open(t, p->base->cfg, true, release)) {
		snprintf(err, IDREG_ERR_LEN, "%.200s", t->vm.last_error);
		return -1;
	}
	p->imp = t;
	p->nr++;
	return 0;
}

void idreg_test_passes_close(struct idreg_test_passes *p)
{
	unsigned int i;

	for (i = 0; i < p->nr; i++)
		idreg_test_vm_close(&p->pass[i]);
}

const char *idreg_result_kind_name(enum idreg_result_kind kind)
{
	switch (kind) {
	case IDREG_RESULT_SOURCE: return "source";
	case IDREG_RESULT_TIMING: return "timing";
	default: return "behaviour";
	}
}

void idreg_test_record(const char *kind, const char *fmt, ...)
{
	va_list ap;

	printf("# idregs-%s: ", kind);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

void idreg_append(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used >= size - 1)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
}
