# SPDX-License-Identifier: GPL-2.0-only
"""Unit tests of tools/mutate/score.py (make unit-runner)."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import score  # noqa: E402

KB = "killed behaviour guest_view_test: not ok 1 x"
KS = "killed source defaults_test: not ok 2 y.sanitised: z"


class Record(unittest.TestCase):
    def test_killed(self):
        self.assertEqual(score.record("01-a", "killed", KB, "survived", KB),
                         ["nonequiv 01-a", "killed_behaviour 01-a", "killed_default 01-a"])
        self.assertEqual(score.record("02-b", "killed", KS, "killed behaviour set_id_regs: q", "survived"),
                         ["nonequiv 02-b", "killed_source 02-b", "killed_sir 02-b"])

    def test_lost_and_missed(self):
        self.assertEqual(score.record("03", "killed", "survived", "survived", "survived"),
                         ["nonequiv 03", "missed 03", "lost 03 (marked killed, survived idregs)"])
        self.assertEqual(score.record("04", "equivalent: no test can", "survived", "survived", "survived"),
                         ["equivalent 04"])
        self.assertEqual(score.record("05", "equivalent: x", KB, "survived", KB),
                         ["equivalent 05", "lost 05 (marked equivalent, killed by idregs)"])

    def test_error(self):
        got = score.record("06", "killed", "error guest_view_test: TIMEOUT 60 seconds", "survived", "survived")
        self.assertIn("error 06: error guest_view_test: TIMEOUT 60 seconds", got)
        self.assertIn("lost 06 (marked killed, survived idregs)", got)


class Report(unittest.TestCase):
    def test_scores(self):
        counts = (score.record("01-a", "killed", KB, "survived", KB) +
                  score.record("02-b", "killed", KS, "killed behaviour set_id_regs: q", "survived") +
                  score.record("03-c", "equivalent: x", "survived", "survived", "survived") +
                  score.record("40-x", "killed", "killed behaviour x: y", "survived", "survived"))
        self.assertEqual(score.report(counts), [
            "idregs killed 2/3 by behaviour, 1/3 by source comparison only (66% by behaviour)",
            "idregs killed 1/3 with the tests' default arguments (no vcpu= from # Host:, as "
            "kernel CI runs them), 3/3 with them",
            "set_id_regs killed 1/3",
            "killed by source comparison only: 02-b ",
            "missed by both: "])
        self.assertEqual(score.report([])[0],
                         "idregs killed 0/0 by behaviour, 0/0 by source comparison only (0% by behaviour)")


class Finish(unittest.TestCase):
    def test_statuses(self):
        ok = score.record("01", "killed", KB, "survived", KB)
        self.assertEqual(score.finish(ok, 1), ([], "mutation: 2 passed, 0 failed", [], 0))
        lost = ok + score.record("02", "killed", "survived", "survived", "survived")
        before, line, after, status = score.finish(lost, 2)
        self.assertEqual((before, line, status), (
            ["mutation: catalogue broken: 02 (marked killed, survived idregs)"],
            "mutation: 2 passed, 1 failed", 1))
        bad = lost + ["bad 03"]
        before, line, after, status = score.finish(bad, 3)
        self.assertEqual((line, after, status), (
            "mutation: 2 passed, 2 failed", ["mutation: error: these mutants do not build: 03 "], 2))


if __name__ == "__main__":
    unittest.main()
