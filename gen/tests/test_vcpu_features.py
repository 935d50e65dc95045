import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

from idregs_gen import kvm_sanitised
from idregs_gen.model import GenError
from idregs_gen.vcpu_features import DEF_PATH, configs, el2_configs, predicates, read_features

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))

# What the C preprocessor makes of the .def's rows: the fields the
# generator reads, one row a line ("ROW" for a feature, "KVM" for its
# KVM row, then its optional rows).
PROBE = """
struct row { const char *name, *config, *what, *qemu, *predicates;
	     unsigned int also; _Bool qemu_machine, qemu_off_asks, qemu_host; };
#define IDREG_VCPU_FEATURE(id, ...) ROW id (struct row){ __VA_ARGS__ }
#define IDREG_VCPU_KVM(id, ...) KVM id
#define IDREG_VCPU_FINALIZE(id, what) FINALIZE id what
#define IDREG_VCPU_ATTR(id, group, attr) ATTR id group attr
#define IDREG_VCPU_VGIC(id) VGIC id
#define IDREG_VCPU_MATRIX(id) MATRIX id
#include "%s"
""" % DEF_PATH


def _optional_rows(f):
    """The optional rows of feature @f as the probe prints them."""
    return ([("FINALIZE", f"{f.id} {f.finalize}")] if f.finalize else []) + \
        [("ATTR", f"{f.id} {g} {a}") for g, a in f.attrs] + \
        ([("VGIC", f.id)] if f.vgic else []) + ([("MATRIX", f.id)] if f.matrix else [])


class VcpuFeatures(unittest.TestCase):
    def test_reader_agrees_with_the_c_preprocessor(self):
        cc = os.environ.get("CC", "cc")
        if not shutil.which(cc):
            self.fail(f"{cc} not found: the .def cannot be checked against its C reading "
                      f"(make unit-py needs the C compiler make unit-c uses)")
        with tempfile.TemporaryDirectory() as d:
            probe = os.path.join(d, "probe.c")
            with open(probe, "w") as fh:
                fh.write(PROBE)
            out = subprocess.run([cc, "-E", "-P", probe], check=True, capture_output=True,
                                 text=True).stdout
        ids, fields = [], []
        for line in out.splitlines():
            words = line.split(None, 2)
            if words and words[0] == "ROW":
                ids.append(("ROW", words[1]))
                fields.append({k: v for k, v in re.findall(r'\.(\w+) = "([^"]*)"', words[2])})
            elif words and words[0] in ("KVM", "FINALIZE", "ATTR", "VGIC", "MATRIX"):
                ids.append((words[0], " ".join(line.split()[1:])))
        features = read_features()
        self.assertEqual(ids, [r for f in features
                               for r in [("ROW", f.id), ("KVM", f.id)] + _optional_rows(f)])
        self.assertEqual([(f["name"], f["config"], f["predicates"].split()) for f in fields],
                         [(f.name, f.config, f.predicates) for f in features])
        self.assertTrue(len(features) >= 7)

    def test_configs(self):
        features = read_features()
        self.assertEqual(configs(features), ["default"] + [f.config for f in features]
                         + ["qemu-host"])
        self.assertEqual(configs(features, matrix=True),
                         ["default", "pmu", "sve", "pauth", "aarch32-el1", "qemu-host"])

    def test_el2_configs(self):
        """EL2 itself and what has it through .also."""
        self.assertEqual(el2_configs(read_features()), ["el2", "el2-e2h0"])

    def test_configs_are_idregs(self):
        """vcpu-configs, what the shell reads, lists what idreg list
        --configs (lib/core/vcpu_config.c) does, in its order."""
        idreg = os.environ.get("IDREG")
        if not idreg:
            self.skipTest("IDREG (the native build/idreg) not set: make unit-py sets it")
        out = subprocess.run([idreg, "list", "--configs"], check=True, capture_output=True,
                             text=True).stdout
        gen = subprocess.run([sys.executable, os.path.join(TOP, "gen", "idregs-gen"),
                              "vcpu-configs"], check=True, capture_output=True,
                             text=True).stdout
        self.assertEqual(gen, out)

    def test_docs_name_the_configurations(self):
        """A list of configurations in README.md or docs/ (backquoted names
        from `default` on) is every configuration or the matrix's (README
        lists none: a new row must not need it; it names the command)."""
        features = read_features()
        known = {", ".join(configs(features)), ", ".join(configs(features, matrix=True))}
        paths = [os.path.join(TOP, "README.md")] + sorted(
            glob.glob(os.path.join(TOP, "docs", "*.md")))
        for path in paths:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
            for m in re.finditer(r"`default`(?:,\s+`[\w-]+`)+", text):
                names = ", ".join(re.findall(r"`([\w-]+)`", m.group(0)))
                with self.subTest(path=os.path.relpath(path, TOP), names=names):
                    self.assertIn(names, known, "a configuration list the .def's rows "
                                  "do not make (gen/idregs-gen vcpu-configs [--matrix])")

    def test_generator_predicates_come_from_the_def(self):
        self.assertEqual(kvm_sanitised.VCPU_PREDICATES, predicates(read_features()))
        self.assertEqual(kvm_sanitised.VCPU_PREDICATES["vcpu_has_sve(vcpu)"], "SVE")
        self.assertEqual(kvm_sanitised.VCPU_PREDICATES["kvm_has_mte(kvm)"], "MTE")

    def test_bad_rows(self):
        row = ('IDREG_VCPU_FEATURE(X, .name = "x", .config = "x", .what = "X",\n'
               '\t\t   .predicates = "p(v)")\nIDREG_VCPU_KVM(X, 0, C, 0, false)\n')
        self.assertEqual(read_features("t.def", "/* a */\n" + row)[0].predicates, ["p(v)"])
        f = read_features("t.def", row + "IDREG_VCPU_FINALIZE(X, F)\nIDREG_VCPU_ATTR(X, G, A)\n"
                          "IDREG_VCPU_ATTR(X, G, B)\nIDREG_VCPU_VGIC(X)\n"
                          "IDREG_VCPU_MATRIX(X)\n")[0]
        self.assertEqual((f.finalize, f.attrs, f.vgic, f.matrix),
                         ("F", [("G", "A"), ("G", "B")], True, True))
        cases = [
            (row.replace(', .config = "x"', ''), r"X: no .config"),
            (row.replace('.name = "x"', '.name = x'), r".name: expected a plain string"),
            (row.replace('.what', '.whot'), r"FIELD one of"),
            (row.replace("(X,", "(x,", 1), r"expected an upper-case ID"),
            (row.replace("KVM(X", "KVM(Y"), r"IDREG_VCPU_KVM\(Y\) does not follow"),
            (row.split("IDREG_VCPU_KVM")[0], r"X: no IDREG_VCPU_KVM row"),
            (row.replace(", false)", ")"), r"IDREG_VCPU_KVM takes ID"),
            ("", r"no IDREG_VCPU_FEATURE rows"),
            (row + "IDREG_VCPU_MATRIX(Y)\n", r"IDREG_VCPU_MATRIX\(Y\) does not follow"),
            (row + "IDREG_VCPU_VGIC(X, 1)\n", r"IDREG_VCPU_VGIC takes ID; got 2"),
            (row + "IDREG_VCPU_MATRIX(X)\nIDREG_VCPU_FINALIZE(X, F)\n",
             r"IDREG_VCPU_FINALIZE\(X\) after IDREG_VCPU_MATRIX"),
            (row + "IDREG_VCPU_MATRIX(X)\nIDREG_VCPU_MATRIX(X)\n", r"IDREG_VCPU_MATRIX\(X\) twice"),
            (row + "IDREG_VCPU_SPARE(X)\n", r"unknown row IDREG_VCPU_SPARE"),
            (row.replace("IDREG_VCPU_KVM", "IDREG_VCPU_MATRIX(X)\nIDREG_VCPU_KVM"),
             r"IDREG_VCPU_MATRIX\(X\) does not follow"),
        ]
        for text, pattern in cases:
            with self.subTest(pattern=pattern):
                with self.assertRaisesRegex(GenError, pattern):
                    read_features("t.def", "\n" + text)
        with self.assertRaisesRegex(GenError, r"t.def:4: predicate p\(v\) is X's already"):
            predicates(read_features("t.def", row + row.replace("X", "Y")))


if __name__ == "__main__":
    unittest.main()
