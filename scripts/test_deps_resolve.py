# SPDX-License-Identifier: GPL-2.0-only
"""Unit tests of scripts/deps_resolve.py (make unit-shell): deps.sh's
choices of packages and versions, on apt output written here."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import deps_resolve as d  # noqa: E402

MADISON = """\
linux-image-arm64:arm64 | 7.3.4-1~bpo13+1 | http://deb.debian.org/debian trixie-backports/main arm64 Packages
linux-image-arm64:arm64 | 7.3.4-1 | http://deb.debian.org/debian forky/main arm64 Packages
linux-image-arm64:arm64 | 6.12.117-1 | http://deb.debian.org/debian trixie/main arm64 Packages
linux-image-arm64:arm64 | 6.12.95-1~bpo12+1 | http://deb.debian.org/debian bookworm-backports/main arm64 Packages
linux-image-arm64:arm64 | 6.1.192-3 | http://deb.debian.org/debian bookworm/main arm64 Packages
"""


class Versions(unittest.TestCase):
    def test_dpkg_order(self):
        for lo, hi in (("1.0~rc1", "1.0"), ("1.0", "1.0-1"), ("7.3.4-1~bpo13+1", "7.3.4-1"),
                       ("6.12.95-1", "6.12.117-1"), ("9.9", "1:0.1"), ("1.0-1", "1.0-1.1"),
                       ("1.0a", "1.0.1"), ("2.0~~", "2.0~")):
            self.assertLess(d.version_cmp(lo, hi), 0, (lo, hi))
            self.assertGreater(d.version_cmp(hi, lo), 0, (hi, lo))
        self.assertEqual(d.version_cmp("1.00", "1.0"), 0)
        self.assertEqual(d.version_cmp("0:1.0", "1.0"), 0)

    def test_newest_in_a_series(self):
        rows = d.madison(MADISON)
        self.assertEqual(d.newest(rows, "7"), "7.3.4-1")
        self.assertEqual(d.newest(rows, "6.12"), "6.12.117-1")
        self.assertEqual(d.newest(rows, "6.1"), "6.1.192-3", "6.1 is not 6.12")
        self.assertIsNone(d.newest(rows, "5"))
        self.assertEqual(d.newest(rows), "7.3.4-1")

    def test_newest_each(self):
        text = ("libc6:arm64 | 2.36-9 | x\nlibc6:arm64 | 2.41-12 | y\n"
                "qemu-system-arm:arm64 | 1:10.0.2+ds-2 | x\nqemu-system-arm:arm64 | 1:11.1.3+ds-2~bpo13+1 | y\n")
        self.assertEqual(d.newest_each(d.madison(text)),
                         [("libc6", "2.41-12"), ("qemu-system-arm", "1:11.1.3+ds-2~bpo13+1")])


class Depends(unittest.TestCase):
    SHOW = """\
Package: qemu-system-arm
Version: 1:11.1.3+ds-2~bpo13+1
Pre-Depends: libc6 (>= 2.38)
Depends: libaio1t64 (>= 0.3.93), libfdt1 (>= 1.7.2), libglib2.0-0t64 (>= 2.79.2) | libglib2.0-0, qemu-system-common (= 1:11.1.3+ds-2~bpo13+1), zlib1g (>= 1:1.2.0)

Package: libfdt1
Version: 1.7.2-2
Depends: libc6:any (>= 2.34)
"""

    def test_lib_depends(self):
        self.assertEqual(d.lib_depends(self.SHOW),
                         ["libaio1t64", "libc6", "libfdt1", "libglib2.0-0t64", "zlib1g"])

    def test_pinned(self):
        self.assertEqual(d.pinned_depends(self.SHOW), ["qemu-system-common=1:11.1.3+ds-2~bpo13+1"])
        meta = "Package: linux-source\nDepends: linux-source-7.3 (= 7.3.4-1~bpo13+1)\n"
        self.assertEqual(d.pinned_depends(meta), ["linux-source-7.3=7.3.4-1~bpo13+1"])
        self.assertEqual(d.pinned_depends(""), [])


class Kernels(unittest.TestCase):
    NAMES = """linux-image-6.1.0-57-arm64 linux-image-6.12.117+deb13-arm64
    linux-image-6.16.11+deb13-arm64 linux-image-6.16.12+deb13-arm64 linux-image-6.16.9+deb13-arm64
    linux-image-6.17.13+deb13-arm64 linux-image-7.2.12+deb13-arm64 linux-image-7.3.4+deb13-arm64
    linux-image-7.3.4+deb13-arm64-16k linux-image-7.3.2+deb13-arm64-16k linux-image-7.2.12+deb13-arm64-16k
    linux-image-7.3.4+deb13-cloud-arm64 linux-image-arm64""".split()

    def test_extra_kernels(self):
        self.assertEqual(d.extra_kernels(self.NAMES, "6.1", "7.3", ["7", "6.12", "6.1"]), [
            ("6.16", "6.16.12", "linux-image-6.16.12+deb13-arm64"),
            ("6.17", "6.17.13", "linux-image-6.17.13+deb13-arm64"),
            ("7.2", "7.2.12", "linux-image-7.2.12+deb13-arm64"),
            ("7.3-16k", "7.3.4-16k", "linux-image-7.3.4+deb13-arm64-16k")])

    def test_matrix_series_not_again(self):
        got = d.extra_kernels(self.NAMES, "6.1", "7.3", ["7.2"])
        self.assertEqual([s for s, _, _ in got], ["6.12", "6.16", "6.17", "7.3-16k"])

    def test_source_series(self):
        self.assertEqual(d.source_series(["linux-source-7.3", "linux-source-6.12", "linux-source",
                                          "linux-source-6.1", "linux-source-7.10"]),
                         ["6.1", "6.12", "7.3", "7.10"])


class Misc(unittest.TestCase):
    def test_series_range(self):
        self.assertEqual(d.series_range(["7", "6.12", "7.3", "6.1", "7.10"]), ("6.1", "7.10"))
        self.assertIsNone(d.series_range(["7"]))

    def test_candidate(self):
        self.assertEqual(d.candidate("qemu-system-arm:\n  Installed: (none)\n  Candidate: 1:10.0.2+ds-2\n"),
                         "1:10.0.2+ds-2")
        self.assertIsNone(d.candidate("x:\n  Candidate: (none)\n"))
        self.assertEqual(d.candidate_major("  Candidate: 1:10.0.2+ds-2\n"), "10")
        self.assertEqual(d.candidate_major("  Candidate: 9.2.1-1\n"), "9")
        self.assertIsNone(d.candidate_major("  Candidate: (none)\n"))

    def test_major(self):
        self.assertEqual(d.major("QEMU emulator version 10.0.2 (Debian 1:10.0.2+ds-2)"), "10")


if __name__ == "__main__":
    unittest.main()
