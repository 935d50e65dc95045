import json
import os
import tempfile
import unittest

from idregs_gen.aarchmrs import load_registers_json
from idregs_gen.model import GenError
from tests.common import JSON


class Fixture(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.notes = []
        cls.regs, cls.edition = load_registers_json(JSON, cls.notes)

    def test_registers_and_encodings(self):
        self.assertEqual(sorted(self.regs), ["ID_AA64DFR0_EL1", "ID_AA64ISAR0_EL1",
                                             "MIDR_EL1", "TTBR0_EL1"])
        self.assertEqual(self.regs["ID_AA64ISAR0_EL1"].enc, (3, 0, 0, 6, 0))

    def test_wildcard_skipped_with_note(self):
        self.assertNotIn("ID_WILDCARD_EL1", self.regs)
        self.assertRegex(self.notes[0], r"\$\[4\]: ID_WILDCARD_EL1: wildcard")

    def test_edition(self):
        self.assertEqual(self.edition, "architecture=v9Ap6-A build=445")

    def test_values_with_meanings(self):
        aes = self.regs["ID_AA64ISAR0_EL1"].field("AES")
        self.assertEqual(aes.kind, "ENUM")
        self.assertIsNone(aes.is_signed)            # the JSON does not say
        self.assertEqual([v.value for v in aes.values], [0, 1, 2])  # 'xx11' dropped
        self.assertEqual(aes.values[2].meaning, "As 0b0001, plus PMULL.")

    def test_reserved(self):
        isar0 = self.regs["ID_AA64ISAR0_EL1"]
        self.assertEqual([(f.name, f.kind) for f in isar0.fields if f.kind == "RES0"],
                         [("RES0_63_12", "RES0"), ("RES0_3_0", "RES0")])

    def test_array_split_evenly(self):
        dfr0 = self.regs["ID_AA64DFR0_EL1"]
        brps = [(f.name, f.lsb, f.width, len(f.values)) for f in dfr0.fields
                if f.name.startswith("BRP")]
        self.assertEqual(brps, [("BRP3", 60, 4, 2), ("BRP2", 56, 4, 2),
                                ("BRP1", 52, 4, 2), ("BRP0", 48, 4, 2)])

    def test_conditional_fields(self):
        dfr0 = self.regs["ID_AA64DFR0_EL1"]
        dl = dfr0.field("DoubleLock")               # first alternative, parent name
        self.assertEqual((dl.lsb, dl.width, len(dl.values)), (36, 4, 2))
        hi = dfr0.field("HI")                       # relative to the parent's start
        self.assertEqual((hi.lsb, hi.width), (28, 4))

    def test_dynamic_constant_bitfield(self):
        dfr0 = self.regs["ID_AA64DFR0_EL1"]
        self.assertEqual(dfr0.field("PMUVer").kind, "PLAIN")
        self.assertEqual(dfr0.field("TraceVer").bounds, "7:4")


def reg_with(fields, enc=("11", "000", "0000", "0001", "000")):
    keys = ("op0", "op1", "CRn", "CRm", "op2")
    return [{"_type": "Register", "name": "R_EL1",
             "accessors": [{"_type": "Accessors.SystemAccessor", "encoding": [
                 {"encodings": {k: {"value": f"'{v}'"} for k, v in zip(keys, enc)}}]}],
             "fieldsets": [{"values": fields}]}]


def fld(t, name, start, width, **kw):
    return dict({"_type": t, "name": name,
                 "rangeset": [{"start": start, "width": width}]}, **kw)


class BadInput(unittest.TestCase):
    CASES = [
        ("not a list", {"a": 1}, r"^\$$", r"expected a list"),
        ("unknown field type", reg_with([fld("Fields.Weird", "A", 0, 4)]),
         r"values\[0\]\._type$", r"unknown field type"),
        ("missing rangeset", reg_with([{"_type": "Fields.Field", "name": "A"}]),
         r"values\[0\]$", r"missing 'rangeset'"),
        ("bad value", reg_with([fld("Fields.Field", "A", 0, 4, values={
            "values": [{"_type": "Values.Value", "value": "'012'"}]})]),
         r"values\.values\[0\]\.value$", r"not a binary value"),
        ("bad encoding", reg_with([], enc=("11", "000", "0000", "0001", "z")),
         r"encodings\.op2\.value$", r"not a binary value"),
        ("array not divisible", reg_with([fld("Fields.Array", "B<n>", 0, 10,
                                              indexes=[{"start": 0, "width": 3}])]),
         r"values\[0\]$", r"do not split"),
        ("overlap", reg_with([fld("Fields.Field", "A", 0, 8),
                              fld("Fields.Field", "B", 4, 8)]),
         r"\$\[0\]", r"overlaps"),
        ("outside 0..63", reg_with([fld("Fields.Field", "A", 60, 8)]),
         r"\$\[0\]", r"outside 0\.\.63"),
        ("width not int", reg_with([fld("Fields.Field", "A", 0, "4")]),
         r"rangeset\[0\]\.width$", r"expected int"),
    ]

    def load(self, data):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
            json.dump(data, fh)
        self.addCleanup(os.unlink, fh.name)
        return load_registers_json(fh.name)

    def test_cases(self):
        for desc, data, where, pattern in self.CASES:
            with self.subTest(desc):
                with self.assertRaises(GenError) as cm:
                    self.load(data)
                self.assertRegex(cm.exception.where.split(": ", 1)[1], where)
                self.assertRegex(cm.exception.reason, pattern)

    def test_not_json(self):
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
            fh.write("[\n{,\n")
        self.addCleanup(os.unlink, fh.name)
        with self.assertRaisesRegex(GenError, r":2: not JSON"):
            load_registers_json(fh.name)
