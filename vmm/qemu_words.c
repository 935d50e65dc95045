// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU's words, one home: each message as QEMU IDREG_QEMU_WORDS_RELEASE
 * prints it (the format exactly as in its binary, tools/qemu-check.sh
 * checks that) and the function that prints it.  A -cpu property's error
 * is QW_GLOBAL followed by the setter's words; a hint (error_append_hint())
 * is printed on the next line.
 */
#include <stdarg.h>
#include <stdio.h>

#include "idregs/qemu_words.h"

static const struct idreg_qemu_words words[QW_NR] = {
	[QW_GLOBAL] = { "can't apply global %s.%s=%s: ", "object_apply_global_props()" },
	[QW_PROP_NOT_FOUND] = { "Property '%s.%s' not found", "object_property_find_err()" },
	[QW_EXPECTS] = { "Parameter '%s' expects %s", "qapi_bool_parse()" },
	[QW_FEATURE_NO_KVM] = { "'%s' feature not supported by %s on this host", "cpu_arm_set_sve()" },
	[QW_PAUTH_NO_KVM] = { "'pauth' feature not supported by %s on this host",
			      "arm_cpu_pauth_finalize()" },
	[QW_AARCH64_NO_KVM] = { "'aarch64' feature cannot be disabled for KVM because this host does not support 32-bit EL1",
				"aarch64_cpu_set_aarch64()" },
	[QW_SVE_ENABLE] = { "cannot enable sve%d", "arm_cpu_sve_finalize()" },
	[QW_SVE_DISABLE] = { "cannot disable sve%d", "arm_cpu_sve_finalize()" },
	[QW_SVE_NO_LENGTH] = { "This CPU does not support the vector length %d-bits.",
			       "arm_cpu_sve_finalize()" },
	[QW_SVE_ALL_OFF] = { "Disabling sve%d results in all vector lengths being disabled.",
			     "arm_cpu_sve_finalize()" },
	[QW_SVE_KVM_HOLES] = { "The KVM host requires all supported vector lengths smaller than %d bits to also be enabled.",
			       "arm_cpu_sve_finalize()" },
	[QW_SVE_NEEDS_SVE] = { "SVE must be enabled to enable vector lengths.",
			       "arm_cpu_sve_finalize()" },
	[QW_SVE_NO_KVM] = { "SVE not supported by KVM on this host", "cpu_arm_set_vq()" },
	[QW_MTE_NO_KVM] = { "MTE requested, but not supported by KVM", "machvirt_init()" },
	[QW_EL2_NO_KVM] = { "mach-virt: host kernel KVM does not support providing Virtualization extensions to the guest CPU",
			    "machvirt_init()" },
	[QW_SECURE_KVM] = { "mach-virt: %s does not support providing Security extensions (TrustZone) to the guest CPU",
			    "machvirt_init()" },
	[QW_GIC_NO_V2] = { "%s does not support GICv2 emulation", "finalize_gic_version()" },
	[QW_GIC_NO_V3] = { "%s does not support GICv3 emulation", "finalize_gic_version()" },
	[QW_GIC_NO_V4] = { "%s does not support GICv4 emulation, is virtualization=on?",
			   "finalize_gic_version()" },
	[QW_GIC_V2_ONLY] = { "%s only supports GICv2 emulation but more than 8 vcpus are requested",
			     "finalize_gic_version()" },
	[QW_GIC_BAD] = { "Invalid gic-version value", "virt_set_gic_version()" },
	[QW_EL2_GICV3] = { "KVM EL2 is only supported with in-kernel GICv3", "machvirt_init()" },
	[QW_TOPOLOGY] = { "Invalid CPU topology: product of the hierarchy must match maxcpus: %s != maxcpus (%u)",
			  "machine_parse_smp_config()" },
	[QW_SYSREG] = { "system register op0:%d op1:%d crn:%d crm:%d op2:%d", "kvm_arm_cpreg_name()" },
	[QW_SET_REG] = { "Could not set register %s to %lx (is %lx)", "write_list_to_kvmstate()" },
	[QW_VCPU_INIT] = { "kvm_init_vcpu: kvm_arch_init_vcpu failed (%lu)", "kvm_init_vcpu()" },
	[QW_PSCI_INVALID] = { "Invalid PSCI version.", "kvm_set_psci_version()" },
	[QW_PSCI_UNSUPPORTED] = { "KVM in this kernel does not support PSCI version %d.%d",
				  "kvm_arch_init_vcpu()" },
	[QW_PSCI_HINT] = { "Consider setting the kvm-psci-version property on the migration source.",
			   "kvm_arch_init_vcpu()" },
};

const struct idreg_qemu_words *idreg_qemu_words(enum idreg_qemu_word w)
{
	return w < QW_NR ? &words[w] : NULL;
}

char *idreg_qemu_say(char *buf, size_t size, enum idreg_qemu_word w, ...)
{
	va_list ap;

	va_start(ap, w);
	/* The formats are the table's: each caller passes their arguments. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	vsnprintf(buf, size, words[w].format, ap);
#pragma GCC diagnostic pop
	va_end(ap);
	return buf;
}
