/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A saved VM: what idregs' own VMM carries from one host to another
 * (docs/migration.md).  Portable: the state in memory, its text file
 * format (parse and write) and the naming of KVM/arm64 register ids by
 * their class.  lib/kvm/vcpu_state.c fills it from KVM and restores it.
 *
 * The file, one record a line, '#' comments and blank lines ignored:
 *
 *   idregs-vm-state 1                  format and version, first
 *   features pmu                       vCPU features ("none": none)
 *   imp-id-regs on                     KVM_CAP_ARM_WRITABLE_IMP_ID_REGS was on
 *   vcpus 1
 *   vgic 3                             an in-kernel GIC of that version
 *                                      (optional; its own state is not
 *                                      carried: the guest takes no interrupt)
 *   memory 0x40000000 0x10000          guest-physical base and size
 *   mem 0x1000 0011...                 64 bytes at an offset; chunks not
 *                                      listed are zero
 *   reg 0 0x6030000000100000 0x...     vCPU, KVM register id, value: the
 *                                      little-endian bytes as one hex
 *                                      number of exactly the id's size
 *   guest-slots 0 1 2 ...              the ID register slots the guest
 *                                      program reads (optional)
 *   end
 */
#ifndef IDREGS_VM_STATE_H
#define IDREGS_VM_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IDREG_VM_STATE_VERSION		1
#define IDREG_VM_STATE_MAGIC		"idregs-vm-state"
/* The largest register KVM/arm64 has: an SVE Z register of 2048 bits. */
#define IDREG_VM_STATE_MAX_REG_BYTES	256
#define IDREG_VM_STATE_MAX_VCPUS	8
#define IDREG_VM_STATE_MAX_MEM		(16UL << 20)
#define IDREG_VM_STATE_CHUNK		64
#define IDREG_VM_STATE_MAX_SLOTS	192

struct idreg_vm_state_reg {
	uint64_t id;				/* KVM_GET_REG_LIST's */
	unsigned int vcpu;
	uint8_t val[IDREG_VM_STATE_MAX_REG_BYTES];	/* idreg_kvm_reg_size() bytes */
};

struct idreg_vm_state {
	unsigned int version;
	unsigned int features;			/* enum idreg_vcpu_feature */
	bool imp_id;
	unsigned int vgic;			/* 0: none, 2 or 3 */
	unsigned int nr_vcpus;
	uint64_t mem_gpa, mem_size;
	uint8_t *mem;				/* mem_size bytes */
	struct idreg_vm_state_reg *regs;
	unsigned int nr_regs, cap_regs;
	unsigned int slots[IDREG_VM_STATE_MAX_SLOTS];
	unsigned int nr_slots;
};

void idreg_vm_state_init(struct idreg_vm_state *s);
void idreg_vm_state_free(struct idreg_vm_state *s);
/* Append a register (its value: idreg_kvm_reg_size(@id) bytes); -ENOMEM, -EINVAL. */
int idreg_vm_state_add_reg(struct idreg_vm_state *s, unsigned int vcpu, uint64_t id,
			   const void *val);
/* The register @id of @vcpu, or NULL. */
const struct idreg_vm_state_reg *idreg_vm_state_find(const struct idreg_vm_state *s,
						     unsigned int vcpu, uint64_t id);
/* The low 64 bits of a register's value (all of it for the 64-bit ones). */
uint64_t idreg_vm_state_u64(const struct idreg_vm_state_reg *r);

/*
 * Parse the text of a state file.  0, or -1 with "line N: what" in @err
 * (IDREG_ERR_LEN bytes); @s is then empty.
 */
int idreg_vm_state_parse(struct idreg_vm_state *s, const char *text, char *err);
/* The file's text, malloc'ed (NULL: out of memory). */
char *idreg_vm_state_format(const struct idreg_vm_state *s);

/* KVM/arm64 register ids (the uapi's ABI numbers, portable here). */
#define IDREG_KVM_REG_ARM64		0x6000000000000000ULL
#define IDREG_KVM_REG_ARCH_MASK		0xff00000000000000ULL
#define IDREG_KVM_REG_SIZE_SHIFT	52
#define IDREG_KVM_REG_SIZE_MASK		0x00f0000000000000ULL
#define IDREG_KVM_REG_CLASS_SHIFT	16
#define IDREG_KVM_REG_CLASS_MASK	0x0fff0000ULL

enum idreg_kvm_reg_class {
	IDREG_KVM_CORE = 0x10,
	IDREG_KVM_DEMUX = 0x11,
	IDREG_KVM_SYSREG = 0x13,
	IDREG_KVM_FW = 0x14,
	IDREG_KVM_SVE = 0x15,
	IDREG_KVM_FW_FEAT_BMAP = 0x16,
};

/* Bytes of register @id's value: 1 << its size field (0 if not arm64 or too big). */
size_t idreg_kvm_reg_size(uint64_t id);
unsigned int idreg_kvm_reg_class(uint64_t id);
/* The id of system register S<op0>_<op1>_C<crn>_C<crm>_<op2> (ARM64_SYS_REG()). */
uint64_t idreg_kvm_sysreg_id(unsigned int op0, unsigned int op1, unsigned int crn,
			     unsigned int crm, unsigned int op2);
/* Is @id a system register of the feature ID space (op0 3, op1 0/1/3, CRn 0)? */
bool idreg_kvm_reg_is_id(uint64_t id, unsigned int *op1, unsigned int *crm, unsigned int *op2);
/* The SVE vector lengths pseudo-register (set before KVM_ARM_VCPU_FINALIZE). */
#define IDREG_KVM_REG_SVE_VLS		0x606000000015ffffULL
/* The virtual counter (CNTVCT_EL0 as KVM_REG_ARM_TIMER_CNT). */
#define IDREG_KVM_REG_TIMER_CNT		0x603000000013df1aULL
/*
 * @id in words, without the register tables: "S3_0_C0_C4_0", "core
 * regs.regs[5]", "firmware PSCI_VERSION", "SVE Z3 slice 0", "demux CCSIDR 1"...
 */
const char *idreg_kvm_reg_describe(uint64_t id, char *buf, size_t size);

#endif /* IDREGS_VM_STATE_H */
