#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Unit tests of the host report (host_report.py) on a console built from
the schema (console.py make), two small profiles and a layout."""

import json
import os
import shutil
import sys
import tempfile
import types
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))

import browser_check  # noqa: E402
import console  # noqa: E402
import host_report  # noqa: E402

BROWSER = next((shutil.which(b) for b in browser_check.BROWSERS if shutil.which(b)), None)

CONSOLE = {
    "host": "6.18.15+deb13-arm64",
    "tests": [{
        "name": "writable_fields_test",
        "config_records": ["name=default offered=1 features=none",
                           "name=pmu offered=1 features=pmu",
                           "name=el2 offered=0 reason=KVM does not offer el2"],
        "results": [
            {"name": "ID_AA64ISAR0_EL1.AES", "status": "pass", "kind": "behaviour"},
            {"name": "ID_AA64DFR0_EL1.PMUVer", "status": "fail", "kind": "behaviour",
             "detail": "0x8 accepted above the limit"},
            {"name": "ID_AA64ISAR0_EL1.AES@pmu", "status": "pass", "kind": "behaviour"},
            {"name": "ID_AA64DFR0_EL1.PMUVer@pmu", "status": "fail", "kind": "behaviour"},
            {"name": "vcpu@el2", "status": "skip", "kind": "behaviour"},
        ],
        # The record the walk prints before the field's result (n=2).
        "lines": [],
        "end": "fail",
    }],
}

LAYOUT = {"registers": [
    {"name": "ID_AA64ISAR0_EL1", "fields": [
        {"name": "AES", "lsb": 4, "width": 4, "mask": "0x00000000000000f0"},
        {"name": "SHA1", "lsb": 8, "width": 4, "mask": "0x0000000000000f00"}]},
    {"name": "ID_AA64DFR0_EL1", "fields": [
        {"name": "DebugVer", "lsb": 0, "width": 4, "mask": "0x000000000000000f"},
        {"name": "PMUVer", "lsb": 8, "width": 4, "mask": "0x0000000000000f00"}]},
    {"name": "ID_AFR0_EL1", "fields": []},
]}

SANITISED = """# 7.3 (linux-source 7.3.4): 3 operations
ID_AA64DFR0_EL1\tPMUVer\tclears\tunless the vCPU has pmu\tsanitise_id_aa64dfr0_el1 x.c:1
ID_AA64DFR0_EL1\tDebugVer\tcaps at V8P8 (10)\talways\tsanitise_id_aa64dfr0_el1 x.c:2
"""

FINDINGS_DOC = """# Findings
## pmuver-signed: PMUVer and PerfMon compared as signed
| kernel | build | result |
|---|---|---|
| 6.12.117 | x | passes |
| 6.16.12, 6.18.15 | y | **fails**: 12 results |
Upstream fixed it in commit d1dcc20bcc40 ("arm64: ...").
## Not findings
commit 0123456789ab is not one.
"""


def profile(config, features, dfr0):
    return {"format": "idregs-profile-1", "kernel": "6.18.15+deb13-arm64",
            "midr": "0x00000000414fd0c1",
            "vcpu": {"config": config, "features": features, "offered": ["pmu"],
                     "gic_offered": ["v3"], "sve_vls": []},
            "writable_imp_id_regs": True,
            "registers": {
                "ID_AA64ISAR0_EL1": {"value": "0x0000000000000120",
                                     "mask": "0x00000000000000f0"},
                "ID_AA64DFR0_EL1": {"value": dfr0, "mask": "0x0000000000000f0f"}}}


class HostReport(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir)
        lines = console.make_console(CONSOLE).splitlines()
        # The reproduce record of the failing field, before its result.
        at = lines.index("# # idregs-result: n=2 kind=behaviour")
        lines.insert(at, "# # idregs-reproduce: n=2 command=idreg try "
                         "ID_AA64DFR0_EL1.PMUVer=0x8 --vcpu default")
        self.log = self._write("console.log", "\n".join(lines) + "\n")
        os.mkdir(os.path.join(self.dir, "profiles"))
        self._write("profiles/default.json",
                    json.dumps(profile("default", [], "0x0000000000000008")))
        self._write("profiles/pmu.json",
                    json.dumps(profile("pmu", ["pmu"], "0x0000000000000608")))
        self._write("profiles/el2.err", "idreg: dump: KVM does not offer el2")
        findings = self._write("findings", "finding\tID_AA64DFR0_EL1.PMUVer\tpmuver-signed\t1\n"
                                           "finding\tID_AA64DFR0_EL1.PMUVer@pmu\tpmuver-signed\t2\n")
        tries = self._write("tries.json", json.dumps({
            "idreg try ID_AA64DFR0_EL1.PMUVer=0x8 --vcpu default": "KVM: accepted"}))
        self.args = types.SimpleNamespace(
            console=self.log, out=os.path.join(self.dir, "out"), release="6.18.15",
            cpu="max", mode="emulated", seconds=42, verdict="",
            profiles=os.path.join(self.dir, "profiles"),
            layout=self._write("layout.json", json.dumps(LAYOUT)),
            sanitised=self._write("sanitised.tsv", SANITISED),
            cpu_names=os.path.join(HERE, "cpu_names.tsv"),
            findings=findings, findings_doc=self._write("findings.md", FINDINGS_DOC),
            tries=tries, idreg=None, pool=[], reference=None, writable=None)

    def _write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def test_known_findings_are_the_verdict(self):
        r = host_report.build_report(self.args)
        self.assertEqual(r["verdict"], "known")
        self.assertEqual(r["totals"]["known"], 2)
        self.assertEqual(r["totals"]["unknown"], 0)
        self.assertEqual((r["totals"]["passed"], r["totals"]["failed"],
                          r["totals"]["skipped"]), (2, 2, 1))
        fl = r["failures"][0]
        self.assertEqual(fl["finding"]["id"], "pmuver-signed")
        self.assertEqual(fl["finding"]["commits"], ["d1dcc20bcc40"])
        self.assertEqual(fl["finding"]["kernels"], ["6.16.12, 6.18.15"])
        self.assertEqual(fl["reproduce"],
                         "idreg try ID_AA64DFR0_EL1.PMUVer=0x8 --vcpu default")
        self.assertEqual(fl["kvm_answer"], "KVM: accepted")
        self.assertEqual(r["failures"][1]["config"], "pmu")
        self.assertEqual(r["failures"][1]["reproduce"], "")

    def test_a_finding_fixed_only_where_its_result_ran(self):
        self._write("findings", "finding\tID_AA64ISAR0_EL1.AES\tpmuver-signed\t1\n"
                                "finding\tID_AA64ISAR0_EL1.AES@sve\tpmuver-signed\t2\n")
        r = host_report.build_report(self.args)
        self.assertEqual(r["fixed_findings"],
                         [{"name": "ID_AA64ISAR0_EL1.AES", "finding": "pmuver-signed"}])
        self.assertEqual(r["totals"]["fixed"], 1)

    def test_an_unknown_failure_fails(self):
        self._write("findings", "")
        r = host_report.build_report(self.args)
        self.assertEqual(r["verdict"], "failed")
        self.assertEqual(r["totals"]["unknown"], 2)
        self.assertIsNone(r["failures"][0]["finding"])

    def test_a_broken_boot_fails(self):
        self.args.verdict = "emulated host hung"
        r = host_report.build_report(self.args)
        self.assertEqual(r["verdict"], "failed")
        self.assertEqual(r["totals"]["failed"], 3)

    def test_map_classes_and_failing_cells(self):
        r = host_report.build_report(self.args)
        self.assertEqual(list(r["map"]), ["default", "pmu"])
        self.assertEqual(r["configs_without_profile"],
                         {"el2": "idreg: dump: KVM does not offer el2"})
        cells = {(row["register"], c["field"]): c for row in r["map"]["default"]
                 for c in row["fields"]}
        self.assertEqual(cells[("ID_AA64ISAR0_EL1", "AES")]["class"], "writable")
        self.assertEqual(cells[("ID_AA64ISAR0_EL1", "AES")]["value"], "0x2")
        self.assertEqual(cells[("ID_AA64ISAR0_EL1", "SHA1")]["class"], "fixed")
        self.assertEqual(cells[("ID_AA64DFR0_EL1", "PMUVer")]["class"], "hidden")
        self.assertEqual(cells[("ID_AA64DFR0_EL1", "DebugVer")]["class"], "capped")
        anchor = cells[("ID_AA64DFR0_EL1", "PMUVer")]["failing"]
        self.assertEqual(anchor, r["failures"][0]["anchor"])
        pmu = {(row["register"], c["field"]): c for row in r["map"]["pmu"]
               for c in row["fields"]}
        # With the PMU the field is KVM's to give: writable, value 6.
        self.assertEqual((pmu[("ID_AA64DFR0_EL1", "PMUVer")]["class"],
                          pmu[("ID_AA64DFR0_EL1", "PMUVer")]["value"]), ("writable", "0x6"))
        self.assertTrue(pmu[("ID_AA64DFR0_EL1", "PMUVer")]["failing"])
        # A register without fields has no row.
        self.assertNotIn("ID_AFR0_EL1", [row["register"] for row in r["map"]["default"]])

    def test_midr_decoded_from_cputype_names(self):
        r = host_report.build_report(self.args)
        m = r["host"]["midr"]
        self.assertEqual((m["implementer_name"], m["part_name"], m["variant"], m["revision"]),
                         ("ARM", "Neoverse N1", 4, 1))
        self.assertEqual(host_report.decode_midr(0xf0510, ({}, {}))["implementer_name"],
                         "software use (QEMU's TCG -cpu max)")

    def test_native_host_named_by_its_midr(self):
        self.args.mode, self.args.cpu = "native", "native"
        r = host_report.build_report(self.args)
        self.assertEqual(host_report.host_name(r["host"]), "ARM Neoverse N1")
        self.assertIn("on ARM Neoverse N1</h1>", host_report.render_html(r))

    def test_conditions(self):
        holds = host_report.condition_holds
        self.assertIs(holds("always", []), True)
        self.assertIs(holds("with el2", ["pmu"]), False)
        self.assertIs(holds("with el2; unless the vCPU has e2h0", ["el2"]), True)
        self.assertIs(holds("with el2; unless the vCPU has e2h0", ["el2", "e2h0"]), False)
        self.assertEqual(holds("if host: !kvm_supports_32bit_el0()", []), "host")
        self.assertIs(holds("something new", []), False)

    def test_outputs_agree(self):
        r = host_report.build_report(self.args)
        host_report.write_report(r, self.args.out)
        with open(os.path.join(self.args.out, "report.json"), encoding="utf-8") as f:
            self.assertEqual(json.load(f)["format"], "idregs-host-report-1")
        with open(os.path.join(self.args.out, "index.html"), encoding="utf-8") as f:
            page = f.read()
        self.assertIn('data-count="known">2<', page)
        self.assertIn('data-verdict="known"', page)
        self.assertNotIn("<script", page)
        self.assertIn('href="#%s"' % r["failures"][0]["anchor"], page)
        self.assertIn('id="%s"' % r["failures"][0]["anchor"], page)
        # The failure links to its finding, which names the fix.
        self.assertIn('href="#finding-pmuver-signed"', page)
        self.assertIn('id="finding-pmuver-signed"', page)
        self.assertIn("d1dcc20bcc40", page)
        with open(os.path.join(self.args.out, "summary.md"), encoding="utf-8") as f:
            summary = f.read()
        self.assertIn("**Verdict: known findings only**", summary)
        self.assertIn("pmuver-signed (d1dcc20bcc40)", summary)

    def test_reproducers_command(self):
        con = console.read_console(self.log)
        self.assertEqual(host_report.reproducers(con),
                         {("writable_fields_test", 2):
                          "idreg try ID_AA64DFR0_EL1.PMUVer=0x8 --vcpu default"})

    @unittest.skipUnless(BROWSER, "no headless Chromium (scripts/deps.sh installs it)")
    def test_browser_check_passes_and_can_fail(self):
        host_report.write_report(host_report.build_report(self.args), self.args.out)
        problems, cells, failing = browser_check.check(self.args.out, None, BROWSER)
        self.assertEqual((problems, cells, failing), ([], 8, 2))
        page = os.path.join(self.args.out, "index.html")
        with open(page, encoding="utf-8") as f:
            text = f.read()
        text = text.replace('data-count="known">2<', 'data-count="known">3<')
        text = text.replace('aria-label="ID_AA64ISAR0_EL1.SHA1', 'data-x="', 1)
        with open(page, "w", encoding="utf-8") as f:
            f.write(text)
        problems, _, _ = browser_check.check(self.args.out, None, BROWSER)
        self.assertEqual(len(problems), 2, problems)
        self.assertIn("count known: the page shows 3, report.json has 2", problems)
        self.assertTrue(problems[1].startswith("default: 1 cells without a label"), problems)

    @unittest.skipUnless(os.access(os.path.join(TOP, "build", "idreg"), os.X_OK),
                         "build/idreg not built (make idreg)")
    def test_pool_against_committed_profiles(self):
        data = os.path.join(TOP, "vmm", "tests", "data")
        idreg = os.path.join(TOP, "build", "idreg")
        names_dir = os.path.join(self.dir, "names")
        names = host_report.short_names(
            names_dir, os.path.join(data, "max-qemu-virt.json"),
            [os.path.join(data, "max-qemu-host.json"),
             os.path.join(data, "neoverse-n1-qemu-virt.json")])
        self.assertEqual(names, ["max-qemu-host.json", "neoverse-n1-qemu-virt.json"])
        same = host_report.pool_entry(idreg, names_dir, names[0])
        self.assertEqual(same["status"], "compatible")
        n1 = host_report.pool_entry(idreg, names_dir, names[1])
        self.assertEqual(n1["status"], "blocked")
        self.assertIn("MIDR_EL1", n1["blocking_registers"])
        # The messages name the profiles as the page does, not by path.
        self.assertTrue(any("host.json 0xf0510" in m for m in n1["baseline_blocking"]))
        self.assertFalse(any(self.dir in m for m in n1["baseline_blocking"]))
        base = host_report.pool_baseline(idreg, names_dir, names[1:], self.dir)
        self.assertTrue(base["qemu_args"].startswith("-cpu host,pmu=on,sve=off,pauth=off"))
        self.assertEqual(base["command"],
                         "idreg baseline host.json neoverse-n1-qemu-virt.json > pool-model.json")


if __name__ == "__main__":
    unittest.main()
