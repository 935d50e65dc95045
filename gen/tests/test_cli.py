import contextlib
import io
import os
import shutil
import tempfile
import unittest

from idregs_gen import build as build_mod
from idregs_gen.cli import main
from tests.common import (ARM_FIELDS, JSON, KERNEL, LAYOUTS, OVERRIDES,
                          SUPPLEMENT, fixture)


def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(list(argv))
    return rc, out.getvalue(), err.getvalue()


class Cli(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir)
        # The generator's hand-written inputs, pointed at the fixtures.
        for name, value in (("SUPPLEMENT", SUPPLEMENT), ("OVERRIDES", OVERRIDES),
                            ("ARM_FIELDS", ARM_FIELDS), ("LAYOUTS", LAYOUTS)):
            old = getattr(build_mod, name)
            setattr(build_mod, name, value)
            self.addCleanup(setattr, build_mod, name, old)
        self.out = os.path.join(self.dir, "table.c")

    def generate(self, *extra):
        return run("generate", "--kernel-src", KERNEL, "-o", self.out, *extra)

    def test_generate_then_check(self):
        rc, _, err = self.generate()
        self.assertEqual(rc, 0, err)
        self.assertIn("4 registers", err)
        rc, out, _ = run("check", "--kernel-src", KERNEL, self.out)
        self.assertEqual(rc, 0, out)
        self.assertIn("up to date", out)

    def test_check_detects_a_stale_file(self):
        self.generate()
        with open(self.out) as fh:
            text = fh.read()
        with open(self.out, "w") as fh:
            fh.write(text.replace('"DIC"', '"DIX"'))
        rc, out, _ = run("check", "--kernel-src", KERNEL, self.out)
        self.assertEqual(rc, 1)
        self.assertIn("out of date (2 lines differ)", out)

    def test_check_finds_kernel_in_cache_and_notes_newer(self):
        self.generate()
        cache = os.path.join(self.dir, "cache")
        shutil.copytree(KERNEL, os.path.join(cache, "src", "9"))
        newer = os.path.join(cache, "src", "10")
        os.makedirs(newer)
        with open(os.path.join(newer, "package-version"), "w") as fh:
            fh.write("10.1.0-1~bpo13+1\n")
        rc, out, _ = run("check", "--cache", cache, self.out)
        self.assertEqual(rc, 0, out)
        self.assertIn("note: the cache has a newer kernel source 10.1.0-1~bpo13+1", out)

    def test_check_needs_recorded_json(self):
        self.generate("--registers-json", JSON)
        rc, _, err = run("check", "--kernel-src", KERNEL, self.out)
        self.assertEqual(rc, 2)
        self.assertIn("pass REGISTERS_JSON=", err)
        rc, out, _ = run("check", "--kernel-src", KERNEL, "--registers-json", JSON,
                         self.out)
        self.assertEqual(rc, 0, out)

    def test_bad_input_leaves_no_output(self):
        bad = os.path.join(self.dir, "kernel")
        shutil.copytree(KERNEL, bad)
        sysreg = os.path.join(bad, "arch/arm64/tools/sysreg")
        with open(sysreg, "a") as fh:
            fh.write("Sysreg\tBROKEN\t3\t0\t0\t1\t0\nField\t63:0\n")
        rc, _, err = run("generate", "--kernel-src", bad, "-o", self.out)
        self.assertEqual(rc, 2)
        self.assertRegex(err, r"sysreg:\d+: error: 'Field' takes 2 argument")
        self.assertEqual(os.listdir(self.dir), ["kernel"])

    def test_compare(self):
        rc, out, _ = run("compare", KERNEL, fixture("sysreg_b"),
                         "--label-a", "a", "--label-b", "b")
        self.assertEqual(rc, 1)
        lines = out.splitlines()
        for expected in [
                "ID_AA64ISAR0_EL1: field 11:8 named SHA1 in a, SHA_1 in b",
                "ID_AA64ISAR0_EL1.NEW (15:12): only in b",
                "ID_AA64ISAR0_EL1.AES: unsigned in a, signed in b",
                "ID_AA64ISAR0_EL1.AES: value 0b0010 PMULL only in a",
                "ID_AA64ISAR0_EL1.AES: value 0b0011 PMULL2 only in b",
                "ID_AA64ISAR0_EL1.AES: value 0b0001 named AES in a, IMP in b",
                "GMID_EL1: only in b",
                "CTR_EL0: only in a"]:
            self.assertIn(expected, lines)
        self.assertFalse(any(l.startswith("ID_AA64DFR0_EL1") for l in lines))

    def test_compare_identical(self):
        rc, out, _ = run("compare", KERNEL, os.path.join(KERNEL, "arch/arm64/tools/sysreg"))
        self.assertEqual((rc, out), (0, "identical\n"))

    def test_compare_with_arm_fields(self):
        bad = os.path.join(self.dir, "bad.tsv")
        with open(ARM_FIELDS) as fh, open(bad, "w") as out:
            out.write(fh.read().replace("PMUVer\t11\t8", "PMUVer\t13\t8"))
        rc, out, _ = run("compare", KERNEL, bad, "--label-a", "k", "--label-b", "arm")
        self.assertEqual(rc, 1)
        lines = out.splitlines()
        for expected in [
                "ID_AA64ISAR0_EL1: field 11:8 named SHA1 in k, Sha1 in arm",
                "ID_AA64ISAR0_EL1.RDM (31:28): only in arm",
                "ID_AA64DFR0_EL1.PMUVer: bits 11:8 in k, 13:8 in arm",
                "ID_AA64DFR0_EL1: bits disagree: PMUVer (11:8) in k overlaps "
                "PMUVer (13:8) in arm",
                "MIDR_EL1: only in arm"]:
            self.assertIn(expected, lines)
        self.assertFalse(any("RES0" in l or "encoding" in l for l in lines))
        rc, out, err = self.generate()
        self.assertEqual(rc, 0, err)
        build_mod.ARM_FIELDS = bad
        rc, _, err = self.generate()
        self.assertEqual(rc, 2)
        self.assertIn("ID_AA64DFR0_EL1: the sysreg file and the Arm field list "
                      "disagree in bits", err)

    def test_compare_with_json(self):
        rc, out, _ = run("compare", KERNEL, JSON, "--label-a", "s", "--label-b", "j")
        self.assertEqual(rc, 1)
        self.assertIn("MIDR_EL1: only in j", out)
        self.assertIn("ID_AA64DFR0_EL1.BRP0 (51:48): only in j", out)
        self.assertIn("ID_AA64DFR0_EL1.PMUVer: named values (3) only in s", out)
        self.assertNotIn("AES", out)                # same bounds, same values
