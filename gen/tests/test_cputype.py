import os
import tempfile
import unittest

from idregs_gen import cputype
from idregs_gen.model import GenError

HEADER = """
#define MIDR_REVISION_MASK	0xf
#define ARM_CPU_IMP_ARM			0x41
#define ARM_CPU_IMP_AMPERE		0xC0
#define ARM_CPU_PART_NEOVERSE_N1	0xD0C
#define ARM_CPU_PART_CORTEX_A72		0xD08
#define AMPERE_CPU_PART_AMPERE1		0xAC3
#define MIDR_NEOVERSE_N1 MIDR_CPU_MODEL(ARM_CPU_IMP_ARM, ARM_CPU_PART_NEOVERSE_N1)
"""


class CpuNames(unittest.TestCase):
    def _write(self, text):
        fd, path = tempfile.mkstemp(suffix=".h")
        with os.fdopen(fd, "w") as f:
            f.write(text)
        self.addCleanup(os.unlink, path)
        return path

    def test_parts_belong_to_their_implementer(self):
        imps, parts = cputype.read_names(self._write(HEADER))
        self.assertEqual(imps, [(0x41, "ARM"), (0xC0, "AMPERE")])
        self.assertEqual(parts, [(0x41, 0xD08, "CORTEX_A72"), (0x41, 0xD0C, "NEOVERSE_N1"),
                                 (0xC0, 0xAC3, "AMPERE1")])

    def test_table_is_stable_text(self):
        text = cputype.render(self._write(HEADER), "7.3.4-1")
        self.assertIn("implementer\t0x41\tARM\n", text)
        self.assertIn("part\t0x41\t0xd0c\tNEOVERSE_N1\n", text)
        self.assertNotIn("/tmp", text)

    def test_part_without_implementer_is_an_error(self):
        with self.assertRaises(GenError):
            cputype.read_names(self._write(HEADER + "#define FOO_CPU_PART_BAR 0x1\n"))


if __name__ == "__main__":
    unittest.main()
