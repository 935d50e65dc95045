"""Which cache sources the declared masks are read from (issue 21)."""
import os
import shutil
import tempfile
import unittest

from idregs_gen import declared


def tree(root, sys_regs):
    path = os.path.join(root, "arch", "arm64", "kvm")
    os.makedirs(path)
    with open(os.path.join(path, "sys_regs.c"), "w", encoding="utf-8") as fh:
        fh.write(sys_regs)
    return root


class DeclaresWritable(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir)

    def test_a_series_with_writable_masks_is_read(self):
        src = tree(os.path.join(self.dir, "7.2"), "\tID_WRITABLE(ID_AA64ISAR0_EL1, ~0),\n")
        self.assertTrue(declared.declares_writable(src))

    def test_a_series_before_the_masks_is_not(self):
        # 6.1: ID_SANITISED() only, no ID_WRITABLE() (KVM before 6.7).
        src = tree(os.path.join(self.dir, "6.1"), "\tID_SANITISED(ID_AA64ISAR0_EL1),\n")
        self.assertFalse(declared.declares_writable(src))

    def test_a_missing_file_is_left_to_read_source(self):
        self.assertTrue(declared.declares_writable(os.path.join(self.dir, "none")))


if __name__ == "__main__":
    unittest.main()
