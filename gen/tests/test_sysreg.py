import unittest

from idregs_gen.model import GenError, SRC_SUPPLEMENT
from idregs_gen.sysreg import id_space, parse_sysreg
from tests.common import SYSREG


class GoodFixture(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.regs = parse_sysreg(SYSREG)

    def test_enum_kinds_and_values(self):
        aes = self.regs["ID_AA64ISAR0_EL1"].field("AES")
        self.assertEqual((aes.lsb, aes.width, aes.kind), (4, 4, "UNSIGNED_ENUM"))
        self.assertFalse(aes.is_signed)
        self.assertEqual([(v.value, v.name) for v in aes.values],
                         [(0, "NI"), (1, "AES"), (2, "PMULL")])
        l1ip = self.regs["CTR_EL0"].field("L1Ip")
        self.assertEqual(l1ip.kind, "ENUM")
        self.assertEqual([v.value for v in l1ip.values], [0, 2, 3])

    def test_signed_enum(self):
        dl = self.regs["ID_AA64DFR0_EL1"].field("DoubleLock")
        self.assertEqual(dl.kind, "SIGNED_ENUM")
        self.assertTrue(dl.is_signed)

    def test_reserved_fields_and_order(self):
        ctr = self.regs["CTR_EL0"]
        kinds = [(f.name, f.kind) for f in ctr.fields[:4]]
        self.assertEqual(kinds, [("RES0_63_32", "RES0"), ("RES1_31_31", "RES1"),
                                 ("UNKN_30_30", "UNKN"), ("DIC", "PLAIN")])
        lsbs = [f.lsb for f in ctr.fields]
        self.assertEqual(lsbs, sorted(lsbs, reverse=True))

    def test_sysregfields_indirection_and_mapping(self):
        zcr = self.regs["ZCR_EL1"]
        self.assertEqual([(f.name, f.kind) for f in zcr.fields],
                         [("RES0_63_9", "RES0"), ("RAZ_8_4", "RAZ"), ("LEN", "PLAIN")])
        self.assertEqual([f.name for f in self.regs["ZCR_EL12"].fields],
                         [f.name for f in zcr.fields])

    def test_prefix_layout_dropped(self):
        self.assertEqual([f.name for f in self.regs["ICH_TEST_EL2"].fields],
                         ["RES0_63_8", "VPMR"])

    def test_id_space_selection(self):
        # Sorted by encoding; ZCR_EL1, ICH_*, DANGLING_EL1 are outside.
        self.assertEqual([r.name for r in id_space(self.regs)],
                         ["ID_AA64DFR0_EL1", "ID_AA64ISAR0_EL1", "CTR_EL0"])

    def test_dangling_fields_only_matter_when_used(self):
        self.assertIn("DANGLING_EL1", self.regs)
        text = "Sysreg\tID_X_EL1\t3\t0\t0\t1\t0\nFields\tNOPE\nEndSysreg\n"
        regs = parse_sysreg("x", text)
        with self.assertRaisesRegex(GenError, r"^x:2: .*NOPE"):
            id_space(regs)

    def test_source_bit(self):
        regs = parse_sysreg("s", "Sysreg A 3 0 0 0 0\nField 63:0 X\nEndSysreg\n",
                            source=SRC_SUPPLEMENT)
        self.assertEqual(regs["A"].source, SRC_SUPPLEMENT)
        self.assertEqual(regs["A"].fields[0].source, SRC_SUPPLEMENT)


def reg(body):
    return "# head\nSysreg\tR_EL1\t3\t0\t0\t1\t0\n" + body + "EndSysreg\n"


class BadInput(unittest.TestCase):
    CASES = [
        ("unknown keyword", reg("Res0 63:0\nBogus 1\n"), 4, r"unexpected 'Bogus'"),
        ("argument count", reg("Field 63:0\n"), 3, r"takes 2 argument"),
        ("bad bit range", reg("Field 63-0 X\n"), 3, r"invalid bit range"),
        ("overlap", reg("Field 63:8 A\nField 9:0 B\n"), 4, r"overlap"),
        ("gap", reg("Field 63:8 A\nField 6:0 B\n"), 4, r"7:7 are not described"),
        ("outside 0..63", reg("Field 64:0 A\n"), 3, r"outside 0\.\.63"),
        ("reversed", reg("Field 0:63 A\n"), 3, r"reversed"),
        ("not all bits", reg("Field 63:1 A\n"), 4, r"0:0 are not described"),
        ("value too wide", reg("Res0 63:2\nEnum 1:0 A\n\t0b100 X\nEndEnum\n"), 5,
         r"does not fit"),
        ("value line outside enum", reg("Res0 63:0\n\t0b1 X\n"), 4, r"unexpected '0b1'"),
        ("duplicate field", reg("Field 63:32 A\nField 31:0 A\n"), 4, r"duplicate field"),
        ("bad name", reg("Field 63:0 a-b\n"), 3, r"invalid field name"),
        ("non-numeric encoding", "Sysreg R 3 0 0 x 0\nEndSysreg\n", 1, r"not numeric"),
        ("missing EndSysreg", "Sysreg R 3 0 0 1 0\nField 63:0 A\n", 1, r"missing EndSysreg"),
        ("missing EndEnum", reg("Enum 63:0 A\n\t0b0 X\n").replace("EndSysreg\n", ""),
         4, r"missing EndEnum"),
        ("duplicate register", reg("Field 63:0 A\n") + reg("Field 63:0 A\n"), 6,
         r"duplicate Sysreg"),
    ]

    def test_cases(self):
        for desc, text, line, pattern in self.CASES:
            with self.subTest(desc):
                with self.assertRaises(GenError) as cm:
                    parse_sysreg("bad.txt", text)
                self.assertEqual(cm.exception.where, f"bad.txt:{line}")
                self.assertRegex(cm.exception.reason, pattern)

    def test_duplicate_enum_value_is_a_note(self):
        notes = []
        regs = parse_sysreg("d", reg("Enum 63:0 A\n\t0b1 X\n\t0b1 Y\nEndEnum\n"),
                            notes=notes)
        self.assertEqual(len(regs["R_EL1"].fields[0].values), 2)
        self.assertRegex(notes[0], r"^d:5: duplicate value")
