import os
import re
import shutil
import subprocess
import tempfile
import unittest

from idregs_gen import kvm_sanitised
from idregs_gen.model import GenError
from idregs_gen.vcpu_features import DEF_PATH, predicates, read_features

# What the C preprocessor makes of the .def's rows: the fields the
# generator reads, one row a line ("ROW" for a feature, "KVM" for its
# KVM row).
PROBE = """
struct row { const char *name, *config, *what, *qemu, *predicates;
	     unsigned int also; _Bool qemu_machine, qemu_off_asks, qemu_host; };
#define IDREG_VCPU_FEATURE(id, ...) ROW id (struct row){ __VA_ARGS__ }
#define IDREG_VCPU_KVM(id, ...) KVM id
#include "%s"
""" % DEF_PATH


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
            if words and words[0] == "KVM":
                ids.append(("KVM", words[1]))
            elif words and words[0] == "ROW":
                ids.append(("ROW", words[1]))
                fields.append({k: v for k, v in re.findall(r'\.(\w+) = "([^"]*)"', words[2])})
        features = read_features()
        self.assertEqual(ids, [(k, f.id) for f in features for k in ("ROW", "KVM")])
        self.assertEqual([(f["name"], f["config"], f["predicates"].split()) for f in fields],
                         [(f.name, f.config, f.predicates) for f in features])
        self.assertTrue(len(features) >= 7)

    def test_generator_predicates_come_from_the_def(self):
        self.assertEqual(kvm_sanitised.VCPU_PREDICATES, predicates(read_features()))
        self.assertEqual(kvm_sanitised.VCPU_PREDICATES["vcpu_has_sve(vcpu)"], "SVE")
        self.assertEqual(kvm_sanitised.VCPU_PREDICATES["kvm_has_mte(kvm)"], "MTE")

    def test_bad_rows(self):
        row = ('IDREG_VCPU_FEATURE(X, .name = "x", .config = "x", .what = "X",\n'
               '\t\t   .predicates = "p(v)")\nIDREG_VCPU_KVM(X, 0, C, 0, false)\n')
        self.assertEqual(read_features("t.def", "/* a */\n" + row)[0].predicates, ["p(v)"])
        cases = [
            (row.replace(', .config = "x"', ''), r"X: no .config"),
            (row.replace('.name = "x"', '.name = x'), r".name: expected a plain string"),
            (row.replace('.what', '.whot'), r"FIELD one of"),
            (row.replace("(X,", "(x,", 1), r"expected an upper-case ID"),
            (row.replace("KVM(X", "KVM(Y"), r"IDREG_VCPU_KVM\(Y\) does not follow"),
            (row.split("IDREG_VCPU_KVM")[0], r"X: no IDREG_VCPU_KVM row"),
            (row.replace(", false)", ")"), r"IDREG_VCPU_KVM takes ID"),
            ("", r"no IDREG_VCPU_FEATURE rows"),
        ]
        for text, pattern in cases:
            with self.subTest(pattern=pattern):
                with self.assertRaisesRegex(GenError, pattern):
                    read_features("t.def", "\n" + text)
        with self.assertRaisesRegex(GenError, r"t.def:4: predicate p\(v\) is X's already"):
            predicates(read_features("t.def", row + row.replace("X", "Y")))


if __name__ == "__main__":
    unittest.main()
