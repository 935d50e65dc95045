// SPDX-License-Identifier: GPL-2.0-only
/*
 * vcpu_surroundings_test: what surrounds the ID registers' writes.
 *
 * The other tests check each write on a fresh vCPU.  This one checks what
 * a VMM relies on around them, each check modelled on the 7.3 source
 * (function named in its comment):
 *
 *   cap.*      KVM_CHECK_EXTENSION on /dev/kvm and on the VM for the
 *              ID register capabilities, held to what the kernel then does;
 *   reg_list.* KVM_GET_REG_LIST per vCPU configuration: it holds exactly
 *              the ID slots sys_reg_descs[] describes for userspace
 *              (lib/predict/generated/idreg_reglist.c, read by gen/ from
 *              each series' sys_regs.c), writes the n it announces and
 *              nothing past it, and every register it lists reads and
 *              takes back its own value;
 *   ccsidr.*   the cache geometry KVM derives from CTR_EL0 (the demux
 *              registers KVM_REG_ARM_DEMUX_ID_CCSIDR 0..13): their
 *              values, their bounds, the rule for writing them, what the
 *              guest reads from CCSIDR_EL1 after writing CSSELR_EL1, and
 *              what they give after userspace lowers CLIDR_EL1/CTR_EL0;
 *   vcpus.*    several vCPUs of one VM: an ID register written through
 *              vCPU 1 reads the same on vCPU 0 and on a vCPU created
 *              after the write; a vCPU initialised with other features
 *              than the VM's is refused, one started powered off is not;
 *              a second KVM_ARM_VCPU_INIT with other features is refused.
 *
 * The reg_list, ccsidr and vcpus checks run once per vCPU configuration
 * (--vcpu LIST, as the other tests; without it every configuration, those
 * the host does not offer skipped with the reason); results carry
 * "@config" (none for default).  Mutants 100-109 (tools/mutate/mutants/)
 * were written first, as the KVM mistakes these checks are for.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/kvm.h>

#include "kselftest.h"
#include "idreg_test.h"
#include "idregs/declared.h"
#include "idregs/field.h"
#include "idregs/guest.h"
#include "idregs/kversion.h"
#include "idregs/kvm.h"
#include "idregs/reglist.h"

#define DETAIL_LEN		1024
#define NR_CAP_RESULTS		2
#define NR_CONFIG_RESULTS	14

/* sys_regs.c: CSSELR_MAX, the demux registers KVM lists and reads. */
#define NR_CCSIDR		14
/* CCSIDR_EL1 as sys_regs.c uses it (the sysreg file's 32-bit layout). */
#define CCSIDR_LINESIZE		0x7ULL
#define CCSIDR_ASSOC_SHIFT	3
#define CCSIDR_NUMSETS_SHIFT	13
#define CTR_IMINLINE(ctr)	((ctr) & 0xf)
#define CTR_DMINLINE(ctr)	(((ctr) >> 16) & 0xf)
#define CTR_DMINLINE_MASK	(0xfULL << 16)
#define CLIDR_CTYPE_MASK	0x1fffffULL	/* Ctype1..Ctype7, bits 20:0 */

#define CTR_SLOT		idreg_slot_index(3, 3, 0, 0, 1)
#define CLIDR_SLOT		idreg_slot_index(3, 1, 0, 0, 1)

/* Instruction words of the CCSIDR guest. */
#define INSN_ISB		0xd5033fdfU
#define INSN_MSR_CSSELR_X4	0xd51a0004U	/* msr csselr_el1, x4 */
#define INSN_MRS_CCSIDR_X0	0xd5390000U	/* mrs x0, ccsidr_el1 */
#define INSN_MOVZ_X4(imm)	(0xd2800004U | ((uint32_t)(imm) << 5))

/* The largest register KVM_GET_ONE_REG returns: an SVE Z register, 2048 bits. */
#define MAX_REG_BYTES		256
/* Entries past the announced n that KVM must leave alone. */
#define LIST_CANARIES		16
#define LIST_CANARY		0xdeadbeefcafef00dULL

static char kernel_release[128];
static unsigned int kernel_version;

static const char *name_of(char *buf, size_t size, const struct idreg_vcpu_config *cfg,
			   const char *what)
{
	return idreg_test_name(buf, size, cfg, false, "%s", what);
}

/* ---- capabilities ---------------------------------------------------- */

static int check_extension(int fd, long cap)
{
	return ioctl(fd, KVM_CHECK_EXTENSION, cap);
}

/*
 * arm.c:kvm_vm_ioctl_check_extension() answers
 * KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES with BIT(0), the feature ID range,
 * with or without a VM; a kernel whose VM answers
 * KVM_ARM_GET_REG_WRITABLE_MASKS (kvm_arch_vm_ioctl()) must say so, or a
 * VMM never asks for the masks.
 */
static void check_cap_mask_ranges(struct idreg_vm *vm)
{
	static uint64_t masks[IDREG_NR_SLOTS];
	int on_dev = check_extension(vm->kvm_fd, KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES);
	int on_vm = check_extension(vm->vm_fd, KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES);
	int r = idreg_get_writable_masks(vm, masks);
	bool bit_dev = on_dev > 0 && (on_dev & (1 << KVM_ARM_FEATURE_ID_RANGE));
	bool bit_vm = on_vm > 0 && (on_vm & (1 << KVM_ARM_FEATURE_ID_RANGE));

	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !r && bit_dev && bit_vm && on_dev == on_vm,
			 "cap.mask_ranges: KVM_CHECK_EXTENSION(KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES) answers 0x%x on /dev/kvm, 0x%x on the VM (bit %d, the feature ID range, wanted on both, the same); KVM_ARM_GET_REG_WRITABLE_MASKS %s%s\n",
			 on_dev, on_vm, KVM_ARM_FEATURE_ID_RANGE, r ? "fails: " : "answers",
			 r ? vm->last_error : "");
}

/*
 * KVM_CAP_ARM_WRITABLE_IMP_ID_REGS: where the kernel's sys_regs.c declares
 * MIDR_EL1/REVIDR_EL1/AIDR_EL1 writable (IMPLEMENTATION_ID(), the series
 * read in lib/predict/generated/idreg_declared.c), arm.c answers 1 on
 * /dev/kvm and the VM, and KVM_ENABLE_CAP succeeds on a VM without vCPUs
 * (kvm_vm_ioctl_enable_cap()); an answer of 0 must come with a refusal.
 */
static void check_cap_imp_id(void)
{
	enum idreg_decl_match match;
	const struct idreg_declared_series *s = idreg_declared_for(kernel_version, &match);
	const struct idreg_declared_reg *midr = s ? idreg_declared_reg(s, 0) : NULL;
	bool declared = midr && midr->kind == IDREG_DECL_IMP_ID;
	struct idreg_vm vm;
	int on_dev, on_vm, r;

	if (idreg_vm_create(&vm))
		ksft_exit_fail_msg("%s\n", vm.last_error);
	on_dev = check_extension(vm.kvm_fd, KVM_CAP_ARM_WRITABLE_IMP_ID_REGS);
	on_vm = check_extension(vm.vm_fd, KVM_CAP_ARM_WRITABLE_IMP_ID_REGS);
	r = idreg_vm_enable_cap(&vm, KVM_CAP_ARM_WRITABLE_IMP_ID_REGS, 0);
	idreg_vm_destroy(&vm);
	if (!s || (match == IDREG_DECL_BETWEEN && !declared)) {
		/* Not decided by the sources: the answers must still agree. */
		idreg_test_result(IDREG_RESULT_BEHAVIOUR, on_dev == on_vm && (on_vm > 0) == !r,
				 "cap.writable_imp_id: %s; answers %d on /dev/kvm, %d on the VM, KVM_ENABLE_CAP %d (the sources read do not say whether this kernel has it: they must agree)\n",
				 s ? "between two series read" : "older than every series read",
				 on_dev, on_vm, r);
		return;
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, declared ? on_dev == 1 && on_vm == 1 && !r :
				    on_dev <= 0 && on_vm <= 0 && r == -EINVAL,
			 "cap.writable_imp_id: %s %s MIDR_EL1 %s; KVM_CHECK_EXTENSION answers %d on /dev/kvm, %d on the VM, KVM_ENABLE_CAP before any vCPU returns %d (want %s)\n",
			 s->series, declared ? "declares" : "does not declare",
			 declared ? "writable (IMPLEMENTATION_ID)" : "writable",
			 on_dev, on_vm, r, declared ? "1, 1, 0" : "0, 0, -EINVAL");
}

/* ---- the register list --------------------------------------------- */

struct reg_list {
	uint64_t *ids;
	unsigned int n;
};

/* A system register's encoding from its KVM id; false for any other id. */
static bool sysreg_enc(uint64_t id, int *op0, int *op1, int *crn, int *crm, int *op2)
{
	if ((id & KVM_REG_ARM_COPROC_MASK) != KVM_REG_ARM64_SYSREG)
		return false;
	*op0 = (id & KVM_REG_ARM64_SYSREG_OP0_MASK) >> KVM_REG_ARM64_SYSREG_OP0_SHIFT;
	*op1 = (id & KVM_REG_ARM64_SYSREG_OP1_MASK) >> KVM_REG_ARM64_SYSREG_OP1_SHIFT;
	*crn = (id & KVM_REG_ARM64_SYSREG_CRN_MASK) >> KVM_REG_ARM64_SYSREG_CRN_SHIFT;
	*crm = (id & KVM_REG_ARM64_SYSREG_CRM_MASK) >> KVM_REG_ARM64_SYSREG_CRM_SHIFT;
	*op2 = (id & KVM_REG_ARM64_SYSREG_OP2_MASK) >> KVM_REG_ARM64_SYSREG_OP2_SHIFT;
	return true;
}

static bool is_id_sysreg(uint64_t id, unsigned int *slot)
{
	int op0, op1, crn, crm, op2, s;

	if (!sysreg_enc(id, &op0, &op1, &crn, &crm, &op2))
		return false;
	s = idreg_slot_index(op0, op1, crn, crm, op2);
	if (s < 0)
		return false;
	*slot = s;
	return true;
}

static bool is_ccsidr_demux(uint64_t id, unsigned int *index)
{
	if ((id & KVM_REG_ARM_COPROC_MASK) != KVM_REG_ARM_DEMUX ||
	    (id & KVM_REG_ARM_DEMUX_ID_MASK) != KVM_REG_ARM_DEMUX_ID_CCSIDR)
		return false;
	*index = (id & KVM_REG_ARM_DEMUX_VAL_MASK) >> KVM_REG_ARM_DEMUX_VAL_SHIFT;
	return true;
}

static uint64_t ccsidr_id(unsigned int index)
{
	return KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX |
	       KVM_REG_ARM_DEMUX_ID_CCSIDR | index;
}

static int one_reg(int fd, unsigned long req, uint64_t id, void *val)
{
	struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)val };

	return ioctl(fd, req, &reg) ? -errno : 0;
}

/*
 * arm.c:kvm_arch_vcpu_ioctl(KVM_GET_REG_LIST): with a short n it answers
 * E2BIG and the number (kvm_arm_num_regs()); with that n it writes
 * exactly n indices (kvm_arm_copy_reg_indices()).  The buffer has
 * canaries past n: nothing may be written there.  Returns what failed, or
 * "" with @l filled.
 */
static void get_reg_list(int vcpu_fd, struct reg_list *l, char *why, size_t size)
{
	struct kvm_reg_list probe = { .n = 0 }, *list;
	unsigned int i, n;
	int r;

	why[0] = 0;
	l->ids = NULL;
	l->n = 0;
	r = ioctl(vcpu_fd, KVM_GET_REG_LIST, &probe) ? errno : 0;
	if (r != E2BIG) {
		snprintf(why, size, "KVM_GET_REG_LIST with n = 0 returned %d (%s), want E2BIG",
			 r ? -r : 0, r ? strerror(r) : "success");
		return;
	}
	n = probe.n;
	list = calloc(1, sizeof(*list) + (n + LIST_CANARIES) * sizeof(uint64_t));
	if (!list)
		ksft_exit_fail_msg("out of memory\n");
	list->n = n;
	for (i = 0; i < n + LIST_CANARIES; i++)
		list->reg[i] = LIST_CANARY;
	if (ioctl(vcpu_fd, KVM_GET_REG_LIST, list)) {
		snprintf(why, size, "KVM_GET_REG_LIST with n = %u: %s (errno %d)", n,
			 strerror(errno), errno);
	} else if (list->n != n) {
		snprintf(why, size, "KVM_GET_REG_LIST announced %u registers, then answered n = %llu",
			 n, (unsigned long long)list->n);
	} else {
		for (i = n; i < n + LIST_CANARIES; i++)
			if (list->reg[i] != LIST_CANARY)
				break;
		if (i < n + LIST_CANARIES)
			snprintf(why, size, "KVM_GET_REG_LIST wrote past its n = %u: entry %u is 0x%llx",
				 n, i, (unsigned long long)list->reg[i]);
	}
	if (why[0]) {
		free(list);
		return;
	}
	l->ids = malloc(n * sizeof(uint64_t));
	if (!l->ids)
		ksft_exit_fail_msg("out of memory\n");
	memcpy(l->ids, list->reg, n * sizeof(uint64_t));
	l->n = n;
	free(list);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * reg_list.complete: the list as announced (above), without a canary, a
 * zero or a register twice, with the 14 CCSIDR demux registers
 * (sys_regs.c:write_demux_regids()).
 */
static void check_list_complete(const struct idreg_vcpu_config *cfg, int vcpu_fd,
				struct reg_list *l)
{
	char why[DETAIL_LEN], name[64];
	unsigned int i, dups = 0, zeros = 0, demux = 0, index;
	uint64_t *sorted;

	get_reg_list(vcpu_fd, l, why, sizeof(why));
	if (why[0]) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_FAIL, "%s: %s\n", name_of(name, sizeof(name), cfg, "reg_list.complete"),
				      why);
		return;
	}
	sorted = malloc(l->n * sizeof(uint64_t));
	if (!sorted)
		ksft_exit_fail_msg("out of memory\n");
	memcpy(sorted, l->ids, l->n * sizeof(uint64_t));
	qsort(sorted, l->n, sizeof(uint64_t), cmp_u64);
	for (i = 0; i < l->n; i++) {
		zeros += !sorted[i] || sorted[i] == LIST_CANARY;
		dups += i && sorted[i] == sorted[i - 1];
		demux += is_ccsidr_demux(sorted[i], &index) && index < NR_CCSIDR &&
			 sorted[i] == ccsidr_id(index);
	}
	free(sorted);
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !dups && !zeros && demux == NR_CCSIDR,
			 "%s: %u registers listed as announced, nothing written past them; %u twice, %u zero or unwritten, %u of the %d CCSIDR demux registers\n",
			 name_of(name, sizeof(name), cfg, "reg_list.complete"), l->n, dups, zeros,
			 demux, NR_CCSIDR);
}

/*
 * reg_list.id_slots: each ID slot is listed exactly when the kernel's
 * sys_reg_descs[] describes it with a .reg or a .get_user and no
 * visibility that hides it (sys_regs.c:walk_one_sys_reg()), as gen/ read
 * the series; and GET_ONE_REG reads a slot exactly when it is listed
 * (id_to_sys_reg_desc() applies the same rule).
 */
static void check_list_id_slots(const struct idreg_vcpu_config *cfg, struct idreg_vm *vm,
				const struct reg_list *l)
{
	char detail[DETAIL_LEN] = "", name[64], buf[32];
	const struct idreg_reglist_series *series = NULL;
	bool listed[IDREG_NR_SLOTS] = { false };
	unsigned int i, slot, bad = 0, odd = 0, nr_listed = 0, either = 0;

	if (!l->ids) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: no register list (reg_list.complete failed)\n",
				      name_of(name, sizeof(name), cfg, "reg_list.id_slots"));
		return;
	}
	for (i = 0; i < l->n; i++)
		if (is_id_sysreg(l->ids[i], &slot) && (l->ids[i] & KVM_REG_SIZE_MASK) == KVM_REG_SIZE_U64)
			listed[slot] = true;
	for (slot = 0; slot < IDREG_NR_SLOTS; slot++) {
		const struct idreg_reglist_desc *d;
		enum idreg_listed want = idreg_reglist_expect(kernel_version, slot, &series, &d);
		uint64_t val;
		bool readable = !idreg_get_slot(vm, 0, slot, &val);

		nr_listed += listed[slot];
		if (readable != listed[slot]) {
			if (odd++ + bad < 6)
				idreg_append(detail, sizeof(detail), "; %s %s but GET_ONE_REG %s",
					     idreg_slot_name(slot, buf, sizeof(buf)),
					     listed[slot] ? "listed" : "not listed",
					     readable ? "reads it" : "fails");
			continue;
		}
		if (want == IDREG_LISTED_EITHER) {
			either++;
			continue;
		}
		if ((want == IDREG_LISTED_YES) == listed[slot])
			continue;
		if (bad++ + odd < 6)
			idreg_append(detail, sizeof(detail), "; %s %s, but %s",
				     idreg_slot_name(slot, buf, sizeof(buf)),
				     listed[slot] ? "listed" : "missing",
				     d ? d->where : "sys_reg_descs[] has no descriptor for it");
	}
	vm->last_error[0] = 0;
	if (!series) {
		idreg_test_report(IDREG_RESULT_SOURCE, IDREG_SKIP,
				  "%s: kernel %s is older than every series gen/ read: nothing to hold the %u listed ID slots to\n",
				      name_of(name, sizeof(name), cfg, "reg_list.id_slots"),
				      kernel_release, nr_listed);
		return;
	}
	/* Held to the sources read, unless GET_ONE_REG disagrees with the list. */
	idreg_test_result(odd ? IDREG_RESULT_BEHAVIOUR : IDREG_RESULT_SOURCE, !bad && !odd && nr_listed,
			  "%s: %u ID slots listed, held to %s's sys_reg_descs[]%s (%u slots they leave open); %u differ from it, %u where GET_ONE_REG disagrees with the list%s\n",
			 name_of(name, sizeof(name), cfg, "reg_list.id_slots"), nr_listed,
			 series->series,
			 series->version == kernel_version ? "" :
			 series == &idreg_reglist_series[0] ? " (the newest series read)" :
			 " and the next series read (this kernel is between them)",
			 either, bad, odd, detail);
}

/* Counters move between the read and the read back: only not backwards. */
static bool is_counter(uint64_t id)
{
	return id == KVM_REG_ARM_TIMER_CNT || id == ARM64_SYS_REG(3, 3, 14, 0, 1) ||
	       id == ARM64_SYS_REG(3, 3, 14, 0, 5) || id == ARM64_SYS_REG(3, 3, 14, 0, 6);
}

/*
 * One register's save and restore: NULL, or which step failed (*@r its
 * errno; @was and @now the first 64 bits read before and after).
 */
static const char *round_trip_one(int vcpu_fd, uint64_t id, int *r, uint64_t *was, uint64_t *now)
{
	static uint8_t val[MAX_REG_BYTES], back[MAX_REG_BYTES];
	size_t size = 1UL << ((id & KVM_REG_SIZE_MASK) >> KVM_REG_SIZE_SHIFT);
	int want_set = id == KVM_REG_ARM64_SVE_VLS ? -EPERM : 0;

	*r = 0;
	if (size > MAX_REG_BYTES)
		return "size beyond 2048 bits";
	memset(val, 0, sizeof(val));
	memset(back, 0, sizeof(back));
	*r = one_reg(vcpu_fd, KVM_GET_ONE_REG, id, val);
	if (*r)
		return "GET";
	*r = one_reg(vcpu_fd, KVM_SET_ONE_REG, id, val);
	if (*r != want_set)
		return "SET of its own value";
	*r = one_reg(vcpu_fd, KVM_GET_ONE_REG, id, back);
	if (*r)
		return "GET after SET";
	memcpy(was, val, sizeof(*was));
	memcpy(now, back, sizeof(*now));
	if (is_counter(id) ? *now < *was : memcmp(back, val, size) != 0)
		return "value changed by the write back";
	return NULL;
}

/* A PMUv3 register: PMCR_EL0 and the others at CRn 9, CRm 12-14; PMEV*_EL0. */
static bool is_pmu_sysreg(uint64_t id)
{
	int op0, op1, crn, crm, op2;

	if (!sysreg_enc(id, &op0, &op1, &crn, &crm, &op2) || op0 != 3)
		return false;
	return (crn == 9 && crm >= 12 && crm <= 14 && (op1 == 0 || op1 == 3)) ||
	       (crn == 14 && crm >= 8 && op1 == 3);
}

/*
 * reg_list.pmu: the list holds PMUv3 registers exactly when the vCPU has
 * KVM_ARM_VCPU_PMU_V3 (sys_regs.c: pmu_visibility() hides them from the
 * list, and from the guest, of a vCPU without one).
 */
static void check_list_pmu(const struct idreg_vcpu_config *cfg, const struct idreg_vm *vm,
			   const struct reg_list *l)
{
	bool has_pmu = vm->features & IDREG_VCPU_PMU;
	unsigned int i, nr = 0;
	char name[64];

	if (!l->ids) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: no register list (reg_list.complete failed)\n",
				  name_of(name, sizeof(name), cfg, "reg_list.pmu"));
		return;
	}
	for (i = 0; i < l->n; i++)
		nr += is_pmu_sysreg(l->ids[i]);
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, has_pmu ? nr > 0 : nr == 0,
			  "%s: %u PMUv3 registers listed for a vCPU %s KVM_ARM_VCPU_PMU_V3 (want %s)\n",
			  name_of(name, sizeof(name), cfg, "reg_list.pmu"), nr,
			  has_pmu ? "with" : "without", has_pmu ? "some" : "none");
}

/*
 * reg_list.round_trip: every listed register reads, takes back the value
 * it read (KVM_SET_ONE_REG before the first run) and then reads that value
 * again, as a VMM's save and restore does.  The one documented refusal:
 * KVM_REG_ARM64_SVE_VLS once the vCPU is finalized, EPERM
 * (guest.c:set_sve_vls()).
 */
static void check_round_trip(const struct idreg_vcpu_config *cfg, int vcpu_fd,
			     const struct reg_list *l)
{
	char detail[DETAIL_LEN] = "", name[64];
	unsigned int i, bad = 0, done = 0;
	int r;

	if (!l->ids) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: no register list (reg_list.complete failed)\n",
				      name_of(name, sizeof(name), cfg, "reg_list.round_trip"));
		return;
	}
	for (i = 0; i < l->n; i++) {
		uint64_t was = 0, now = 0;
		const char *what = round_trip_one(vcpu_fd, l->ids[i], &r, &was, &now);

		done++;
		if (!what)
			continue;
		if (bad++ < 4 && r)
			idreg_append(detail, sizeof(detail), "; 0x%016llx: %s: %d (%s)",
				     (unsigned long long)l->ids[i], what, r, strerror(-r));
		else if (bad <= 4)
			idreg_append(detail, sizeof(detail), "; 0x%016llx: %s: 0x%llx written back, reads 0x%llx",
				     (unsigned long long)l->ids[i], what, (unsigned long long)was,
				     (unsigned long long)now);
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !bad && done == l->n,
			 "%s: %u of %u listed registers read, take back their own value and read it again (SVE_VLS: EPERM once finalized); %u failed%s\n",
			 name_of(name, sizeof(name), cfg, "reg_list.round_trip"), done - bad, l->n,
			 bad, detail);
}

/* ---- the cache geometry --------------------------------------------- */

/*
 * sys_regs.c:get_ccsidr() without a value set: LineSize from the host's
 * sanitised CTR_EL0 (get_min_cache_line_size(): IminLine for InD, else
 * DminLine, log2 words + 2 = log2 bytes, minus 4), sets and ways 1 (0), for
 * every index whether CLIDR_EL1 has the cache or not ("We don't check if
 * the cache level exists").  A new VM's CTR_EL0 is that sanitised value.
 */
static uint32_t fabricated_ccsidr(uint64_t host_ctr, unsigned int index)
{
	uint64_t words = index & 1 ? CTR_IMINLINE(host_ctr) : CTR_DMINLINE(host_ctr);

	return (uint32_t)(words + 2 - 4) & CCSIDR_LINESIZE;
}

/* A value per index that differs from every other index and passes set_ccsidr(). */
static uint32_t distinct_ccsidr(uint64_t host_ctr, unsigned int index)
{
	uint32_t line = fabricated_ccsidr(host_ctr, index);

	if (line < CCSIDR_LINESIZE)
		line++;
	return line | (index + 1) << CCSIDR_ASSOC_SHIFT | (2 * index + 1) << CCSIDR_NUMSETS_SHIFT;
}

struct ccsidr_state {
	uint64_t host_ctr, clidr;
	uint32_t val[NR_CCSIDR];
};

/*
 * ccsidr.demux: each cache CLIDR_EL1 describes (Ctype<n> of the levels
 * before the first without a cache) has its demux register, and every
 * index 0..13 reads the fabricated value of a new vCPU.
 */
static void check_ccsidr_demux(const struct idreg_vcpu_config *cfg, struct idreg_vm *vm,
			       struct ccsidr_state *st)
{
	char detail[DETAIL_LEN] = "", name[64];
	unsigned int i, bad = 0, caches = 0, level;

	for (level = 0; level < 7; level++) {
		unsigned int ctype = (st->clidr >> (3 * level)) & 7;

		if (!ctype)
			break;
		caches += (ctype & 1) + !!(ctype & 6);
	}
	for (i = 0; i < NR_CCSIDR; i++) {
		uint32_t v = 0, want = fabricated_ccsidr(st->host_ctr, i);
		int r = one_reg(vm->vcpu_fd[0], KVM_GET_ONE_REG, ccsidr_id(i), &v);

		st->val[i] = v;
		if (!r && v == want)
			continue;
		if (bad++ < 4)
			idreg_append(detail, sizeof(detail), "; index %u: %d (%s), 0x%x, want 0x%x",
				     i, r, r ? strerror(-r) : "read", v, want);
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !bad && caches,
			 "%s: CLIDR_EL1 0x%llx describes %u caches; all %d demux registers read the geometry get_ccsidr() makes from CTR_EL0 0x%llx (LineSize only: I 0x%x, D 0x%x); %u differ%s\n",
			 name_of(name, sizeof(name), cfg, "ccsidr.demux"),
			 (unsigned long long)st->clidr, caches, NR_CCSIDR,
			 (unsigned long long)st->host_ctr, fabricated_ccsidr(st->host_ctr, 1),
			 fabricated_ccsidr(st->host_ctr, 0), bad, detail);
}

/*
 * ccsidr.demux_bounds: demux_c15_get()/demux_c15_set() refuse an index
 * from CSSELR_MAX (14) on, and a size other than 32 bits, with ENOENT.
 */
static void check_ccsidr_bounds(const struct idreg_vcpu_config *cfg, struct idreg_vm *vm)
{
	static const uint64_t bad_ids[] = {
		KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | KVM_REG_ARM_DEMUX_ID_CCSIDR | 14,
		KVM_REG_ARM64 | KVM_REG_SIZE_U32 | KVM_REG_ARM_DEMUX | KVM_REG_ARM_DEMUX_ID_CCSIDR | 15,
		KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_DEMUX | KVM_REG_ARM_DEMUX_ID_CCSIDR | 0,
	};
	char detail[DETAIL_LEN] = "", name[64];
	unsigned int i, bad = 0;

	for (i = 0; i < ARRAY_SIZE(bad_ids); i++) {
		uint64_t v = 0;
		int g = one_reg(vm->vcpu_fd[0], KVM_GET_ONE_REG, bad_ids[i], &v);
		int s = one_reg(vm->vcpu_fd[0], KVM_SET_ONE_REG, bad_ids[i], &v);

		if (g == -ENOENT && s == -ENOENT)
			continue;
		bad++;
		idreg_append(detail, sizeof(detail), "; 0x%016llx: GET %d, SET %d",
			     (unsigned long long)bad_ids[i], g, s);
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !bad, "%s: indices 14 and 15 and a 64-bit index 0 are ENOENT on GET and SET%s\n",
			 name_of(name, sizeof(name), cfg, "ccsidr.demux_bounds"), detail);
}

/*
 * ccsidr.set_rules: set_ccsidr() refuses a LineSize below the minimum the
 * host's CTR_EL0 gives (EINVAL, nothing stored), and stores any other
 * 32-bit value; each index is its own (vcpu->arch.ccsidr[]), the vCPU's
 * own: vCPU 1 keeps the fabricated values.
 */
static void check_ccsidr_set(const struct idreg_vcpu_config *cfg, struct idreg_vm *vm,
			     struct ccsidr_state *st)
{
	char detail[DETAIL_LEN] = "", name[64];
	unsigned int i, bad = 0, refused = 0;

	for (i = 0; i < NR_CCSIDR; i++) {
		uint32_t line = fabricated_ccsidr(st->host_ctr, i), low = line - 1;
		int r;

		if (line) {
			r = one_reg(vm->vcpu_fd[0], KVM_SET_ONE_REG, ccsidr_id(i), &low);
			if (r != -EINVAL && bad++ < 4)
				idreg_append(detail, sizeof(detail), "; index %u: LineSize 0x%x below the host's 0x%x returned %d",
					     i, low, line, r);
			refused++;
		}
		st->val[i] = distinct_ccsidr(st->host_ctr, i);
		r = one_reg(vm->vcpu_fd[0], KVM_SET_ONE_REG, ccsidr_id(i), &st->val[i]);
		if (r && bad++ < 4)
			idreg_append(detail, sizeof(detail), "; index %u: 0x%x returned %d (%s)",
				     i, st->val[i], r, strerror(-r));
	}
	for (i = 0; i < NR_CCSIDR; i++) {
		uint32_t v0 = 0, v1 = 0, want1 = fabricated_ccsidr(st->host_ctr, i);

		one_reg(vm->vcpu_fd[0], KVM_GET_ONE_REG, ccsidr_id(i), &v0);
		one_reg(vm->vcpu_fd[1], KVM_GET_ONE_REG, ccsidr_id(i), &v1);
		if (v0 == st->val[i] && v1 == want1)
			continue;
		if (bad++ < 4)
			idreg_append(detail, sizeof(detail), "; index %u: vcpu 0 reads 0x%x (want 0x%x), vcpu 1 0x%x (want 0x%x)",
				     i, v0, st->val[i], v1, want1);
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !bad && refused,
			 "%s: %u lines below the host's minimum refused; a distinct value stored at every index of vcpu 0, vcpu 1 keeps its own%s\n",
			 name_of(name, sizeof(name), cfg, "ccsidr.set_rules"), refused, detail);
}

/*
 * ccsidr.guest: the guest writes CSSELR_EL1 with each index and reads
 * CCSIDR_EL1; both trap (HCR_EL2.TID2 or TID4, kvm_emulate.h:
 * vcpu_reset_hcr()), and access_ccsidr() gives get_ccsidr() of CSSELR's
 * Level and InD: exactly what the demux register of that index holds.
 */
static void check_ccsidr_guest(const struct idreg_vcpu_config *cfg, struct idreg_vm *vm,
			       const struct ccsidr_state *st)
{
	static struct idreg_guest_result res;
	char detail[DETAIL_LEN] = "", name[64];
	struct idreg_guest g;
	unsigned int i, bad = 0;
	int r;

	name_of(name, sizeof(name), cfg, "ccsidr.guest");
	if (vm->features & IDREG_VCPU_AARCH32) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: an AArch32 EL1 vCPU runs no AArch64 program\n", name);
		return;
	}
	r = idreg_guest_init(&g, vm);
	for (i = 0; i < NR_CCSIDR && !r; i++)
		r = idreg_guest_emit(&g, INSN_MOVZ_X4(i)) ?:
		    idreg_guest_emit(&g, INSN_MSR_CSSELR_X4) ?:
		    idreg_guest_emit(&g, INSN_ISB) ?:
		    idreg_guest_emit(&g, INSN_MRS_CCSIDR_X0) ?:
		    idreg_guest_emit(&g, idreg_insn_str(0, 1, 0));
	r = r ?: idreg_guest_emit_done(&g);
	r = r ?: idreg_guest_run(&g, 0, NULL, &res);
	idreg_guest_free(&g);
	if (r || res.nr_steps != NR_CCSIDR) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_FAIL, "%s: the guest reported %u of %d values: %s\n", name,
				      res.nr_steps, NR_CCSIDR, vm->last_error);
		return;
	}
	for (i = 0; i < NR_CCSIDR; i++) {
		if (!res.trapped[i] && res.value[i] == st->val[i])
			continue;
		if (bad++ < 4)
			idreg_append(detail, sizeof(detail), "; CSSELR %u: guest %s 0x%llx, demux 0x%x",
				     i, res.trapped[i] ? "took ESR" : "reads",
				     (unsigned long long)(res.trapped[i] ? res.esr[i] : res.value[i]),
				     st->val[i]);
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !bad, "%s: after MSR CSSELR_EL1 the guest reads each index's demux value from CCSIDR_EL1; %u differ%s\n",
			 name, bad, detail);
}

/*
 * ccsidr.after_lowering, on a vCPU of its own VM: userspace lowers
 * CTR_EL0.DminLine (FTR_LOWER_SAFE, ID_FILTERED mask) and takes a cache
 * level out of CLIDR_EL1 (the levels after the first, or the first when it
 * is the only one; set_clidr() checks RES0 and the IDC rule only).  KVM then still gives every demux register the geometry of
 * the host's CTR_EL0 (get_min_cache_line_size() reads
 * read_sanitised_ftr_reg(), not the VM's CTR_EL0, and get_ccsidr() does
 * not look at CLIDR_EL1), and set_ccsidr() still refuses a line below the
 * host's minimum, even one the lowered CTR_EL0 now allows.
 */
static void check_ccsidr_after_lowering(const struct idreg_vcpu_config *cfg,
					uint64_t host_ctr, uint64_t clidr)
{
	char detail[DETAIL_LEN] = "", name[64];
	/* One cache level fewer: the levels after the first, or the first itself. */
	uint64_t ctr = host_ctr, back = 0,
		 clidr1 = clidr & ~(CLIDR_CTYPE_MASK & (clidr & ~7ULL & CLIDR_CTYPE_MASK ? ~7ULL : ~0ULL));
	unsigned int dmin = CTR_DMINLINE(host_ctr), i, bad = 0;
	static uint64_t mask[IDREG_NR_SLOTS];
	uint32_t low;
	struct idreg_vm vm;
	int r;

	name_of(name, sizeof(name), cfg, "ccsidr.after_lowering");
	if (dmin < 3) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: CTR_EL0.DminLine 0x%x: no lower value with a CCSIDR LineSize\n",
				      name, dmin);
		return;
	}
	if (idreg_vm_open(&vm, cfg, 0) || idreg_get_writable_masks(&vm, mask))
		ksft_exit_fail_msg("%s\n", vm.last_error);
	if ((mask[CTR_SLOT] & CTR_DMINLINE_MASK) != CTR_DMINLINE_MASK ||
	    (mask[CLIDR_SLOT] & CLIDR_CTYPE_MASK) != CLIDR_CTYPE_MASK) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: CTR_EL0.DminLine (mask 0x%llx) or CLIDR_EL1's Ctype fields (mask 0x%llx) are not writable here\n",
				      name, (unsigned long long)mask[CTR_SLOT],
				      (unsigned long long)mask[CLIDR_SLOT]);
		idreg_vm_destroy(&vm);
		return;
	}
	ctr = (ctr & ~CTR_DMINLINE_MASK) | (uint64_t)(dmin - 1) << 16;
	r = idreg_set_slot(&vm, 0, CTR_SLOT, ctr) ?: idreg_set_slot(&vm, 0, CLIDR_SLOT, clidr1);
	if (r) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_FAIL, "%s: lowering: %s\n", name, vm.last_error);
		idreg_vm_destroy(&vm);
		return;
	}
	idreg_get_slot(&vm, 0, CTR_SLOT, &back);
	if (back != ctr) {
		bad++;
		idreg_append(detail, sizeof(detail), "; CTR_EL0 reads 0x%llx, written 0x%llx",
			     (unsigned long long)back, (unsigned long long)ctr);
	}
	for (i = 0; i < NR_CCSIDR; i++) {
		uint32_t v = 0, want = fabricated_ccsidr(host_ctr, i);

		r = one_reg(vm.vcpu_fd[0], KVM_GET_ONE_REG, ccsidr_id(i), &v);
		if ((r || v != want) && bad++ < 4)
			idreg_append(detail, sizeof(detail), "; index %u: %d, 0x%x, want 0x%x", i, r, v,
				     want);
	}
	/* The lowered DminLine's line: log2 words + 2 - 4. */
	low = dmin - 1 + 2 - 4;
	r = one_reg(vm.vcpu_fd[0], KVM_SET_ONE_REG, ccsidr_id(0), &low);
	if (r != -EINVAL) {
		bad++;
		idreg_append(detail, sizeof(detail), "; index 0 LineSize 0x%x (the lowered CTR_EL0's) returned %d, want -EINVAL (the host's minimum)",
			     low, r);
	}
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !bad, "%s: CTR_EL0.DminLine 0x%x -> 0x%x, CLIDR_EL1 0x%llx -> 0x%llx; the demux registers keep the host CTR_EL0's geometry and a line below the host's stays refused%s\n",
			 name, dmin, dmin - 1, (unsigned long long)clidr,
			 (unsigned long long)clidr1, detail);
	idreg_vm_destroy(&vm);
}

/* ---- several vCPUs --------------------------------------------------- */

struct id_change {
	unsigned int slot;
	const struct idreg_reg *reg;
	const struct idreg_field *field;
	uint64_t val;
};

/*
 * A change KVM stores through vCPU 1: an unsigned FTR_LOWER_SAFE field of
 * an AArch64 ID register, wholly writable, lowered to 0.  Tried, and put
 * back, until one is accepted.
 */
static bool pick_change(struct idreg_vm *vm, const uint64_t *mask, struct id_change *c)
{
	unsigned int slot, i;

	for (slot = idreg_slot_index(3, 0, 0, 6, 0); slot <= (unsigned int)idreg_slot_index(3, 0, 0, 7, 7); slot++) {
		const struct idreg_reg *reg = idreg_reg_by_slot(slot);
		uint64_t now;

		if (!reg || !mask[slot] || idreg_get_slot(vm, 1, slot, &now))
			continue;
		for (i = 0; i < reg->nr_fields; i++) {
			const struct idreg_field *f = &reg->fields[i];
			uint64_t val = idreg_field_set(now, f->lsb, f->width, 0);

			if (!idreg_test_walkable(f, mask[slot]) || f->is_signed ||
			    f->policy.type != IDREG_POLICY_LOWER_SAFE || val == now ||
			    idreg_set_slot(vm, 1, slot, val))
				continue;
			if (idreg_set_slot(vm, 1, slot, now))
				ksft_exit_fail_msg("putting back: %s\n", vm->last_error);
			*c = (struct id_change){ slot, reg, f, val };
			return true;
		}
	}
	vm->last_error[0] = 0;
	return false;
}

static bool reads_as(struct idreg_vm *vm, int vcpu, unsigned int slot, uint64_t want,
		     char *detail, size_t size)
{
	uint64_t now = 0;

	if (idreg_get_slot(vm, vcpu, slot, &now)) {
		idreg_append(detail, size, "; vcpu %d: %s", vcpu, vm->last_error);
		return false;
	}
	if (now != want)
		idreg_append(detail, size, "; vcpu %d reads 0x%016llx", vcpu,
			     (unsigned long long)now);
	return now == want;
}

/*
 * vcpus.vm_wide_via_vcpu1 and vcpus.late_vcpu: the AArch64 ID registers
 * live in the VM (sys_regs.c:is_vm_ftr_id_reg(), kvm_set_vm_id_reg()), so
 * a write through vCPU 1 reads the same on vCPU 0, and a vCPU created and
 * initialised after it keeps it (reset_vm_ftr_id_reg() initialises them
 * once, KVM_ARCH_FLAG_ID_REGS_INITIALIZED).
 */
static void check_vm_wide(const struct idreg_vcpu_config *cfg, struct idreg_vm *vm)
{
	char detail[DETAIL_LEN] = "", late[DETAIL_LEN] = "", name[64], lname[64];
	static uint64_t mask[IDREG_NR_SLOTS];
	struct id_change c;
	bool ok;

	name_of(name, sizeof(name), cfg, "vcpus.vm_wide_via_vcpu1");
	name_of(lname, sizeof(lname), cfg, "vcpus.late_vcpu");
	if (idreg_get_writable_masks(vm, mask) || !pick_change(vm, mask, &c)) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_FAIL, "%s: no AArch64 ID register field KVM lowers through vcpu 1 %s\n",
				      name, vm->last_error);
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_FAIL, "%s: nothing written to check with\n", lname);
		return;
	}
	if (idreg_set_slot(vm, 1, c.slot, c.val))
		ksft_exit_fail_msg("accepted before, now: %s\n", vm->last_error);
	ok = reads_as(vm, 0, c.slot, c.val, detail, sizeof(detail)) &
	     reads_as(vm, 1, c.slot, c.val, detail, sizeof(detail));
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, ok, "%s: %s.%s = 0 (0x%016llx) written through vcpu 1 reads the same on vcpus 0 and 1%s\n",
			 name, c.reg->name, c.field->name, (unsigned long long)c.val, detail);
	if (idreg_vcpu_add(vm))
		ksft_exit_fail_msg("%s\n", vm->last_error);
	ok = reads_as(vm, 2, c.slot, c.val, late, sizeof(late)) &
	     reads_as(vm, 0, c.slot, c.val, late, sizeof(late));
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, ok, "%s: vcpu 2, created and initialised after the write, reads %s = 0x%016llx, and vcpu 0 still does%s\n",
			 lname, c.reg->name, (unsigned long long)c.val, late);
}

/* A vCPU of @vm outside struct idreg_vm's bookkeeping, initialised with @features. */
static int raw_vcpu(struct idreg_vm *vm, int id, uint32_t features, int *fd)
{
	struct kvm_vcpu_init init;

	*fd = ioctl(vm->vm_fd, KVM_CREATE_VCPU, id);
	if (*fd < 0)
		return -errno;
	memset(&init, 0, sizeof(init));
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init))
		return -errno;
	init.features[0] = features;
	return ioctl(*fd, KVM_ARM_VCPU_INIT, &init) ? -errno : 0;
}

static int vcpu_reinit(int fd, struct idreg_vm *vm, uint32_t features)
{
	struct kvm_vcpu_init init;

	memset(&init, 0, sizeof(init));
	if (ioctl(vm->vm_fd, KVM_ARM_PREFERRED_TARGET, &init))
		return -errno;
	init.features[0] = features;
	return ioctl(fd, KVM_ARM_VCPU_INIT, &init) ? -errno : 0;
}

/* Each feature's KVM_ARM_VCPU_INIT bits: idregs/vcpu_features.def's rows. */
static const struct {
	unsigned int feature;
	uint32_t init;
} feature_init[] = {
#define IDREG_VCPU_FEATURE(...)
#define IDREG_VCPU_KVM(id, init_bits, ...)	{ IDREG_VCPU_##id, init_bits },
#include "idregs/vcpu_features.def"
#undef IDREG_VCPU_FEATURE
#undef IDREG_VCPU_KVM
};

/* The feature bits vCPU 0 was initialised with (lib/kvm/kvm.c's vcpu_init()). */
static uint32_t vcpu0_features(const struct idreg_vm *vm)
{
	uint32_t bits = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(feature_init); i++)
		if (vm->features & feature_init[i].feature)
			bits |= feature_init[i].init;
	return bits;
}

/*
 * One bit to change that kvm_vcpu_init_check_features() accepts on its
 * own: PMUv3 (added or removed) where KVM has it, else SVE; 0 when neither
 * is offered.
 */
static uint32_t other_feature(struct idreg_vm *vm)
{
	unsigned int offered = idreg_vcpu_features_offered(vm);

	if (offered & IDREG_VCPU_PMU)
		return 1U << KVM_ARM_VCPU_PMU_V3;
	if (offered & IDREG_VCPU_SVE)
		return 1U << KVM_ARM_VCPU_SVE;
	return 0;
}

/*
 * vcpus.features_agree, vcpus.power_off, vcpus.reinit_other_features
 * (arm.c): __kvm_vcpu_set_target() refuses (EINVAL) a vCPU whose features
 * differ from those the VM's first vCPU configured, leaving it
 * uninitialised (KVM_GET_REG_LIST: ENOEXEC);
 * kvm_arch_vcpu_ioctl_vcpu_init() takes KVM_ARM_VCPU_POWER_OFF out of
 * them first, so a vCPU started powered off is accepted and stopped
 * (KVM_MP_STATE_STOPPED); kvm_vcpu_set_target() refuses a second init of
 * an initialised vCPU with other features (EINVAL), and takes the same
 * ones again.
 */
static void check_features(const struct idreg_vcpu_config *cfg, struct idreg_vm *vm)
{
	char name[64], n2[64], n3[64];
	uint32_t mine = vcpu0_features(vm), flip = other_feature(vm);
	struct kvm_reg_list probe = { .n = 0 };
	struct kvm_mp_state mp = { 0 }, mp0 = { 0 };
	int fd_other = -1, fd_off = -1, r, rl, rm, rm0, again, same;

	name_of(name, sizeof(name), cfg, "vcpus.features_agree");
	name_of(n2, sizeof(n2), cfg, "vcpus.power_off");
	name_of(n3, sizeof(n3), cfg, "vcpus.reinit_other_features");
	if (!flip) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: KVM offers neither PMUv3 nor SVE: no feature to differ in\n", name);
	} else {
		r = raw_vcpu(vm, vm->nr_vcpus, mine ^ flip, &fd_other);
		rl = fd_other >= 0 && ioctl(fd_other, KVM_GET_REG_LIST, &probe) ? -errno : 0;
		idreg_test_result(IDREG_RESULT_BEHAVIOUR, r == -EINVAL && rl == -ENOEXEC,
				 "%s: vcpu %d initialised with features 0x%x (vcpu 0 has 0x%x) returned %d (want -EINVAL), then KVM_GET_REG_LIST %d (want -ENOEXEC, not initialised)\n",
				 name, vm->nr_vcpus, mine ^ flip, mine, r, rl);
	}
	r = raw_vcpu(vm, vm->nr_vcpus + 1, mine | 1U << KVM_ARM_VCPU_POWER_OFF, &fd_off);
	rm = fd_off >= 0 && ioctl(fd_off, KVM_GET_MP_STATE, &mp) ? -errno : 0;
	rm0 = ioctl(vm->vcpu_fd[0], KVM_GET_MP_STATE, &mp0) ? -errno : 0;
	idreg_test_result(IDREG_RESULT_BEHAVIOUR, !r && !rm && !rm0 && mp.mp_state == KVM_MP_STATE_STOPPED &&
			 mp0.mp_state == KVM_MP_STATE_RUNNABLE,
			 "%s: vcpu %d initialised with vcpu 0's features and KVM_ARM_VCPU_POWER_OFF returned %d (want 0); KVM_GET_MP_STATE %d/%d: it is in state %u, vcpu 0 in %u (want %u STOPPED, %u RUNNABLE)\n",
			 n2, vm->nr_vcpus + 1, r, rm, rm0, mp.mp_state, mp0.mp_state,
			 KVM_MP_STATE_STOPPED, KVM_MP_STATE_RUNNABLE);
	if (!flip) {
		idreg_test_report(IDREG_RESULT_BEHAVIOUR, IDREG_SKIP, "%s: KVM offers neither PMUv3 nor SVE: no feature to differ in\n", n3);
	} else {
		again = vcpu_reinit(vm->vcpu_fd[0], vm, mine ^ flip);
		same = vcpu_reinit(vm->vcpu_fd[0], vm, mine);
		idreg_test_result(IDREG_RESULT_BEHAVIOUR, again == -EINVAL && !same,
				 "%s: KVM_ARM_VCPU_INIT of vcpu 0 again with features 0x%x returned %d (want -EINVAL), with its own 0x%x %d (want 0)\n",
				 n3, mine ^ flip, again, mine, same);
	}
	if (fd_other >= 0)
		close(fd_other);
	if (fd_off >= 0)
		close(fd_off);
}

/* ---- one configuration ----------------------------------------------- */

/* A configuration's results, in the order run_config() reports them. */
static const char *const config_results[NR_CONFIG_RESULTS] = {
	"reg_list.complete", "reg_list.id_slots", "reg_list.round_trip", "reg_list.pmu",
	"ccsidr.demux", "ccsidr.demux_bounds", "ccsidr.set_rules", "ccsidr.guest",
	"ccsidr.after_lowering", "vcpus.vm_wide_via_vcpu1", "vcpus.late_vcpu",
	"vcpus.features_agree", "vcpus.power_off", "vcpus.reinit_other_features",
};
/* Where the parts with a VM of their own begin in it. */
#define FIRST_AFTER_LOWERING	8
#define FIRST_VCPUS		9
/*
 * The vCPUs each creates (what its time budget counts): the lowering's VM
 * one; the vCPUs' VM two, the late one and the powered-off one (the one
 * with other features is refused before KVM sets it up).
 */
#define LOWERING_VCPUS		1
#define VCPUS_VCPUS		4

static void skip_results(const struct idreg_vcpu_config *cfg, unsigned int first,
			 unsigned int end, enum idreg_result_kind kind, const char *why)
{
	char name[64];
	unsigned int i;

	for (i = first; i < end; i++)
		idreg_test_report(kind, IDREG_SKIP, "%s: %s\n",
				  name_of(name, sizeof(name), cfg, config_results[i]), why);
}

static void skip_config(const struct idreg_vcpu_config *cfg, const char *why)
{
	skip_results(cfg, 0, NR_CONFIG_RESULTS, IDREG_RESULT_BEHAVIOUR, why);
}

/*
 * A part with a VM of its own, @vcpus vCPUs in it, that the time left
 * cannot hold on a configuration with EL2 (idreg_test_cfg_part_start()):
 * its results skipped, saying why.  Otherwise its clock starts.
 */
static bool part_over_time(const struct idreg_vcpu_config *cfg, unsigned int vcpus,
			   unsigned int first, unsigned int end)
{
	char why[512];

	if (!idreg_test_cfg_part_start(cfg, vcpus, why, sizeof(why)))
		return false;
	skip_results(cfg, first, end, IDREG_RESULT_TIMING, why);
	return true;
}

static void run_config(const struct idreg_vcpu_config *cfg)
{
	struct ccsidr_state st = { 0 };
	struct reg_list list = { 0 };
	struct idreg_vm vm;
	int r = idreg_vm_open(&vm, cfg, 0);

	if (r == IDREG_VM_UNAVAILABLE) {
		idreg_test_record("config", "name=%s offered=0 reason=%s", cfg->name, vm.last_error);
		skip_config(cfg, vm.last_error);
		return;
	}
	if (!r) {
		char features[64];

		idreg_vcpu_features_describe(vm.features, features, sizeof(features));
		idreg_test_record("config", "name=%s offered=1 features=%s", cfg->name, features);
	}
	idreg_test_part_begin();
	if (r || idreg_vcpu_add(&vm) ||
	    idreg_get_slot(&vm, 0, CTR_SLOT, &st.host_ctr) ||
	    idreg_get_slot(&vm, 0, CLIDR_SLOT, &st.clidr))
		ksft_exit_fail_msg("vcpu %s: %s\n", cfg->name, vm.last_error);

	check_list_complete(cfg, vm.vcpu_fd[0], &list);
	check_list_id_slots(cfg, &vm, &list);
	check_round_trip(cfg, vm.vcpu_fd[0], &list);
	check_list_pmu(cfg, &vm, &list);
	free(list.ids);

	check_ccsidr_demux(cfg, &vm, &st);
	check_ccsidr_bounds(cfg, &vm);
	check_ccsidr_set(cfg, &vm, &st);
	check_ccsidr_guest(cfg, &vm, &st);
	idreg_vm_destroy(&vm);
	idreg_test_cfg_part_done(cfg);

	if (!part_over_time(cfg, LOWERING_VCPUS, FIRST_AFTER_LOWERING, FIRST_VCPUS)) {
		check_ccsidr_after_lowering(cfg, st.host_ctr, st.clidr);
		idreg_test_cfg_part_done(cfg);
	}

	/* The guest ran on vCPU 0: a fresh VM for the vCPUs' own checks. */
	if (part_over_time(cfg, VCPUS_VCPUS, FIRST_VCPUS, NR_CONFIG_RESULTS))
		return;
	if (idreg_vm_open(&vm, cfg, 0) || idreg_vcpu_add(&vm))
		ksft_exit_fail_msg("vcpu %s: %s\n", cfg->name, vm.last_error);
	check_vm_wide(cfg, &vm);
	check_features(cfg, &vm);
	idreg_vm_destroy(&vm);
	idreg_test_cfg_part_done(cfg);
}

int main(int argc, char **argv)
{
	const struct idreg_vcpu_config *cfgs[IDREG_TEST_MAX_CONFIGS];
	static uint64_t masks[IDREG_NR_SLOTS];
	struct idreg_vm vm;
	unsigned int i, n;
	int kvm;

	ksft_print_header();
	idreg_test_clock_start();
	kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (kvm < 0)
		ksft_exit_skip("cannot open /dev/kvm: %s\n", strerror(errno));
	close(kvm);
	idreg_kernel_release(kernel_release, sizeof(kernel_release));
	kernel_version = idreg_kernel_version(kernel_release);
	n = idreg_test_configs(argc, argv, cfgs);
	if (idreg_vm_create(&vm))
		ksft_exit_fail_msg("%s\n", vm.last_error);
	/*
	 * A kernel with neither the masks ioctl nor its capability is older
	 * than 6.8: the suite skips there, as every other test does.  One
	 * with the ioctl goes on, whatever the capability says.
	 */
	if (idreg_get_writable_masks(&vm, masks) &&
	    check_extension(vm.vm_fd, KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES) <= 0)
		ksft_exit_skip("no KVM_ARM_GET_REG_WRITABLE_MASKS (%s) and no KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES: Linux < 6.8\n",
			       vm.last_error);
	ksft_set_plan(NR_CAP_RESULTS + n * NR_CONFIG_RESULTS);
	check_cap_mask_ranges(&vm);
	idreg_vm_destroy(&vm);
	check_cap_imp_id();

	for (i = 0; i < n; i++) {
		idreg_test_pass_begin();
		run_config(cfgs[i]);
		idreg_test_config_done(cfgs[i]);
	}
	idreg_test_time_report();
	ksft_finished();
}
