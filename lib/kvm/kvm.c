// SPDX-License-Identifier: GPL-2.0-only
/*
 * KVM/arm64 access: VM and vCPU life cycle, writable masks, ONE_REG by
 * ID register encoding.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "idregs/declared.h"
#include "idregs/field.h"
#include "idregs/kvm.h"
#include "idregs/kvm_rules.h"
#include "idregs/util.h"
#include "idregs/vcpu_config.h"

/* What this process asked of KVM so far (idreg_kvm_counters()). */
static struct idreg_kvm_counters counters;

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void idreg_kvm_counters(struct idreg_kvm_counters *out)
{
	*out = counters;
}

void idreg_kvm_count_run(double seconds)
{
	counters.run_s += seconds;
}

int idreg_vm_fail(struct idreg_vm *vm, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(vm->last_error, sizeof(vm->last_error), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(vm->last_error))
		snprintf(vm->last_error + n, sizeof(vm->last_error) - n,
			 ": %s (errno %d)", strerror(err), err);
	return -err;
}

const char *idreg_kvm_unavailable(void)
{
	static char why[160];
	int kvm, vm, r;

	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0) {
		snprintf(why, sizeof(why), "cannot open /dev/kvm: %s", strerror(errno));
		return why;
	}
	r = ioctl(kvm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES);
	if (r <= 0) {
		close(kvm);
		return "KVM lacks KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES (230): no writable ID register masks (Linux < 6.8)";
	}
	vm = ioctl(kvm, KVM_CREATE_VM, 0);
	if (vm < 0) {
		snprintf(why, sizeof(why), "KVM_CREATE_VM: %s", strerror(errno));
		close(kvm);
		return why;
	}
	counters.vms++;
	r = ioctl(vm, KVM_CHECK_EXTENSION, KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES);
	close(vm);
	close(kvm);
	if (r & (1 << KVM_ARM_FEATURE_ID_RANGE))
		return NULL;
	return "KVM does not offer the feature ID mask range (KVM_ARM_FEATURE_ID_RANGE)";
}

int idreg_vm_create(struct idreg_vm *vm)
{
	double t0 = seconds_now();

	memset(vm, 0, sizeof(*vm));
	vm->vm_fd = -1;
	vm->vgic_fd = -1;
	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0)
		return idreg_vm_fail(vm, errno, "open /dev/kvm");
	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	counters.create_s += seconds_now() - t0;
	if (vm->vm_fd < 0)
		return idreg_vm_fail(vm, errno, "KVM_CREATE_VM");
	counters.vms++;
	return 0;
}

int idreg_kvm_check_cap(struct idreg_vm *vm, long cap)
{
	int r = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, cap);

	return r < 0 ? 0 : r;
}

int idreg_vm_enable_cap(struct idreg_vm *vm, uint32_t cap, uint64_t arg0)
{
	struct kvm_enable_cap ec = { .cap = cap, .args = { arg0 } };

	if (ioctl(vm->vm_fd, KVM_ENABLE_CAP, &ec))
		return idreg_vm_fail(vm, errno, "KVM_ENABLE_CAP %u", cap);
	return 0;
}

/*
 * Each feature of a configuration (idregs/vcpu_features.def): KVM's
 * capability and vCPU feature bits; a vm_cap one is enabled on the VM
 * before the first vCPU.
 */
static const struct {
	unsigned int feature;
	long cap, cap2;			/* KVM_CHECK_EXTENSION; cap2 0: none */
	bool vm_cap;			/* KVM_ENABLE_CAP cap on the VM */
	const char *caps, *caps2;	/* for messages */
	uint32_t init;			/* kvm_vcpu_init.features[0] */
} feature_kvm[] = {
#define IDREG_VCPU_FEATURE(...)
#define IDREG_VCPU_KVM(id, init_bits, c, c2, vm)	\
	{ IDREG_VCPU_##id, c, c2, vm, #c, (c2) ? " and " #c2 : "", init_bits },
#include "idregs/vcpu_features.def"
#undef IDREG_VCPU_FEATURE
#undef IDREG_VCPU_KVM
};

_Static_assert(ARRAY_SIZE(feature_kvm) == IDREG_VCPU_NR_FEATURES, "one IDREG_VCPU_KVM row per feature");

unsigned int idreg_vcpu_features_offered(struct idreg_vm *vm)
{
	unsigned int i, offered = 0;

	for (i = 0; i < ARRAY_SIZE(feature_kvm); i++)
		if (idreg_kvm_check_cap(vm, feature_kvm[i].cap) > 0 &&
		    (!feature_kvm[i].cap2 || idreg_kvm_check_cap(vm, feature_kvm[i].cap2) > 0))
			offered |= feature_kvm[i].feature;
	return offered;
}

static uint32_t init_features(unsigned int features)
{
	uint32_t bits = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(feature_kvm); i++)
		if (features & feature_kvm[i].feature)
			bits |= feature_kvm[i].init;
	return bits;
}

int idreg_vcpu_init_with(struct idreg_vm *vm, int vcpu, unsigned int features)
{
	struct kvm_vcpu_init init;

	memset(&init, 0, sizeof(init));
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init))
		return idreg_vm_fail(vm, errno, "KVM_ARM_PREFERRED_TARGET");
	init.features[0] |= init_features(features);
	if (vm->psci_0_2)
		init.features[0] |= 1U << KVM_ARM_VCPU_PSCI_0_2;
	if (ioctl(vm->vcpu_fd[vcpu], KVM_ARM_VCPU_INIT, &init))
		return idreg_vm_fail(vm, errno, "KVM_ARM_VCPU_INIT vcpu %d, features 0x%x", vcpu,
			    init.features[0]);
	return 0;
}

static int vcpu_init(struct idreg_vm *vm, int vcpu)
{
	return idreg_vcpu_init_with(vm, vcpu, vm->features);
}

/*
 * What each vCPU of a feature needs once, after its first
 * KVM_ARM_VCPU_INIT and before it runs (idregs/vcpu_features.def's
 * IDREG_VCPU_FINALIZE and IDREG_VCPU_ATTR rows): every finalize first
 * (SVE, with the host's vector lengths), then the device attributes (the
 * PMU's init, without an interrupt).
 */
enum vcpu_step_kind { STEP_FINALIZE, STEP_ATTR };

static const struct vcpu_step {
	unsigned int feature;
	enum vcpu_step_kind kind;
	int what;			/* KVM_ARM_VCPU_FINALIZE's argument */
	uint32_t group;			/* KVM_SET_DEVICE_ATTR's */
	uint64_t attr;
	const char *name;		/* for messages */
} vcpu_steps[] = {
#define IDREG_VCPU_FEATURE(...)
#define IDREG_VCPU_FINALIZE(id, w)	\
	{ IDREG_VCPU_##id, STEP_FINALIZE, w, 0, 0, "KVM_ARM_VCPU_FINALIZE(" #w ")" },
#define IDREG_VCPU_ATTR(id, g, a)	\
	{ IDREG_VCPU_##id, STEP_ATTR, 0, g, a, "KVM_SET_DEVICE_ATTR " #a },
#include "idregs/vcpu_features.def"
#undef IDREG_VCPU_FEATURE
};

static int vcpu_step(struct idreg_vm *vm, int vcpu, const struct vcpu_step *s)
{
	struct kvm_device_attr attr = { .group = s->group, .attr = s->attr };
	int what = s->what;
	int r;

	if (s->kind == STEP_FINALIZE)
		r = ioctl(vm->vcpu_fd[vcpu], KVM_ARM_VCPU_FINALIZE, &what);
	else
		r = ioctl(vm->vcpu_fd[vcpu], KVM_SET_DEVICE_ATTR, &attr);
	if (r)
		return idreg_vm_fail(vm, errno, "%s vcpu %d", s->name, vcpu);
	return 0;
}

static int vcpu_setup(struct idreg_vm *vm, int vcpu)
{
	enum vcpu_step_kind kind;
	unsigned int i;
	int r;

	for (kind = STEP_FINALIZE; kind <= STEP_ATTR; kind++)
		for (i = 0; i < ARRAY_SIZE(vcpu_steps); i++) {
			if (vcpu_steps[i].kind != kind || !(vm->features & vcpu_steps[i].feature))
				continue;
			r = vcpu_step(vm, vcpu, &vcpu_steps[i]);
			if (r)
				return r;
		}
	return 0;
}

int idreg_vcpu_create(struct idreg_vm *vm)
{
	int id = vm->nr_vcpus, fd, size, err;
	void *run;

	if (id >= IDREG_MAX_VCPUS)
		return idreg_vm_fail(vm, ENOSPC, "vcpu %d: at most %d vCPUs", id, IDREG_MAX_VCPUS);
	fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (fd < 0)
		return idreg_vm_fail(vm, errno, "KVM_CREATE_VCPU %d", id);
	size = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (size < 0) {
		err = errno;
		close(fd);
		return idreg_vm_fail(vm, err, "KVM_GET_VCPU_MMAP_SIZE");
	}
	run = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (run == MAP_FAILED) {
		err = errno;
		close(fd);
		return idreg_vm_fail(vm, err, "mmap kvm_run of vcpu %d", id);
	}
	vm->run_size = size;
	vm->vcpu_fd[id] = fd;
	vm->vcpu_run[id] = run;
	vm->nr_vcpus++;
	counters.vcpus++;
	if (vm->features & IDREG_VCPU_EL2)
		counters.el2_vcpus++;
	return 0;
}

int idreg_vcpu_add(struct idreg_vm *vm)
{
	double t0 = seconds_now();
	int id = vm->nr_vcpus;
	int r = idreg_vcpu_create(vm) ?: vcpu_init(vm, id) ?: vcpu_setup(vm, id);

	counters.create_s += seconds_now() - t0;
	return r;
}

int idreg_vcpu_reinit(struct idreg_vm *vm, int vcpu)
{
	return vcpu_init(vm, vcpu);
}

/* The VM capabilities of the VM's features, before any vCPU (MTE). */
static int enable_vm_caps(struct idreg_vm *vm)
{
	unsigned int i;
	int r;

	for (i = 0; i < ARRAY_SIZE(feature_kvm); i++) {
		if (!(vm->features & feature_kvm[i].feature) || !feature_kvm[i].vm_cap)
			continue;
		r = idreg_vm_enable_cap(vm, feature_kvm[i].cap, 0);
		if (r)
			return r;
	}
	return 0;
}

/* Name in @buf what of @features the host does not offer. */
static void missing_caps(unsigned int features, unsigned int offered, char *buf, size_t size)
{
	unsigned int i;
	size_t used = 0;

	buf[0] = 0;
	for (i = 0; i < ARRAY_SIZE(feature_kvm) && used < size; i++)
		if (features & feature_kvm[i].feature & ~offered)
			used += snprintf(buf + used, size - used, "%s%s (%s%s)", used ? ", " : "",
					 idreg_vcpu_feature_name(feature_kvm[i].feature),
					 feature_kvm[i].caps, feature_kvm[i].caps2);
}

/* KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, as @flags ask: only before vCPUs. */
static int enable_imp_id(struct idreg_vm *vm, unsigned int flags)
{
	if ((flags & IDREG_VM_IMP_ID_IF_OFFERED) &&
	    idreg_kvm_check_cap(vm, KVM_CAP_ARM_WRITABLE_IMP_ID_REGS) <= 0)
		return 0;
	if (!(flags & (IDREG_VM_IMP_ID | IDREG_VM_IMP_ID_IF_OFFERED)))
		return 0;
	if (idreg_vm_enable_cap(vm, KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, 0))
		return -EINVAL;
	vm->imp_id_on = true;
	return 0;
}

/* Where the vGIC's distributor and redistributors are (QEMU virt's layout). */
#define VGIC_DIST_GPA		0x08000000ULL
#define VGIC_REDIST_GPA		0x080a0000ULL

static int vgic_attr(struct idreg_vm *vm, uint32_t group, uint64_t attr, uint64_t *val,
		     const char *what)
{
	struct kvm_device_attr a = {
		.group = group, .attr = attr, .addr = (uint64_t)(uintptr_t)val,
	};

	if (ioctl(vm->vgic_fd, KVM_SET_DEVICE_ATTR, &a))
		return idreg_vm_fail(vm, errno, "vGICv3 %s", what);
	return 0;
}

/* An in-kernel GICv3 with its addresses; initialised by idreg_vm_prepare_run(). */
static int vgic_create(struct idreg_vm *vm)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
	uint64_t dist = VGIC_DIST_GPA, redist = VGIC_REDIST_GPA;

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &dev))
		return idreg_vm_fail(vm, errno, "KVM_CREATE_DEVICE KVM_DEV_TYPE_ARM_VGIC_V3");
	vm->vgic_fd = dev.fd;
	return vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_DIST, &dist,
			 "distributor address 0x8000000") ?:
	       vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V3_ADDR_TYPE_REDIST, &redist,
			 "redistributor address 0x80a0000");
}

unsigned int idreg_vgic_offered(struct idreg_vm *vm)
{
	static const uint32_t types[] = { KVM_DEV_TYPE_ARM_VGIC_V2, KVM_DEV_TYPE_ARM_VGIC_V3 };
	unsigned int i, offered = 0;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		struct kvm_create_device dev = {
			.type = types[i], .flags = KVM_CREATE_DEVICE_TEST,
		};

		if (!ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &dev))
			offered |= 1U << (i + 2);
	}
	return offered;
}

/* QEMU virt's GICv2 layout: distributor, then the CPU interface. */
#define VGIC_V2_CPU_GPA		0x08010000ULL

static int vgic_v2_create(struct idreg_vm *vm)
{
	struct kvm_create_device dev = { .type = KVM_DEV_TYPE_ARM_VGIC_V2 };
	uint64_t dist = VGIC_DIST_GPA, cpu = VGIC_V2_CPU_GPA;

	if (ioctl(vm->vm_fd, KVM_CREATE_DEVICE, &dev))
		return idreg_vm_fail(vm, errno, "KVM_CREATE_DEVICE KVM_DEV_TYPE_ARM_VGIC_V2");
	vm->vgic_fd = dev.fd;
	vm->vgic_v2 = true;
	return vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_DIST, &dist,
			 "distributor address 0x8000000") ?:
	       vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_ADDR, KVM_VGIC_V2_ADDR_TYPE_CPU, &cpu,
			 "CPU interface address 0x8010000");
}

int idreg_vm_add_vgic(struct idreg_vm *vm, unsigned int version)
{
	double t0 = seconds_now();
	int r;

	if (vm->vgic_fd >= 0)
		return 0;
	r = version == 2 ? vgic_v2_create(vm) : vgic_create(vm);
	counters.create_s += seconds_now() - t0;
	return r;
}

int idreg_sve_vls(struct idreg_vm *vm, uint32_t *vls)
{
	uint64_t words[8] = { 0 };
	struct kvm_one_reg reg = {
		.id = KVM_REG_ARM64_SVE_VLS, .addr = (uint64_t)(uintptr_t)words,
	};

	if (ioctl(vm->vcpu_fd[0], KVM_GET_ONE_REG, &reg))
		return idreg_vm_fail(vm, errno, "KVM_GET_ONE_REG KVM_REG_ARM64_SVE_VLS");
	/* Bit vq - 1 of the first word: 128 * vq bits; QEMU names up to sve2048. */
	*vls = (uint32_t)(words[0] & 0xffff);
	return 0;
}

int idreg_vm_prepare_run(struct idreg_vm *vm)
{
	int r;

	if (vm->vgic_fd < 0 || vm->vgic_ready)
		return 0;
	r = vgic_attr(vm, KVM_DEV_ARM_VGIC_GRP_CTRL, KVM_DEV_ARM_VGIC_CTRL_INIT, NULL,
		      "KVM_DEV_ARM_VGIC_CTRL_INIT");
	vm->vgic_ready = !r;
	return r;
}

/* The features whose VMs get an in-kernel GICv3 (IDREG_VCPU_VGIC rows). */
static const unsigned int vgic_features[] = {
#define IDREG_VCPU_FEATURE(...)
#define IDREG_VCPU_VGIC(id)	IDREG_VCPU_##id,
#include "idregs/vcpu_features.def"
#undef IDREG_VCPU_FEATURE
};

static bool needs_vgic(unsigned int features)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vgic_features); i++)
		if (features & vgic_features[i])
			return true;
	return false;
}

int idreg_vm_open(struct idreg_vm *vm, const struct idreg_vcpu_config *cfg, unsigned int flags)
{
	unsigned int offered;
	char missing[160];
	int r = idreg_vm_create(vm);

	if (r)
		return r;
	offered = idreg_vcpu_features_offered(vm);
	vm->features = idreg_vcpu_config_features(cfg, offered);
	if (vm->features & ~offered) {
		missing_caps(vm->features, offered, missing, sizeof(missing));
		snprintf(vm->last_error, sizeof(vm->last_error),
			 "vCPU configuration %s: KVM does not offer %s on this host", cfg->name,
			 missing);
		idreg_vm_destroy(vm);
		return IDREG_VM_UNAVAILABLE;
	}
	r = enable_imp_id(vm, flags) ?: enable_vm_caps(vm);
	vm->psci_0_2 = (flags & IDREG_VM_PSCI_0_2) && idreg_kvm_check_cap(vm, KVM_CAP_ARM_PSCI_0_2) > 0;
	r = r ?: idreg_vcpu_add(vm);
	if (!r && needs_vgic(vm->features))
		r = idreg_vm_add_vgic(vm, 3);
	return r;
}

/*
 * Does the host run AArch32 at EL0 (KVM's kvm_supports_32bit_el0(), which
 * decides whether the AArch32 ID registers are visible)?  For a VM whose
 * features rewrite ID_AA64PFR0_EL1.EL0 (EL2: limit_nv_id_reg() reads it as
 * AArch64 only), ask a VM without features.
 */
static int host_aarch32_el0(struct idreg_vm *vm, bool *yes)
{
	/* The host's answer: asked once per process, one VM fewer per EL2 VM. */
	static int known = -1;
	struct idreg_vm probe;
	uint64_t pfr0;
	int r;

	if (known >= 0) {
		*yes = known;
		return 0;
	}
	r = idreg_vm_open(&probe, NULL, 0) ?: idreg_get(&probe, 0, 0, 4, 0, &pfr0);
	if (r)
		snprintf(vm->last_error, sizeof(vm->last_error), "a VM without features: %.200s",
			 probe.last_error);
	else
		known = *yes = (pfr0 & 0xf) >= 2;
	idreg_vm_destroy(&probe);
	return r;
}

int idreg_vm_traits(struct idreg_vm *vm, const uint64_t limit[IDREG_NR_SLOTS],
		    const char *release, struct idreg_vm_traits *t)
{
	idreg_vm_traits_init(t, limit, vm->imp_id_on, release);
	idreg_vm_traits_set_features(t, vm->features);
	t->vgic_v3 = vm->vgic_fd >= 0 && !vm->vgic_v2;
	/* ID_AA64PFR0_EL1.EL0, bits 3:0, in any series' sanitising code. */
	if (idreg_sanitised_by_features(idreg_slot_index(3, 0, 0, 4, 0), 0xf, vm->features))
		return host_aarch32_el0(vm, &t->aarch32_el0);
	return 0;
}

int idreg_vm_read_all(struct idreg_vm *vm, uint64_t mask[IDREG_NR_SLOTS],
		      uint64_t val[IDREG_NR_SLOTS], bool readable[IDREG_NR_SLOTS])
{
	int slot, r = idreg_get_writable_masks(vm, mask);

	if (r)
		return r;
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		bool ok = !idreg_get_slot(vm, 0, slot, &val[slot]);

		if (readable)
			readable[slot] = ok;
	}
	vm->last_error[0] = 0;
	return 0;
}

void idreg_vm_destroy(struct idreg_vm *vm)
{
	double t0 = seconds_now();	/* then the time it took */
	int i, el2 = vm->features & IDREG_VCPU_EL2 ? vm->nr_vcpus : 0;

	/* A kvm_run mapping holds its vCPU, and so the VM, until unmapped. */
	for (i = 0; i < vm->nr_vcpus; i++) {
		munmap(vm->vcpu_run[i], vm->run_size);
		close(vm->vcpu_fd[i]);
	}
	if (vm->vgic_fd >= 0)
		close(vm->vgic_fd);
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->nr_vcpus = 0;
	vm->vm_fd = vm->kvm_fd = vm->vgic_fd = -1;
	vm->vgic_ready = vm->vgic_v2 = false;
	t0 = seconds_now() - t0;
	counters.destroy_s += t0;
	if (el2 && t0 / el2 > counters.el2_vcpu_destroy_max_s)
		counters.el2_vcpu_destroy_max_s = t0 / el2;
}

int idreg_get_writable_masks_with(struct idreg_vm *vm, uint64_t masks[IDREG_NR_SLOTS],
				  uint32_t range_id, int word, uint32_t val)
{
	struct reg_mask_range range;

	memset(&range, 0, sizeof(range));
	range.addr = (uint64_t)(uintptr_t)masks;
	range.range = range_id;
	if (word >= (int)ARRAY_SIZE(range.reserved))
		return idreg_vm_fail(vm, EINVAL, "reserved word %d: struct reg_mask_range has %zu",
			    word, ARRAY_SIZE(range.reserved));
	if (word >= 0)
		range.reserved[word] = val;
	if (ioctl(vm->vm_fd, KVM_ARM_GET_REG_WRITABLE_MASKS, &range))
		return idreg_vm_fail(vm, errno, "KVM_ARM_GET_REG_WRITABLE_MASKS range %u, reserved[%d] = 0x%x",
			    range_id, word, val);
	return 0;
}

int idreg_get_writable_masks(struct idreg_vm *vm, uint64_t masks[IDREG_NR_SLOTS])
{
	memset(masks, 0, IDREG_NR_SLOTS * sizeof(masks[0]));
	return idreg_get_writable_masks_with(vm, masks, KVM_ARM_FEATURE_ID_RANGE, -1, 0);
}

static uint64_t one_reg_id(int op1, int crm, int op2)
{
	return ARM64_SYS_REG(3, op1, 0, crm, op2);
}

static int one_reg(struct idreg_vm *vm, int vcpu, unsigned long req,
		   int op1, int crm, int op2, uint64_t *val)
{
	struct kvm_one_reg reg = {
		.id = one_reg_id(op1, crm, op2),
		.addr = (uint64_t)(uintptr_t)val,
	};

	if (vcpu < 0 || vcpu >= vm->nr_vcpus)
		return idreg_vm_fail(vm, EINVAL, "vcpu %d does not exist", vcpu);
	if (req == KVM_SET_ONE_REG)
		counters.sets++;
	else
		counters.gets++;
	if (ioctl(vm->vcpu_fd[vcpu], req, &reg))
		return idreg_vm_fail(vm, errno, "%s S3_%d_C0_C%d_%d = 0x%016llx on vcpu %d",
			    req == KVM_SET_ONE_REG ? "KVM_SET_ONE_REG" : "KVM_GET_ONE_REG",
			    op1, crm, op2, (unsigned long long)*val, vcpu);
	return 0;
}

int idreg_get(struct idreg_vm *vm, int vcpu, int op1, int crm, int op2, uint64_t *val)
{
	*val = 0;
	return one_reg(vm, vcpu, KVM_GET_ONE_REG, op1, crm, op2, val);
}

int idreg_set(struct idreg_vm *vm, int vcpu, int op1, int crm, int op2, uint64_t val)
{
	return one_reg(vm, vcpu, KVM_SET_ONE_REG, op1, crm, op2, &val);
}

int idreg_try_set_slot(struct idreg_vm *vm, int vcpu, int slot, uint64_t val)
{
	struct idreg_encoding e;
	struct kvm_one_reg reg = { .addr = (uint64_t)(uintptr_t)&val };

	if (idreg_slot_encoding(slot, &e))
		return idreg_vm_fail(vm, EINVAL, "no ID register slot %d", slot);
	if (vcpu < 0 || vcpu >= vm->nr_vcpus)
		return idreg_vm_fail(vm, EINVAL, "vcpu %d does not exist", vcpu);
	reg.id = one_reg_id(e.op1, e.crm, e.op2);
	counters.sets++;
	return ioctl(vm->vcpu_fd[vcpu], KVM_SET_ONE_REG, &reg) ? -errno : 0;
}

int idreg_get_slot(struct idreg_vm *vm, int vcpu, int slot, uint64_t *val)
{
	struct idreg_encoding e;

	if (idreg_slot_encoding(slot, &e))
		return idreg_vm_fail(vm, EINVAL, "no ID register slot %d", slot);
	return idreg_get(vm, vcpu, e.op1, e.crm, e.op2, val);
}

int idreg_set_slot(struct idreg_vm *vm, int vcpu, int slot, uint64_t val)
{
	struct idreg_encoding e;

	if (idreg_slot_encoding(slot, &e))
		return idreg_vm_fail(vm, EINVAL, "no ID register slot %d", slot);
	return idreg_set(vm, vcpu, e.op1, e.crm, e.op2, val);
}

uint64_t idreg_host_ctr_el0(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, ctr_el0" : "=r"(v));
	return v;
}

uint64_t idreg_host_dczid_el0(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, dczid_el0" : "=r"(v));
	return v;
}

void idreg_kernel_release(char *buf, size_t size)
{
	struct utsname u;

	if (uname(&u))
		u.release[0] = 0;
	snprintf(buf, size, "%s", u.release);
}
