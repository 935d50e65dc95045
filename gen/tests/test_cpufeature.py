import unittest

from idregs_gen.cpufeature import parse_cpufeature, sysreg_macros
from idregs_gen.model import GenError
from idregs_gen.sysreg import parse_sysreg
from tests.common import CPUFEATURE, SYSREG


class Fixture(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.macros = sysreg_macros(parse_sysreg(SYSREG))
        cls.tables, cls.map = parse_cpufeature(CPUFEATURE, cls.macros)

    def test_register_map(self):
        self.assertEqual(self.map, {
            "ID_AA64ISAR0_EL1": "ftr_id_aa64isar0",     # _OVERRIDE form
            "ID_AA64DFR0_EL1": "ftr_id_aa64dfr0",
            "CTR_EL0": "ftr_ctr",                       # via struct arm64_ftr_reg
            "CNTFRQ_EL0": "ftr_single32",
        })

    def test_entries_in_table_order(self):
        dfr0 = self.tables["ftr_id_aa64dfr0"]
        self.assertEqual([(b.lsb, b.width) for b in dfr0], [(36, 4), (8, 4), (0, 4)])

    def test_signed(self):
        dl = self.tables["ftr_id_aa64dfr0"][0].policy
        self.assertTrue(dl.is_signed)
        self.assertEqual((dl.type, dl.visible, dl.strict), ("LOWER_SAFE", False, True))
        self.assertFalse(self.tables["ftr_id_aa64dfr0"][1].policy.is_signed)

    def test_exact_with_enum_safe_value(self):
        debug = self.tables["ftr_id_aa64dfr0"][2]
        self.assertEqual((debug.policy.type, debug.policy.safe_val), ("EXACT", 6))
        l1ip = self.tables["ftr_ctr"][2]
        self.assertEqual((l1ip.lsb, l1ip.width, l1ip.policy.safe_val), (14, 2, 2))
        self.assertFalse(l1ip.policy.strict)

    def test_numeric_shift_and_other_types(self):
        res1 = self.tables["ftr_ctr"][0]
        self.assertEqual((res1.lsb, res1.width, res1.policy.safe_val), (31, 1, 1))
        single = self.tables["ftr_single32"][0]
        self.assertEqual((single.lsb, single.width, single.policy.type,
                          single.policy.safe_val), (0, 32, "HIGHER_OR_ZERO_SAFE", 0xf))

    def test_visible_if_enabled_counts_as_visible(self):
        self.assertTrue(self.tables["ftr_id_aa64isar0"][1].policy.visible)

    def test_location_recorded(self):
        self.assertRegex(self.tables["ftr_id_aa64dfr0"][0].where, r"cpufeature\.c:13$")


def table(entry):
    return ("static const struct arm64_ftr_bits ftr_x[] = {\n\t" + entry +
            ",\n\tARM64_FTR_END,\n};\nARM64_FTR_REG(SYS_X, ftr_x),\n")


class BadInput(unittest.TestCase):
    macros = {"R_EL1_A_SHIFT": 4}
    CASES = [
        ("unknown shift macro",
         table("ARM64_FTR_BITS(FTR_HIDDEN, FTR_STRICT, FTR_EXACT, R_EL1_B_SHIFT, 4, 0)"),
         r"c\.c:2", r"cannot resolve shift 'R_EL1_B_SHIFT'"),
        ("unknown safe value",
         table("ARM64_FTR_BITS(FTR_HIDDEN, FTR_STRICT, FTR_EXACT, 4, 4, R_EL1_A_IMP)"),
         r"c\.c:2", r"cannot resolve safe value"),
        ("unknown type",
         table("ARM64_FTR_BITS(FTR_HIDDEN, FTR_STRICT, FTR_WHATEVER, 4, 4, 0)"),
         r"c\.c:2", r"unknown ftr type"),
        ("argument count", table("ARM64_FTR_BITS(FTR_HIDDEN, FTR_STRICT, 4, 4, 0)"),
         r"c\.c:2", r"takes 6 arguments"),
        ("outside 0..63",
         table("ARM64_FTR_BITS(FTR_HIDDEN, FTR_STRICT, FTR_EXACT, 62, 4, 0)"),
         r"c\.c:2", r"outside 0\.\.63"),
        ("unknown table", "ARM64_FTR_REG(SYS_X, ftr_nope),\n", r"c\.c:1",
         r"unknown ftr_bits table"),
        ("no map", "int x;\n", r"c\.c", r"no ARM64_FTR_REG"),
    ]

    def test_cases(self):
        for desc, text, where, pattern in self.CASES:
            with self.subTest(desc):
                with self.assertRaises(GenError) as cm:
                    parse_cpufeature("c.c", self.macros, text)
                self.assertRegex(cm.exception.where, where)
                self.assertRegex(cm.exception.reason, pattern)
