import os
import shutil
import subprocess
import tempfile
import unittest

from idregs_gen.armfields import load_arm_fields
from idregs_gen.build import build
from idregs_gen.emit import parse_inputs, render
from idregs_gen.model import (GenError, SRC_AARCHMRS, SRC_CPUFEATURE,
                              SRC_KVM_OVERRIDE, SRC_SUPPLEMENT, SRC_SYSREG)
from idregs_gen.overrides import parse_overrides
from tests.common import (ARM_FIELDS, FIXTURES, JSON, KERNEL, LAYOUTS,
                          OVERRIDES, SUPPLEMENT)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def fixture_build(**kw):
    notes = []
    kw.setdefault("arm_fields", ARM_FIELDS)
    kw.setdefault("layouts", LAYOUTS)
    regs, inputs = build(KERNEL, supplement=SUPPLEMENT, overrides=OVERRIDES,
                         notes=notes, **kw)
    return {r.name: r for r in regs}, regs, inputs, notes


def write_temp(test, text, suffix):
    """A file holding @text, removed when @test ends."""
    fd, path = tempfile.mkstemp(suffix=suffix)
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    test.addCleanup(os.unlink, path)
    return path


class Build(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.by_name, cls.regs, cls.inputs, cls.notes = fixture_build()

    def test_registers_sorted_by_encoding(self):
        self.assertEqual([r.name for r in self.regs],
                         ["MIDR_EL1", "ID_AA64DFR0_EL1", "ID_AA64ISAR0_EL1", "CTR_EL0"])

    def test_supplement(self):
        midr = self.by_name["MIDR_EL1"]
        self.assertEqual(midr.source, SRC_SUPPLEMENT | SRC_AARCHMRS)
        self.assertFalse(midr.has_ftr_reg)

    def test_policy_copied_to_fields(self):
        isar0 = self.by_name["ID_AA64ISAR0_EL1"]
        self.assertTrue(isar0.has_ftr_reg)
        self.assertEqual(isar0.source, SRC_SYSREG | SRC_AARCHMRS | SRC_CPUFEATURE)
        self.assertEqual(isar0.field("AES").policy.type, "LOWER_SAFE")
        self.assertEqual(isar0.field("RES0_27_12").policy.type, "NONE")

    def test_signed_from_cpufeature(self):
        self.assertTrue(self.by_name["ID_AA64DFR0_EL1"].field("DoubleLock").is_signed)

    def test_kvm_override(self):
        dfr0 = self.by_name["ID_AA64DFR0_EL1"]
        p = dfr0.field("PMUVer").policy
        self.assertEqual((p.type, p.source), ("LOWER_SAFE",
                                              SRC_CPUFEATURE | SRC_KVM_OVERRIDE))
        self.assertEqual(p.override_reason, "KVM allows a lower PMU version")
        self.assertEqual(dfr0.ftr_bits[1].policy.type, "LOWER_SAFE")
        self.assertEqual(dfr0.field("DebugVer").policy.type, "EXACT")

    def test_unmatched_entries_are_noted(self):
        self.assertEqual(len(self.by_name["CTR_EL0"].ftr_bits), 3)
        joined = "\n".join(self.notes)
        self.assertIn("CTR_EL0 bits 31:31 match no named field", joined)
        self.assertIn("SYS_CNTFRQ_EL0", joined)

    def test_inputs(self):
        d = dict(self.inputs)
        self.assertEqual(d["kernel"], "9.9.9-1")
        self.assertRegex(d["sysreg"], r"^sysreg sha256:[0-9a-f]{64}$")
        self.assertEqual(d["registers_json"], "none")


class ArmNames(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.by_name, cls.regs, cls.inputs, cls.notes = fixture_build()

    def test_renamed_in_case_keeps_both(self):
        isar0 = self.by_name["ID_AA64ISAR0_EL1"]
        f = isar0.field("Sha1")
        self.assertIs(f, isar0.field("SHA1"))
        self.assertEqual((f.name, f.kernel_name, f.bounds), ("Sha1", "SHA1", "11:8"))
        self.assertEqual(f.source, SRC_SYSREG | SRC_AARCHMRS)
        self.assertEqual([v.name for v in f.values], ["NI", "IMP"])
        self.assertIsNone(isar0.field("AES").kernel_name)     # same spelling

    def test_newer_field_carved_from_reserved(self):
        isar0 = self.by_name["ID_AA64ISAR0_EL1"]
        self.assertEqual([(f.name, f.bounds) for f in isar0.fields[:4]],
                         [("RES0_63_32", "63:32"), ("RDM", "31:28"),
                          ("RES0_27_12", "27:12"), ("Sha1", "11:8")])
        self.assertEqual(isar0.field("RDM").source, SRC_AARCHMRS)

    def test_split_leaves_an_alias(self):
        midr = self.by_name["MIDR_EL1"]
        self.assertIsNone(midr.field("Rest"))
        self.assertEqual([(a.name, a.bounds) for a in midr.aliases],
                         [("Rest", "23:0")])
        self.assertEqual(midr.field("PartNum").bounds, "15:4")

    def test_kernel_only_field_kept(self):
        dl = self.by_name["ID_AA64DFR0_EL1"].field("DoubleLock")
        self.assertEqual(dl.source, SRC_SYSREG)

    def test_inputs_record_the_list(self):
        d = dict(self.inputs)
        self.assertRegex(d["arm_fields"], r"^arm_fields\.tsv sha256:[0-9a-f]{64}$")
        self.assertRegex(d["arm_layouts"], r"^arm_layouts\.txt sha256:")


class ArmDisagreements(unittest.TestCase):
    def write(self, text, suffix):
        return write_temp(self, text, suffix)

    def arm(self, extra):
        with open(ARM_FIELDS) as fh:
            return self.write(fh.read() + extra, ".tsv")

    def test_bits_disagree(self):
        tsv = self.write("CTR_EL0\tDIC\t29\t28\n", ".tsv")
        with self.assertRaisesRegex(GenError, r"CTR_EL0: the sysreg file and the "
                                    r"Arm field list disagree in bits: .*DIC is "
                                    r"bits 29:29 in the sysreg file, 29:28"):
            fixture_build(arm_fields=tsv)

    def test_overlap_without_tiling(self):
        tsv = self.write("ID_AA64DFR0_EL1\tPMU\t13\t8\n", ".tsv")
        with self.assertRaisesRegex(GenError, r"PMUVer \(11:8\) in the sysreg "
                                    r"file overlaps PMU \(13:8\)"):
            fixture_build(arm_fields=tsv)

    def test_layout_line_takes_arm_layout(self):
        tsv = self.write("CTR_EL0\tDIC\t29\t28\nCTR_EL0\tL1Ip\t15\t14\n", ".tsv")
        lay = self.write("CTR_EL0 two layouts, for the test\n", ".txt")
        by_name, _, _, _ = fixture_build(arm_fields=tsv, layouts=lay)
        ctr = by_name["CTR_EL0"]
        self.assertEqual([(f.name, f.bounds) for f in ctr.fields],
                         [("RES0_63_30", "63:30"), ("DIC", "29:28"),
                          ("RES0_27_16", "27:16"), ("L1Ip", "15:14"),
                          ("RES0_13_0", "13:0")])
        self.assertEqual(ctr.field("DIC").source, SRC_AARCHMRS)
        self.assertEqual(ctr.field("L1Ip").source, SRC_SYSREG | SRC_AARCHMRS)

    def test_layout_line_where_sources_agree(self):
        lay = self.write("CTR_EL0 no reason\n", ".txt")
        with self.assertRaisesRegex(GenError, r"replaces its layout, but the "
                                    r"sources agree"):
            fixture_build(layouts=lay)

    def test_layout_line_for_unknown_register(self):
        lay = self.write("NOPE_EL1 why\n", ".txt")
        with self.assertRaisesRegex(GenError, r":1: NOPE_EL1: no register"):
            fixture_build(layouts=lay)

    def test_register_without_encoding(self):
        with self.assertRaisesRegex(GenError, r"NEW_EL1 is in neither the sysreg "
                                    r"file nor supplement\.txt"):
            fixture_build(arm_fields=self.arm("NEW_EL1\tX\t3\t0\n"))

    def test_name_moved(self):
        with self.assertRaisesRegex(GenError, r"DoubleLock is bits 39:36 in the "
                                    r"sysreg file, 47:44 in the Arm list"):
            fixture_build(arm_fields=self.arm("ID_AA64DFR0_EL1\tDoubleLock\t47\t44\n"))

    def test_bad_lines(self):
        with self.assertRaisesRegex(GenError, r"x:2: expected 'REGISTER FIELD MSB LSB'"):
            load_arm_fields("x", "# c\nA_EL1 B 3 0\n")
        with self.assertRaisesRegex(GenError, r"x:1: A_EL1\.B: bit range 0:3 is reversed"):
            load_arm_fields("x", "A_EL1\tB\t0\t3\n")
        with self.assertRaisesRegex(GenError, r"x:2: .*overlaps"):
            load_arm_fields("x", "A_EL1\tB\t3\t0\nA_EL1\tC\t4\t2\n")
        with self.assertRaisesRegex(GenError, r"x:2: duplicate field A_EL1\.B"):
            load_arm_fields("x", "A_EL1\tB\t3\t0\nA_EL1\tB\t7\t4\n")


class WithJson(unittest.TestCase):
    def test_merge(self):
        by_name, _, inputs, _ = fixture_build(registers_json=JSON)
        midr = by_name["MIDR_EL1"]                  # JSON replaces the supplement
        self.assertEqual(midr.source, SRC_AARCHMRS)
        self.assertEqual(midr.field("PartNum").bounds, "15:4")
        isar0 = by_name["ID_AA64ISAR0_EL1"]
        self.assertEqual(isar0.source, SRC_SYSREG | SRC_AARCHMRS | SRC_CPUFEATURE)
        aes = isar0.field("AES")
        self.assertTrue(aes.source & SRC_AARCHMRS)
        self.assertEqual(aes.kind, "UNSIGNED_ENUM")  # sysreg stays authoritative
        self.assertEqual([(v.name, v.meaning) for v in aes.values][2],
                         ("PMULL", "As 0b0001, plus PMULL."))
        self.assertRegex(dict(inputs)["registers_json"],
                         r"^registers\.json edition:architecture=v9Ap6-A build=445 sha256:")


class BadCombination(unittest.TestCase):
    def write(self, text):
        return write_temp(self, text, ".txt")

    def test_override_of_unknown_field(self):
        ov = self.write("ID_AA64DFR0_EL1 Nope LOWER_SAFE why\n")
        with self.assertRaisesRegex(GenError, r":1: .*Nope is not in the table"):
            build(KERNEL, supplement=SUPPLEMENT, overrides=ov,
                  arm_fields=ARM_FIELDS, layouts=LAYOUTS)

    def test_override_without_cpufeature_entry(self):
        ov = self.write("ID_AA64DFR0_EL1 TraceVer LOWER_SAFE why\n")
        with self.assertRaisesRegex(GenError, r"no cpufeature\.c entry"):
            build(KERNEL, supplement=SUPPLEMENT, overrides=ov,
                  arm_fields=ARM_FIELDS, layouts=LAYOUTS)

    def test_overrides_file_syntax(self):
        with self.assertRaisesRegex(GenError, r"x:2: unknown policy type"):
            parse_overrides("x", "# c\nR F SOMETIMES_SAFE because\n")
        with self.assertRaisesRegex(GenError, r"x:1: expected"):
            parse_overrides("x", "R F LOWER_SAFE\n")

    def test_supplement_outside_id_space(self):
        sup = self.write("Sysreg X_EL1 3 0 1 0 0\nField 63:0 A\nEndSysreg\n")
        with self.assertRaisesRegex(GenError, r"not in the feature ID space"):
            build(KERNEL, supplement=sup, overrides=OVERRIDES,
                  arm_fields=ARM_FIELDS, layouts=LAYOUTS)

    def test_supplement_slot_clash(self):
        sup = self.write("Sysreg X_EL1 3 3 0 0 1\nField 63:0 A\nEndSysreg\n")
        with self.assertRaisesRegex(GenError, r"uses the slot of CTR_EL0"):
            build(KERNEL, supplement=sup, overrides=OVERRIDES,
                  arm_fields=ARM_FIELDS, layouts=LAYOUTS)


class Emit(unittest.TestCase):
    def test_deterministic_and_inputs_round_trip(self):
        _, regs, inputs, _ = fixture_build()
        text = render(regs, inputs)
        _, regs2, inputs2, _ = fixture_build()
        self.assertEqual(text, render(regs2, inputs2))
        self.assertTrue(text.startswith("/*\n * Generated by 'make gen'"))
        self.assertEqual(parse_inputs(text), dict(inputs))
        self.assertNotIn(FIXTURES, text)            # no absolute paths

    @unittest.skipUnless(shutil.which("gcc"), "no gcc")
    def test_compiles_against_the_header(self):
        _, regs, inputs, _ = fixture_build(registers_json=JSON)
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "t.c")
            with open(src, "w") as fh:
                fh.write(render(regs, inputs))
            subprocess.run(["gcc", "-Wall", "-Wextra", "-Werror", "-c",
                            "-I", os.path.join(REPO, "lib/include"),
                            "-o", os.path.join(d, "t.o"), src], check=True)
