import os
import tempfile
import unittest

from idregs_gen.kvm_sanitised import hidden, parse_sanitised
from idregs_gen.model import GenError
from idregs_gen.sysreg import parse_sysreg
from tests.common import SYSREG

DESCS = """
#define ID_DESC(name) SYS_DESC(SYS_##name), .reset = kvm_read_sanitised_id_reg, \\
	.visibility = id_visibility
#define ID_SANITISED(name) { ID_DESC(name), .val = 0, }
static const struct sys_reg_desc sys_reg_descs[] = {
	ID_SANITISED(ID_AA64DFR0_EL1),
};
static unsigned int id_visibility(const struct kvm_vcpu *vcpu,
				  const struct sys_reg_desc *r)
{
	return 0;
}
"""

GOOD = """
static u64 __kvm_read_sanitised_id_reg(const struct kvm_vcpu *vcpu,
				       const struct sys_reg_desc *r)
{
	u32 id = reg_to_encoding(r);
	u64 val;

	val = read_sanitised_ftr_reg(id);
	switch (id) {
	case SYS_ID_AA64DFR0_EL1:
		val = ID_REG_LIMIT_FIELD_ENUM(val, ID_AA64DFR0_EL1, DebugVer, IMP);
		val &= ~ID_AA64DFR0_EL1_PMUVer_MASK;
		if (kvm_vcpu_has_pmu(vcpu))
			val |= SYS_FIELD_PREP(ID_AA64DFR0_EL1, PMUVer, pmu_limit());
		if (!vcpu_has_sve(vcpu))
			val &= ~ID_AA64DFR0_EL1_TraceVer;
		if (host_is_fine())
			val |= SYS_FIELD_PREP_ENUM(ID_AA64DFR0_EL1, DoubleLock, NI);
		break;
	}
	return val;
}
static u64 kvm_read_sanitised_id_reg(struct kvm_vcpu *vcpu, const struct sys_reg_desc *r)
{
	return __kvm_read_sanitised_id_reg(vcpu, r);
}
"""


class Sanitised(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.regs = parse_sysreg(SYSREG)

    def parse(self, body):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "arch/arm64/kvm"))
            with open(os.path.join(d, "arch/arm64/kvm/sys_regs.c"), "w") as f:
                f.write(DESCS + body)
            return parse_sanitised(d, self.regs, {})

    def test_unknown_host_word_is_an_error(self):
        with self.assertRaises(GenError) as e:
            self.parse(GOOD)
        self.assertIn("unknown word 'host_is_fine'", e.exception.reason)
        self.assertRegex(e.exception.where, r"sys_regs.c:\d+")

    def test_operations(self):
        ops = self.parse(GOOD.replace("host_is_fine()", "system_supports_poe()"))
        got = [(o.field, o.kind, o.value, o.when, o.unless, bool(o.host)) for o in ops]
        self.assertEqual(got, [
            ("DebugVer", "CAP", 6, [], [], False),
            ("PMUVer", "CLEAR", 0, [], [], False),
            ("PMUVer", "ANY", 0, ["PMU"], [], False),
            ("TraceVer", "CLEAR", 0, [], ["SVE"], False),
            ("DoubleLock", "SET", 0xf << 36, [], [], True),
        ])

    def test_hidden(self):
        """hidden(): the registers a visibility clears whole without a host
        condition (ID_HIDDEN's raz_visibility; id_visibility's without a
        feature), not what the reset or a host-dependent visibility does."""
        descs = DESCS.replace("ID_SANITISED(ID_AA64DFR0_EL1),", """ID_SANITISED(ID_AA64DFR0_EL1),
	ID_HIDDEN(ID_AA64ISAR0_EL1),
	{ SYS_DESC(SYS_CTR_EL0), .reset = kvm_read_sanitised_id_reg,
	  .visibility = aa32_visibility },""").replace("\treturn 0;\n}", """\tif (!vcpu_has_sve(vcpu))
		return REG_RAZ;
	return 0;
}
static unsigned int aa32_visibility(const struct kvm_vcpu *vcpu,
				    const struct sys_reg_desc *r)
{
	if (!kvm_supports_32bit_el0())
		return REG_RAZ;
	return 0;
}""")
        descs = "#define ID_HIDDEN(name) { ID_DESC(name), .visibility = raz_visibility, }\n" + descs
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "arch/arm64/kvm"))
            with open(os.path.join(d, "arch/arm64/kvm/sys_regs.c"), "w") as f:
                f.write(descs + GOOD.replace("host_is_fine()", "system_supports_poe()"))
            ops = parse_sanitised(d, self.regs, {})
        self.assertEqual([(o.reg, o.func, o.unless) for o in hidden(ops)], [
            ("ID_AA64DFR0_EL1", "id_visibility", ["SVE"]),
            ("ID_AA64ISAR0_EL1", "raz_visibility", []),
        ])
        self.assertTrue(any(o.reg == "CTR_EL0" and o.host and o.visibility for o in ops),
                        "the host-dependent visibility is read, not hidden")

    def test_unreadable_statement_is_an_error(self):
        with self.assertRaises(GenError) as e:
            self.parse(GOOD.replace("val &= ~ID_AA64DFR0_EL1_PMUVer_MASK;",
                                    "val ^= ID_AA64DFR0_EL1_PMUVer_MASK;"))
        self.assertIn("cannot read statement", e.exception.reason)


if __name__ == "__main__":
    unittest.main()
