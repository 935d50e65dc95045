# SPDX-License-Identifier: GPL-2.0-only
"""Unit tests of tools/lib/console.py (make unit-shell): every console is
built by console.make_console from structured input, so a reworded
sentence of a test cannot change what they check."""

import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import console  # noqa: E402

IDREGS = ["writable_masks_test", "defaults_test", "guest_view_test"]


def con(tests, **kw):
    spec = dict(kw)
    spec["tests"] = tests
    return console.Console(console.make_console(spec).splitlines(True))


def test(name, results=(), end="ok", **kw):
    t = dict(kw)
    t.update(name=name, results=list(results), end=end)
    return t


def res(name, status="pass", kind=None, detail="detail"):
    r = {"name": name, "status": status, "detail": detail}
    if kind:
        r["kind"] = kind
    return r


def passing(*names):
    return [test(n, [res("r")]) for n in names]


class Records(unittest.TestCase):
    def test_depth(self):
        self.assertEqual(console.depth_of("    # # idregs-walk: x=1"), (2, "idregs-walk: x=1"))
        self.assertEqual(console.depth_of("ok 1 a"), (0, "ok 1 a"))
        self.assertEqual(console.depth_of("#"), (1, ""))

    def test_record_fields(self):
        rec = console.parse_record("name=el2 offered=0 reason=KVM does not offer el2")
        self.assertEqual(rec, {"name": "el2", "offered": "0",
                               "reason": "KVM does not offer el2"})
        self.assertEqual(console.parse_record("301"), {"": "301"})
        # idregs-reproduce's command runs to the end of the line too.
        rec = console.parse_record("n=7 command=idreg try ID_DFR0_EL1.PerfMon=0x8 --vcpu pmu")
        self.assertEqual(rec, {"n": "7", "command": "idreg try ID_DFR0_EL1.PerfMon=0x8 --vcpu pmu"})

    def test_records_any_depth_in_order(self):
        c = con([test("writable_fields_test", records=[
            "walk: config=default fields=301 values=7152",
            "walk: config=pmu fields=301 values=7152 added=2 added_values=32",
            "writable-fields: 301"])])
        self.assertEqual(c.records_of("walk"), [
            "config=default fields=301 values=7152",
            "config=pmu fields=301 values=7152 added=2 added_values=32"])
        self.assertEqual(c.records_of("writable-fields"), ["301"])
        nested = console.Console(["    # # idregs-walk: config=a fields=1\n"])
        self.assertEqual(nested.records_of("walk"), ["config=a fields=1"])


class Results(unittest.TestCase):
    def test_kind_from_record(self):
        c = con([test("writable_masks_test", [
            res("CLIDR_EL1", "fail", "source"),
            res("masks.unwritable", "fail"),
            res("guest.default@pmu", "fail", "timing")], end="fail")])
        self.assertEqual([(r.name, r.kind) for r in c.results], [
            ("CLIDR_EL1", "source"), ("masks.unwritable", "behaviour"),
            ("guest.default@pmu", "timing")])

    def test_record_names_its_result(self):
        # A record for another number does not reach the next result.
        lines = ["# selftests: idregs: t", "# # idregs-result: n=2 kind=source",
                 "# not ok 1 a: x", "# not ok 2 b: x", "not ok 1 selftests: idregs: t # exit=1"]
        c = console.Console(lines)
        self.assertEqual([r.kind for r in c.results], ["behaviour", "source"])

    def test_statuses_and_names(self):
        c = con([test("t", [res("a.b@pmu"), res("vcpu@el2", "skip"),
                            res("snapshot@imp_id_writable", "xfail"),
                            res("c", "fail")], end="fail")])
        self.assertEqual([(r.status, r.name) for r in c.results], [
            ("pass", "a.b@pmu"), ("skip", "vcpu@el2"),
            ("xfail", "snapshot@imp_id_writable"), ("fail", "c")])
        self.assertEqual(c.failing(), ["c"])

    def test_output(self):
        c = con([test("a", [res("x")], records=["walk: config=default fields=1"],
                      lines=["free text"]), test("b")])
        self.assertEqual(c.test("a").output, ["TAP version 13", "1..1", "ok 1 x: detail",
                                              "# idregs-walk: config=default fields=1", "free text"])

    def test_ktap_order_skip(self):
        self.assertEqual(console.parse_result("ok 3 name # SKIP why"), ("skip", 3, "name"))

    def test_tests(self):
        c = con([test("a"), test("b", end="timeout"), test("c", end="skip"),
                 test("d", end="fail", directive="exit=139"), test("e", end=None)])
        self.assertEqual([(t.name, t.status, t.directive) for t in c.tests], [
            ("a", "ok", ""), ("b", "timeout", "TIMEOUT 60 seconds"), ("c", "skip", "SKIP"),
            ("d", "fail", "exit=139"), ("e", "open", "")])


class Host(unittest.TestCase):
    def test_counts_are_the_runners(self):
        c = con([test("a", [res("x"), res("y", "fail")], end="fail",
                      lines=["# Totals: pass:9 fail:9 xfail:0 xpass:0 skip:0 error:0"]),
                 test("b", end="skip"), test("c")])
        self.assertEqual(c.counts(), (1, 1, 1))
        self.assertIsNone(con(passing("a"), totals=False).counts())

    def test_verdict(self):
        self.assertEqual(con(passing("a")).host_verdict(0), "")
        self.assertEqual(con(passing("a"), totals=False).host_verdict(0),
                         "emulated host ended without a result (qemu exit status 0)")
        self.assertEqual(con(passing("a"), after=["Unable to handle kernel paging request"])
                         .host_verdict(0), "host kernel crash/warning")
        self.assertEqual(con(passing("a")).host_verdict(137, "emulated host hung: killed after 9 s"),
                         "emulated host hung: killed after 9 s")
        self.assertEqual(con([], after=["# x: done"]).host_verdict(0, "", "^# x: done$"), "")

    def test_the_kernels_words_are_kernel_log_hs(self):
        """The crash words are IDREG_KERNEL_BAD_WORDS, as the C side has
        them: a KASAN report fails a host as a crash (no finding claims it),
        a warning only unless claimed."""
        words = console.kernel_bad_words()
        self.assertIn("WARNING:", words)
        self.assertIn("KASAN:", words)
        for w in words:
            self.assertTrue(console.CRASH_RE.search("[ 1.0] %s x" % w), w)
        self.assertTrue(console.UNCLAIMABLE_RE.search("[ 1.0] KASAN: slab-out-of-bounds"))
        self.assertFalse(console.UNCLAIMABLE_RE.search("[ 1.0] WARNING: CPU: 0 PID: 1"))
        self.assertEqual(con(passing("a"), after=["[ 1.0] UBSAN: shift-out-of-bounds"])
                         .host_verdict(0), "host kernel crash/warning")

    def test_host_command_reads_killed(self):
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "c.log")
            with open(log, "w") as f:
                f.write(console.make_console({"tests": passing("a")}))
            with open(log + ".killed", "w") as f:
                f.write("the kernel did not reach /init within 60 s (x)\n")
            c = console.read_console(log)
            self.assertEqual(c.host_verdict(0, console._read_text(log + ".killed")),
                             "the kernel did not reach /init within 60 s (x)")


class Rows(unittest.TestCase):
    def fixture(self):
        return con([test("writable_fields_test", [
            res("ID_AA64ISAR0_EL1.AES"), res("ID_AA64DFR0_EL1.PMUVer@pmu"),
            res("ID_AA64ISAR0_EL1.SHA1@pmu", "fail"), res("vcpu@el2", "skip"),
            res("snapshot@imp_id_writable", "xfail")], end="fail", config_records=[
                "name=default offered=1 features=none",
                "name=el2 offered=0 reason=vCPU configuration el2: KVM does not offer el2",
                "name=pmu offered=1 features=pmu"], records=[
                "walk: config=default fields=301 values=7152",
                "walk: config=pmu fields=301 values=7152 added=2 added_values=32"]),
            test("defaults_test", [res("CTR_EL0.defaults")],
                 config_records=["name=default offered=1 features=none"])])

    def test_rows(self):
        self.assertEqual(self.fixture().config_rows(), [
            ("default", "pass", 3, 0, 0, "301", ""),
            ("el2", "skip", 0, 0, 1, "-", "vCPU configuration el2: KVM does not offer el2"),
            ("pmu", "fail", 1, 1, 0, "301(+2)", "")])

    def test_no_rows_when_all_skipped_whole(self):
        self.assertEqual(con([test("a", end="skip")]).config_rows(), [])
        self.assertEqual(con([test("a", end="skip", config_records=[
            "name=default offered=1 features=none"])]).config_rows(), [])


class Summary(unittest.TestCase):
    def test_host_result(self):
        self.assertEqual(console.host_result(con(passing("a"))), "pass")
        self.assertEqual(console.host_result(con(passing("a")), "hung"), "fail")
        self.assertEqual(console.host_result(con([test("a", end="skip")])), "skip")
        self.assertEqual(console.host_result(con([test("a", end="fail")])), "fail")

    def test_table(self):
        c = con([test("t", [res("A"), res("A@pmu", "fail")], end="fail", config_records=[
            "name=default offered=1 features=none", "name=pmu offered=1 features=pmu",
            "name=el2 offered=0 reason=no el2"], records=["writable-fields: 301"])])
        lines, status, err = console.summary([(c, "7.3.4", "max", 9, ""),
                                              (console.Console([]), "6.12", "max", 3, "hung")])
        self.assertEqual(status, 1)
        self.assertIsNone(err)
        self.assertEqual(lines[3], "# 7.3.4                    max              (tests)           301"
                                   "      0      1       0       9s")
        self.assertEqual(lines[6], "#                                           el2                 -"
                                   "      0      0       0           no el2")
        self.assertEqual(lines[7], "# 6.12                     max              (tests)             -"
                                   "      0      1       0       3s  hung")
        self.assertEqual(lines[-2:], ["# kernel x cpu x vCPU configuration: 1 passed, 1 failed, 1 skipped",
                                      "0 passed, 2 failed, 0 skipped"])

    def test_exit_status(self):
        skipped = con([test("a", end="skip")])
        self.assertEqual(console.summary([(con(passing("a")), "7", "max", 1, "")])[1], 0)
        self.assertEqual(console.summary([(skipped, "7", "max", 1, "")])[1], 4)
        lines, status, err = console.summary([(skipped, "6.1", "max", 1, "")], expect_skip=True)
        self.assertEqual((status, lines[-1], err), (0, "# every test skipped, as expected", None))
        lines, status, err = console.summary([(con(passing("a")), "6.1", "max", 1, "")],
                                             expect_skip=True)
        self.assertEqual((status, err), (1, "run_tests: error: expected every test to skip"))


class Known(unittest.TestCase):
    def test_compare(self):
        c = con([test("writable_fields_test", [
            res("ID_AA64DFR0_EL1.PMUVer", "fail"), res("ID_AA64DFR0_EL1.PMUVer@pmu", "fail"),
            res("X.Y", "fail", detail="d"), res("ok"), res("ID_DFR0_EL1.PerfMon")], end="fail"),
            test("guest_view_test", [res("r")], end="fail", directive="exit=139")])
        known, unknown, fixed = c.compare_known({
            "ID_AA64DFR0_EL1.PMUVer": "pmuver-signed", "ID_AA64DFR0_EL1.PMUVer@pmu": "pmuver-signed",
            "ID_DFR0_EL1.PerfMon": "pmuver-signed", "ID_DFR0_EL1.PerfMon@sve": "pmuver-signed"})
        self.assertEqual(known, ["ID_AA64DFR0_EL1.PMUVer", "ID_AA64DFR0_EL1.PMUVer@pmu"])
        self.assertEqual(unknown, [("X.Y", "not ok 3 X.Y: d"),
                                   ("guest_view_test", "guest_view_test: exit=139")])
        # PerfMon@sve did not run (a --vcpu list, a test filter): not stale.
        self.assertEqual(fixed, [("ID_DFR0_EL1.PerfMon", "pmuver-signed")])


    def host_with_finding(self):
        return con([test("vcpu_surroundings_test", [
            res("reg_list.round_trip@pmu", "fail"), res("other")], end="fail"),
            test("writable_fields_test", [res("A"), res("gone")])])

    def test_a_test_failing_only_on_findings_is_known_not_failed(self):
        c = self.host_with_finding()
        findings = {"reg_list.round_trip@pmu": "pmu-clr-write-back"}
        self.assertEqual(console.host_counts(c, findings), (1, 0, 0, 1))
        self.assertEqual(console.host_result(c, "", findings), "pass")
        self.assertEqual(console.host_result(c), "fail")
        lines, status, _ = console.summary([(c, "6.12.117", "max", 5, "", findings)])
        self.assertEqual(status, 0)
        self.assertIn("1 known finding results (pmu-clr-write-back)", lines[3])
        self.assertEqual(lines[-1], "1 passed, 0 failed, 0 skipped, "
                                    "1 failed only on known findings (docs/findings.md)")

    def test_an_unknown_failure_beside_a_finding_fails_its_test(self):
        c = con([test("vcpu_surroundings_test", [
            res("reg_list.round_trip@pmu", "fail"), res("X", "fail")], end="fail")])
        findings = {"reg_list.round_trip@pmu": "pmu-clr-write-back"}
        self.assertEqual(console.host_counts(c, findings), (0, 1, 0, 0))
        self.assertEqual(console.host_result(c, "", findings), "fail")

    def test_a_finding_that_no_longer_fails_is_a_failure(self):
        findings = {"reg_list.round_trip@pmu": "pmu-clr-write-back", "gone": "old"}
        c = self.host_with_finding()
        self.assertEqual(console.host_counts(c, findings), (1, 1, 0, 1))
        lines, status, _ = console.summary([(c, "6.12.117", "max", 5, "", findings)])
        self.assertEqual(status, 1)
        self.assertIn("stale: gone (old) no longer fails", lines[3])


# A host on which sequences_test's reproducer of pmuver0-reinit made the
# kernel WARN: the test claims it (an idregs-taint record before the
# finding's result), ktap_runner reports the taint and the kernel log.
FINDING = "finding.pmuver0-reinit"
KNOWN = {FINDING: "pmuver0-reinit"}
WARN = "dmesg: <4>[    4.66] WARNING: arch/arm64/kvm/pmu-emul.c:54 at kvm_pmu_evtyper_mask+0xac/0xc0"


def tainting(results=None, claim="before=0 after=512 step=4", lines=(WARN,)):
    if results is None:
        results = [res("sequence.0"), res(FINDING, "fail", "behaviour",
                                          "step 4 (init 0.0 other): kernel log: WARNING: x")]
    if claim:
        results[-1]["taint"] = claim
    return test("sequences_test", results, end="fail", directive="kernel tainted",
                lines=list(lines))


class Claims(unittest.TestCase):
    def test_a_known_finding_claims_its_warning_and_taint(self):
        c = con(passing("guest_view_test") + [tainting()])
        self.assertEqual(c.test("sequences_test").claims, [2])
        self.assertEqual(c.host_verdict(0, findings=KNOWN), "")
        self.assertEqual(c.crash_lines(KNOWN), [])
        self.assertEqual(console.host_result(c, "", KNOWN), "pass")
        self.assertEqual(console.host_counts(c, KNOWN), (1, 0, 0, 1))

    def test_without_the_findings_the_host_warned(self):
        c = con(passing("guest_view_test") + [tainting()])
        self.assertEqual(c.host_verdict(0), "host kernel crash/warning")
        self.assertEqual(c.host_verdict(0, findings={"other": "x"}), "host kernel crash/warning")
        self.assertEqual(len(c.crash_lines()), 3)   # the result, the log, the runner's line

    def test_an_unclaimed_warning_fails_the_host(self):
        c = con([tainting(claim=None)])
        self.assertEqual(c.host_verdict(0, findings=KNOWN), "host kernel crash/warning")
        # In another test, or outside every test, a claim elsewhere does not reach it.
        c = con([test("guest_view_test", [res("r")], lines=[WARN]), tainting()])
        self.assertEqual(c.crash_lines(KNOWN), ["# " + WARN])
        c = con([tainting()], after=["[    9.1] WARNING: at somewhere"])
        self.assertEqual(c.crash_lines(KNOWN), ["[    9.1] WARNING: at somewhere"])

    def test_a_test_tainting_after_the_claim_fails_the_host(self):
        c = con([tainting(), test("set_id_regs", [res("x")], end="fail", directive="kernel tainted")])
        self.assertEqual(c.crash_lines(KNOWN),
                         ["not ok 2 selftests: idregs: set_id_regs # kernel tainted"])

    def test_every_claim_must_be_a_failing_known_finding(self):
        seq = res("sequence.3", "fail", detail="kernel log: WARNING: y")
        seq["taint"] = "before=0 after=512"
        c = con([tainting([seq, res(FINDING, "fail")])])
        self.assertEqual(c.host_verdict(0, findings=KNOWN), "host kernel crash/warning")
        # A claim by a known finding whose result passed claims nothing.
        c = con([tainting([res(FINDING)])])
        self.assertEqual(c.host_verdict(0, findings=KNOWN), "host kernel crash/warning")
        # A claim for a result number the test never reported.
        c = console.Console(console.make_console({"tests": [tainting()]}).replace(
            "idregs-taint: n=2", "idregs-taint: n=9").splitlines())
        self.assertEqual(c.host_verdict(0, findings=KNOWN), "host kernel crash/warning")

    def test_a_crash_is_never_claimed(self):
        c = con([tainting(lines=[WARN, "dmesg: BUG: unable to handle page fault"])])
        self.assertEqual(c.crash_lines(KNOWN), ["# dmesg: BUG: unable to handle page fault"])

    def test_the_other_results_stay_judged(self):
        c = con([tainting([res("sequence.0", "fail"), res(FINDING, "fail")])])
        self.assertEqual(c.host_verdict(0, findings=KNOWN), "")
        self.assertEqual(console.host_result(c, "", KNOWN), "fail")
        _, unknown, _ = c.compare_known(KNOWN)
        self.assertEqual([n for n, _ in unknown], ["sequence.0"])

    def test_commands(self):
        with tempfile.TemporaryDirectory() as d:
            log, known = os.path.join(d, "c.log"), os.path.join(d, "known")
            with open(log, "w") as f:
                f.write(console.make_console({"tests": passing(*IDREGS) + [tainting()]}))
            with open(known, "w") as f:
                f.write("finding\t%s\tpmuver0-reinit\t12\n" % FINDING)
            main = Main.run_main
            self.assertEqual(main(self, "host", log, "0"), (0, "host kernel crash/warning\n"))
            self.assertEqual(main(self, "host", log, "0", "--findings", known), (0, ""))
            self.assertEqual(main(self, "crash-lines", log, "--findings", known), (0, ""))
            self.assertEqual(main(self, "verdict", log, "", "--findings", known, "sequences_test"),
                             (0, "survived\n"))
            self.assertEqual(main(self, "host-result", log, "", known), (0, "pass\n"))


class Verdicts(unittest.TestCase):
    def verdict(self, tests, host="", names=IDREGS, **kw):
        return con(tests, **kw).suite_verdict(host, names)

    def test_survived(self):
        self.assertEqual(self.verdict(passing(*IDREGS)), "survived")

    def test_source_only(self):
        v = self.verdict([
            test("writable_masks_test", [res("CLIDR_EL1", "fail", "source", "m")], end="fail"),
            test("defaults_test", [res("X.sanitised@sve", "fail", "source")], end="fail"),
            test("guest_view_test", [res("r")])])
        self.assertEqual(v, "killed source writable_masks_test: not ok 1 CLIDR_EL1: m")

    def test_behaviour_wins(self):
        v = self.verdict([
            test("writable_masks_test", [res("CLIDR_EL1", "fail", "source")], end="fail"),
            test("defaults_test", [res("r")]),
            test("guest_view_test", [res("r"), res("CTR_EL0.a32@aarch32-el1", "fail", "behaviour", "d")],
                 end="fail")])
        self.assertEqual(v, "killed behaviour guest_view_test: not ok 2 CTR_EL0.a32@aarch32-el1: d")

    def test_no_record_is_behaviour(self):
        v = self.verdict([test("writable_masks_test", [res("masks.unwritable", "fail")], end="fail"),
                          test("defaults_test"), test("guest_view_test")])
        self.assertEqual(v, "killed behaviour writable_masks_test: not ok 1 masks.unwritable: detail")

    def test_timeout_is_error(self):
        v = self.verdict(passing("writable_masks_test", "defaults_test") +
                         [test("guest_view_test", [res("r")], end="timeout")])
        self.assertEqual(v, "error guest_view_test: TIMEOUT 60 seconds")

    def test_timing_result_is_error(self):
        v = self.verdict(passing("writable_masks_test", "defaults_test") +
                         [test("guest_view_test", [res("guest.default@pmu", "fail", "timing", "s")],
                               end="fail")])
        self.assertEqual(v, "error guest_view_test: not ok 1 guest.default@pmu: s")

    def test_timing_beside_source(self):
        v = self.verdict([test("writable_masks_test", [res("A", "fail", "source")], end="fail"),
                          test("defaults_test"),
                          test("guest_view_test", [res("r")], end="timeout")])
        self.assertEqual(v, "error guest_view_test: TIMEOUT 60 seconds "
                            "(and source: writable_masks_test: not ok 1 A: detail)")

    def test_hung(self):
        v = self.verdict([test("writable_masks_test"), test("defaults_test", [res("r")], end=None)],
                         host="emulated host hung: killed after 450 s")
        self.assertEqual(v, "error emulated host hung: killed after 450 s "
                            "(no result for defaults_test guest_view_test)")

    def test_never_reached_init(self):
        c = console.Console([])
        self.assertEqual(c.suite_verdict("the kernel did not reach /init", IDREGS),
                         "error the kernel did not reach /init (no result for "
                         "writable_masks_test defaults_test guest_view_test)")
        self.assertEqual(c.suite_verdict("", IDREGS).split(" (")[0],
                         "error the host ended without a result")

    def test_crash(self):
        v = self.verdict([test("writable_masks_test"), test("defaults_test", [res("r")], end=None)],
                         host="host kernel crash/warning", after=["Unable to handle kernel"])
        self.assertEqual(v, "killed behaviour defaults_test: host kernel crash/warning")
        v = self.verdict([test("writable_masks_test")], host="host kernel crash/warning")
        self.assertEqual(v, "killed behaviour host kernel crash/warning")

    def test_exit_without_failing_result(self):
        v = self.verdict(passing("writable_masks_test", "defaults_test") +
                         [test("guest_view_test", [res("r")], end="fail", directive="exit=139")])
        self.assertEqual(v, "killed behaviour guest_view_test: exit=139")

    def test_assertion(self):
        c = console.Console([
            "# selftests: idregs: set_id_regs",
            "# ==== Test Assertion Failure ====",
            "#   arm64/set_id_regs.c:450: val == user_val",
            "not ok 1 selftests: idregs: set_id_regs # exit=254"])
        self.assertEqual(c.suite_verdict("", ["set_id_regs"]),
                         "killed behaviour set_id_regs: assertion: arm64/set_id_regs.c:450: val == user_val")

    def test_known_findings_fail_as_on_the_unmutated_kernel(self):
        tests = passing("writable_masks_test", "defaults_test") + [
            test("guest_view_test", [res("r"), res("debug.wrps", "fail")], end="fail")]
        known = {"debug.wrps": "debug-wrps-not-enforced"}
        self.assertEqual(con(tests).suite_verdict("", IDREGS, known), "survived")
        self.assertEqual(con(tests).suite_verdict("", IDREGS),
                         "killed behaviour guest_view_test: not ok 2 debug.wrps: detail")
        # Beside an unknown failure, the unknown one kills.
        tests[-1]["results"].append(res("X", "fail", detail="d"))
        self.assertEqual(con(tests).suite_verdict("", IDREGS, known),
                         "killed behaviour guest_view_test: not ok 3 X: d")

    def test_a_known_finding_that_passes_kills(self):
        tests = passing("writable_masks_test", "defaults_test") + [
            test("guest_view_test", [res("r"), res("debug.wrps")])]
        self.assertEqual(con(tests).suite_verdict("", IDREGS, {"debug.wrps": "debug-wrps-not-enforced"}),
                         "killed behaviour guest_view_test: ok 2 debug.wrps: detail "
                         "(known finding debug-wrps-not-enforced no longer fails)")

    def test_a_claimed_taint_is_no_kill(self):
        c = con(passing(*IDREGS) + [tainting()])
        names = IDREGS + ["sequences_test"]
        self.assertEqual(c.suite_verdict(c.host_verdict(0, findings=KNOWN), names, KNOWN),
                         "survived")
        self.assertEqual(c.suite_verdict(c.host_verdict(0), names),
                         "killed behaviour sequences_test: not ok 2 finding.pmuver0-reinit: "
                         "step 4 (init 0.0 other): kernel log: WARNING: x")
        # Another test's taint under a mutant: killed by its runner line.
        c = con(passing(*IDREGS[:2]) + [
            test("guest_view_test", [res("r")], end="fail", directive="kernel tainted"), tainting()])
        self.assertEqual(c.suite_verdict(c.host_verdict(0, findings=KNOWN), names, KNOWN),
                         "killed behaviour guest_view_test: kernel tainted")

    def test_a_configuration_run_alone_is_its_test(self):
        """TEST@CONFIG, an invocation of TEST (idregs_tests_list), judges
        as TEST does."""
        v = self.verdict(passing(*IDREGS) + [
            test("guest_view_test@el2", [res("r@el2", "fail", "behaviour", "d")], end="fail")])
        self.assertEqual(v, "killed behaviour guest_view_test@el2: not ok 1 r@el2: d")
        v = self.verdict(passing(*IDREGS) + [
            test("guest_view_test@el2", [res("r@el2")], end="timeout")])
        self.assertEqual(v, "error guest_view_test@el2: TIMEOUT 60 seconds")
        self.assertEqual(self.verdict(passing(*IDREGS) + passing("guest_view_test@el2")),
                         "survived")

    def test_other_suite_ignored(self):
        v = self.verdict(passing(*IDREGS) + [test("set_id_regs", [res("x", "fail")], end="fail")])
        self.assertEqual(v, "survived")


class Main(unittest.TestCase):
    def run_main(self, *args):
        from io import StringIO
        out, old = StringIO(), sys.stdout
        sys.stdout = out
        try:
            rc = console.main(list(args))
        finally:
            sys.stdout = old
        return rc, out.getvalue()

    def test_commands(self):
        with tempfile.TemporaryDirectory() as d:
            log = os.path.join(d, "c.log")
            with open(log, "w") as f:
                f.write(console.make_console({"tests": fixture_spec()}))
            self.assertEqual(self.run_main("counts", log), (0, "0 1 0\n"))
            rc, out = self.run_main("configs", log)
            self.assertEqual(out.splitlines()[1],
                             "el2\tskip\t0\t0\t0\t-\tvCPU configuration el2: KVM does not offer el2")
            rc, out = self.run_main("results", log)
            self.assertEqual(out.splitlines()[2].split("\t")[:6],
                             ["writable_fields_test", "3", "fail", "behaviour", "pmu",
                              "ID_AA64ISAR0_EL1.SHA1@pmu"])
            self.assertEqual(self.run_main("host", log, "0"), (0, ""))
            self.assertEqual(self.run_main("bogus", log)[0], 2)


def fixture_spec():
    return [test("writable_fields_test", [
        res("ID_AA64ISAR0_EL1.AES"), res("ID_AA64DFR0_EL1.PMUVer@pmu"),
        res("ID_AA64ISAR0_EL1.SHA1@pmu", "fail")], end="fail", config_records=[
            "name=default offered=1 features=none",
            "name=el2 offered=0 reason=vCPU configuration el2: KVM does not offer el2",
            "name=pmu offered=1 features=pmu"])]

if __name__ == "__main__":
    unittest.main()
