"""Which ID slots KVM_GET_REG_LIST holds, read from sys_reg_descs[] (issue 27)."""
import unittest

from idregs_gen.kvm_reglist import parse_reglist
from idregs_gen.model import GenError
from idregs_gen.sysreg import parse_sysreg
from tests.common import SYSREG

SOURCE = """
#define ID_DESC_DEFAULT_CALLBACKS		\\
	.access	= access_id_reg,		\\
	.get_user = get_id_reg,			\\
	.visibility = id_visibility
#define ID_DESC(name) SYS_DESC(SYS_##name), ID_DESC_DEFAULT_CALLBACKS
#define ID_SANITISED(name) { ID_DESC(name), .val = 0, }
#define ID_UNALLOCATED(crm, op2) {			\\
	.name = "S3_0_0_" #crm "_" #op2,		\\
	Op0(3), Op1(0), CRn(0), CRm(crm), Op2(op2),	\\
	ID_DESC_DEFAULT_CALLBACKS,			\\
	.visibility = raz_visibility,			\\
}
static unsigned int id_visibility(const struct kvm_vcpu *vcpu,
				  const struct sys_reg_desc *r)
{
	return 0;
}
static unsigned int raz_visibility(const struct kvm_vcpu *vcpu,
				   const struct sys_reg_desc *r)
{
	return REG_RAZ;
}
static unsigned int odd_visibility(const struct kvm_vcpu *vcpu,
				   const struct sys_reg_desc *r)
{
	return vcpu_has_odd(vcpu) ? 0 : REG_HIDDEN;
}
static const struct sys_reg_desc sys_reg_descs[] = {
	ID_UNALLOCATED(5,2),
	ID_SANITISED(ID_AA64DFR0_EL1),
	{ SYS_DESC(SYS_ID_AA64ISAR0_EL1), access_id_reg, .visibility = odd_visibility },
	{ SYS_DESC(SYS_CTR_EL0), access_ctr, reset_ctr, CTR_EL0 },
	{ SYS_DESC(SYS_ZCR_EL1), NULL, reset_val, ZCR_EL1, 0 },
};
"""


class RegList(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.regs = parse_sysreg(SYSREG, notes=[])

    def parse(self, text):
        return {d.name: d for d in parse_reglist("sys_regs.c", self.regs, text=text)}

    def test_macros_are_expanded_from_the_file(self):
        got = self.parse(SOURCE)
        self.assertTrue(got["ID_AA64DFR0_EL1"].listed)
        self.assertEqual(got["ID_AA64DFR0_EL1"].visibility, "id_visibility")
        self.assertFalse(got["ID_AA64DFR0_EL1"].may_hide)

    def test_unallocated_slot_is_named_and_raz(self):
        got = self.parse(SOURCE)
        d = got["S3_0_0_5_2"]
        self.assertEqual(d.enc, (3, 0, 0, 5, 2))
        self.assertTrue(d.listed)
        self.assertEqual(d.visibility, "raz_visibility")
        self.assertFalse(d.may_hide)

    def test_no_reg_no_get_user_is_not_listed_and_hiding_is_seen(self):
        d = self.parse(SOURCE)["ID_AA64ISAR0_EL1"]
        self.assertFalse(d.listed)
        self.assertTrue(d.may_hide)

    def test_positional_reg_lists_and_outside_id_space_is_left_out(self):
        got = self.parse(SOURCE)
        self.assertTrue(got["CTR_EL0"].listed)
        self.assertNotIn("ZCR_EL1", got)

    def test_invariant_registers_are_listed(self):
        text = SOURCE + """
static struct sys_reg_desc invariant_sys_regs[] __ro_after_init = {
	{ SYS_DESC(SYS_ID_AA64ISAR0_EL1), NULL, reset_isar0 },
};
"""
        with self.assertRaises(GenError):
            self.parse(text)    # a second descriptor for ID_AA64ISAR0_EL1
        text = text.replace("\t{ SYS_DESC(SYS_ID_AA64ISAR0_EL1), access_id_reg, "
                            ".visibility = odd_visibility },\n", "")
        d = self.parse(text)["ID_AA64ISAR0_EL1"]
        self.assertTrue(d.listed)
        self.assertFalse(d.may_hide)


if __name__ == "__main__":
    unittest.main()
