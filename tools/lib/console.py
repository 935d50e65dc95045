#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The one reader of a host's console (docs/results.md).

A console is what ktap_runner (or the kernel's runner.sh) prints: its KTAP
with each test's own KTAP nested one level ("# " before every line), the
tests' records ("# idregs-KIND: VALUE") at any depth, the runner's
"# Totals:".  Shell scripts call this module instead of matching lines
themselves; it reads structure only (plans, results, directives, records),
never the sentences a test prints beside them.

    console.py records LOG KIND       the records' values, one a line
    console.py results LOG            a line per result of a test:
                                      TEST N STATUS KIND CONFIG NAME LINE
    console.py tests LOG              a line per test: TEST STATUS DIRECTIVE
    console.py output LOG TEST        TEST's own lines, as it printed them
    console.py totals LOG             the runner's totals as it printed them
    console.py counts LOG             "PASS FAIL SKIP": the runner's totals
    console.py host LOG RC [--done RE] [--findings FINDINGS]
                                      what went wrong with the boot (a
                                      kernel warning a known finding claims
                                      is not: FINDINGS as for host-result)
    console.py crash-lines LOG [--findings FINDINGS]
                                      the console's lines that say the
                                      kernel went wrong, unclaimed
    console.py configs LOG            run_tests.sh's rows per configuration
    console.py verdict LOG HOST TEST... [--findings FINDINGS]
                                      the mutation verdict of a suite
    console.py failing LOG            the names of the failing results
    console.py known LOG LIST         the failing results against the known
                                      findings of LIST (build/expect-list's
                                      output): "known N", then "unknown
                                      NAME LINE" and "fixed NAME FINDING"
                                      (a finding whose result ran and did
                                      not fail)
    console.py host-result LOG [VERDICT [FINDINGS]]
                                      a host's KTAP line: pass, fail or skip
                                      (FINDINGS: expect-list output; a test
                                      failing only on them is no failure)
    console.py summary [--expect-skip] HOSTS
                                      run_tests.sh's table, totals and exit
                                      status; HOSTS: a line per host, "LOG
                                      RELEASE CPU SECONDS VERDICT [FINDINGS]"
                                      (tabs; FINDINGS as for host-result)
    console.py make                   a console from JSON on stdin (tests)

Lines are tab-separated where a field may hold spaces.
"""

import json
import os
import re
import sys

# A result's kind (the record "idregs-result: n=N kind=K" before it):
# behaviour (what KVM did), source (a comparison with the copy of KVM's
# source gen/ read), timing (a bound of wall time ended it: load, not KVM).
KINDS = ("behaviour", "source", "timing")


def kernel_bad_words():
    """The words of a kernel log that mean the kernel went wrong, from their
    one home, IDREG_KERNEL_BAD_WORDS in lib/include/idregs/kernel_log.h
    (ktap_runner and the explorer compile it in)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                        "lib", "include", "idregs", "kernel_log.h")
    with open(path) as f:
        lines = f.read().splitlines()
    start = next(i for i, l in enumerate(lines)
                 if l.startswith("#define IDREG_KERNEL_BAD_WORDS"))
    body = [lines[start]]
    while body[-1].rstrip().endswith("\\"):
        body.append(lines[start + len(body)])
    return re.findall(r'"([^"]+)"', "\n".join(body))


# Console lines that mean the host kernel itself went wrong (the kernel's
# words: no record can say it): a crash, which nothing may claim, or the
# kernel's warning and the taint it leaves (ktap_runner's "kernel
# tainted"), which a known finding may claim (an idregs-taint record
# before its result).
CLAIMABLE_WORDS = ("WARNING:", "kernel tainted")
UNCLAIMABLE = "|".join(re.escape(w) for w in kernel_bad_words() if w not in CLAIMABLE_WORDS)
CLAIMABLE = "|".join(re.escape(w) for w in CLAIMABLE_WORDS)
UNCLAIMABLE_RE = re.compile(UNCLAIMABLE)
CLAIMABLE_RE = re.compile(CLAIMABLE)
CRASH_RE = re.compile(UNCLAIMABLE + "|" + CLAIMABLE)
DEFAULT_DONE_RE = r"^# Totals: "
# The keys whose value runs to the end of the record's line (always last).
RUNS_TO_END = ("reason", "command")

_RESULT_RE = re.compile(r"^(not )?ok (\d+)(?: (.*))?$")
_HEADER_RE = re.compile(r"^selftests: [^:]*: (.*)$")
_RUNNER_RE = re.compile(r"^(not )?ok \d+ selftests: [^:]*: (\S+)(?: # (.*))?$")
_RECORD_RE = re.compile(r"^idregs-([a-z0-9-]+): ?(.*)$")


def depth_of(line):
    """(depth, text): the number of KTAP comment levels ("# ") before the
    text, leading blanks (a nesting runner's indent) dropped."""
    text = line.rstrip("\r\n").lstrip(" ")
    depth = 0
    while text.startswith("#"):
        if text.startswith("# "):
            text = text[2:]
        elif text == "#":
            text = ""
        else:
            break
        depth += 1
    return depth, text


def parse_record(value):
    """A record's value as a dict (key=value ...; "reason" or "command"
    runs to the end of the line), or {"": value} when it is one number."""
    fields = {}
    rest = value
    while rest:
        key, eq, tail = rest.partition("=")
        if not eq or " " in key:
            return {"": value}
        if key in RUNS_TO_END:
            fields[key] = tail
            break
        val, _, rest = tail.partition(" ")
        fields[key] = val
    return fields


class Result:
    """One KTAP result of a test."""

    def __init__(self, test, number, status, name, line, kind="behaviour", depth=1):
        self.test = test
        self.number = number
        self.status = status        # pass fail skip xfail xpass
        self.name = name
        self.line = line            # the KTAP line, comment levels dropped
        self.kind = kind
        self.depth = depth          # 1: the test's own; deeper: a subtest's

    def config(self, known):
        """The configuration the result belongs to: its name's last @CONFIG
        when that is one of @known, else default (the tests without --vcpu,
        @imp_id_writable: a vCPU without features)."""
        if "@" in self.name:
            cfg = self.name.rsplit("@", 1)[1]
            if cfg in known:
                return cfg
        return "default"


def parse_result(text):
    """(status, number, name) of a KTAP result line, or None."""
    m = _RESULT_RE.match(text)
    if not m:
        return None
    failed, number, rest = m.group(1), int(m.group(2)), m.group(3) or ""
    status = "fail" if failed else "pass"
    directive = ""
    if rest.startswith("# "):
        # "ok N # SKIP name: why", as kselftest prints a skip or an XFAIL.
        word, _, rest = rest[2:].partition(" ")
        directive = word.upper()
    elif " # " in rest:
        # "ok N name # SKIP why", KTAP's own order.
        head, _, tail = rest.partition(" # ")
        directive = tail.split(" ", 1)[0].upper()
        rest = head
    if directive == "SKIP":
        status = "skip"
    elif directive == "XFAIL":
        status = "xfail" if not failed else "fail"
    elif directive == "XPASS":
        status = "xpass"
    elif directive == "TIMEOUT":
        status = "fail"
    name = rest.split(": ", 1)[0].split(" ", 1)[0] if rest else ""
    name = name[:-1] if name.endswith(":") else name
    return status, number, name


class Test:
    """A test the runner ran: its results and how it ended."""

    def __init__(self, name):
        self.name = name
        self.status = "open"        # ok fail skip timeout open
        self.directive = ""
        self.results = []
        self.failures = []          # (kind, text, name): failing results, assertions ("")
        self.output = []            # its own lines, one comment level dropped
        self.claims = []            # result numbers its idregs-taint records name

    def explained_by(self, findings):
        """The test failed, and only on results that are known findings
        (@findings, {name: id}): its failure is theirs."""
        fails = [r for r in self.results if r.status in ("fail", "xpass")]
        return bool(findings) and self.status == "fail" and bool(fails) and \
            all(r.status == "fail" and r.name in findings for r in fails)

    def claims_known(self, findings):
        """The kernel's warnings and taint during the test belong to known
        findings: it claimed them (idregs-taint records), and each record
        names a result of it that failed and is a known finding."""
        if not findings or not self.claims:
            return False
        by_number = dict((r.number, r) for r in self.results)
        for n in self.claims:
            r = by_number.get(n)
            if r is None or r.status != "fail" or r.name not in findings:
                return False
        return True


class Console:
    """A parsed console."""

    def __init__(self, lines):
        self.tests = []
        self.records = []           # (kind, value), in order
        self.results = []           # every test's results at depth 1
        self.totals = None          # the runner's last "# Totals:", a dict
        self.lines = []
        self.crashes = []           # (line, the Test it is in or None): CRASH_RE's
        self._parse(lines)

    def _parse(self, lines):
        cur = None
        pending = {}                # result number -> kind, from idregs-result
        assertion = False
        for raw in lines:
            line = raw.rstrip("\r\n")
            self.lines.append(line)
            if CRASH_RE.search(line):
                self.crashes.append((line, cur))
            depth, text = depth_of(line)
            if cur is not None and depth > 0 and not _HEADER_RE.match(text):
                bare = line.lstrip(" ")
                cur.output.append(bare[2:] if bare.startswith("# ") else bare[1:])
            m = _RECORD_RE.match(text) if depth > 0 else None
            if m:
                self.records.append((m.group(1), m.group(2)))
                if m.group(1) == "result" and depth >= 2:
                    rec = parse_record(m.group(2))
                    if rec.get("n", "").isdigit() and rec.get("kind") in KINDS:
                        pending[int(rec["n"])] = rec["kind"]
                if m.group(1) == "taint" and depth >= 2 and cur is not None:
                    rec = parse_record(m.group(2))
                    if rec.get("n", "").isdigit():
                        cur.claims.append(int(rec["n"]))
                continue
            if depth == 1:
                h = _HEADER_RE.match(text)
                if h:
                    cur = Test(h.group(1))
                    self.tests.append(cur)
                    pending, assertion = {}, False
                    continue
                if text.startswith("Totals: "):
                    self.totals = dict((k, int(v)) for k, v in
                                       re.findall(r"(\w+):(\d+)", text))
                    continue
            if depth == 0:
                r = _RUNNER_RE.match(text)
                if r and cur is not None:
                    directive = r.group(3) or ""
                    if r.group(1):
                        cur.status = "fail"
                    elif directive.startswith("SKIP"):
                        cur.status = "skip"
                    else:
                        cur.status = "ok"
                    if directive.startswith("TIMEOUT"):
                        cur.status = "timeout"
                    cur.directive = directive
                    cur = None
                continue
            if cur is None and depth != 1:
                continue
            if assertion and cur is not None:
                cur.failures.append(("behaviour", "assertion: " + text.lstrip(" "), ""))
                assertion = False
                continue
            if "Test Assertion Failure" in text and cur is not None:
                # The kernel selftests library aborts with this block.
                assertion = True
                continue
            parsed = parse_result(text)
            if parsed is None:
                continue
            status, number, name = parsed
            kind = pending.pop(number, "behaviour") if depth == 1 else "behaviour"
            if "# TIMEOUT" in text:
                kind = "timing"
            res = Result(cur.name if cur else "", number, status, name, text, kind, depth)
            if depth == 1:
                self.results.append(res)
            if cur is not None:
                if depth == 1:
                    cur.results.append(res)
                if status in ("fail", "xpass"):
                    cur.failures.append((kind, text, name))

    def records_of(self, kind):
        return [v for k, v in self.records if k == kind]

    def test(self, name):
        for t in self.tests:
            if t.name == name:
                return t
        return None

    def counts(self):
        """(pass, fail, skip) from the runner's totals (XFAIL counts as
        passed, XPASS and errors as failed), or None without totals."""
        t = self.totals
        if t is None:
            return None
        return (t.get("pass", 0) + t.get("xfail", 0),
                t.get("fail", 0) + t.get("xpass", 0) + t.get("error", 0),
                t.get("skip", 0))

    def host_verdict(self, rc, killed="", done_re=DEFAULT_DONE_RE, findings=None):
        """What went wrong with the boot, or "" for a clean end: the
        watchdog's reason, no end marker, or a kernel that crashed or
        warned (unless known findings claim every warning: crash_lines)."""
        if killed:
            return killed
        done = re.compile(done_re)
        if not any(done.search(l) for l in self.lines):
            return "emulated host ended without a result (qemu exit status %s)" % rc
        if self.crash_lines(findings):
            return "host kernel crash/warning"
        return ""

    def crash_lines(self, findings=None):
        """The lines that say the host kernel went wrong, less the
        warnings and taint that known findings (@findings, {name: id})
        claim: a warning line or ktap_runner's "kernel tainted" inside a
        test all of whose idregs-taint records name its failing known
        findings (Test.claims_known).  Anything else stays: a crash, a
        warning outside a test, or in a test that claimed none."""
        return [l for l, t in self.crashes
                if t is None or not CLAIMABLE_RE.search(l) or UNCLAIMABLE_RE.search(l) or
                not t.claims_known(findings)]

    def configs(self):
        """[(name, reason)] from the tests' idregs-config records, in order
        (reason: why the host cannot give it, else "")."""
        seen = {}
        for value in self.records_of("config"):
            rec = parse_record(value)
            name = rec.get("name")
            if not name or name in seen:
                continue
            seen[name] = rec.get("reason", "") if rec.get("offered") == "0" else ""
        return list(seen.items())

    def walked(self, config):
        """The walk's fields in @config: "N", "N(+M)" with the fields walked
        with another default or mask than in default, or "-"."""
        for value in self.records_of("walk"):
            rec = parse_record(value)
            if rec.get("config") != config or "fields" not in rec:
                continue
            if "added" in rec:
                return "%s(+%s)" % (rec["fields"], rec["added"])
            return rec["fields"]
        return "-"

    def config_counts(self, names):
        """{config: [pass, fail, skip]} over every test's results."""
        counts = dict((n, [0, 0, 0]) for n in names)
        for r in self.results:
            c = counts.setdefault(r.config(names), [0, 0, 0])
            if r.status in ("pass", "xfail"):
                c[0] += 1
            elif r.status == "skip":
                c[2] += 1
            else:
                c[1] += 1
        return counts

    def config_rows(self, findings=None):
        """run_tests.sh's rows under a host: (config, cell, pass, fail,
        skip, walked, reason) per configuration; a cell failed if a result
        failed, "known" if every failed result is a known finding
        (@findings, {name: id}), skipped if none passed (the reason shown),
        else passed.  None when the tests named no configuration or counted
        nothing (a host whose tests all skipped as a whole)."""
        configs = self.configs()
        if not configs:
            return []
        names = [n for n, _ in configs]
        counts = self.config_counts(names)
        if not any(sum(counts[n]) for n in names):
            return []
        rows = []
        failing = {}
        for r in self.results:
            if r.status in ("fail", "xpass"):
                failing.setdefault(r.config(names), []).append(r.name)
        for name, reason in configs:
            p, f, s = counts[name]
            cell = "fail" if f else ("skip" if p == 0 else "pass")
            if f and findings and all(n in findings for n in failing.get(name, [None])):
                cell = "known"
            rows.append((name, cell, p, f, s, self.walked(name),
                         reason if cell == "skip" else ""))
        return rows

    def failing(self):
        """The names of the failing results (XPASS too), sorted, unique."""
        return sorted(set(r.name for r in self.results
                          if r.status in ("fail", "xpass") and r.name))

    def compare_known(self, findings):
        """The failing results against the known findings that apply to
        this host ({result name: finding id}): (known, unknown, fixed) --
        the known names that failed, [(name, line)] failures no finding
        names (a test that failed without a failing result is one, by its
        runner line), [(name, id)] findings that no longer fail."""
        failing = {}
        for r in self.results:
            if r.status in ("fail", "xpass") and r.name:
                failing.setdefault(r.name, r.line)
        for t in self.tests:
            if t.status in ("fail", "timeout", "open") and \
                    not any(r.status in ("fail", "xpass") for r in t.results):
                failing.setdefault(t.name, "%s: %s" % (t.name, t.directive or t.status))
        known = sorted(n for n in failing if n in findings)
        unknown = sorted((n, l) for n, l in failing.items() if n not in findings)
        # Only a result that ran can say a finding is gone: a test filter
        # or a --vcpu list leaves the others out.
        ran = set(r.name for r in self.results)
        fixed = sorted((n, f) for n, f in findings.items() if n not in failing and n in ran)
        return known, unknown, fixed

    def suite_verdict(self, host, tests, findings=None):
        """The mutation verdict of the suite @tests on a host whose boot
        ended with @host ("" for a clean end): docs/mutation.md.  The
        known findings of the host (@findings, {name: id}) fail on the
        unmutated kernel: their failure is no kill, their passing is.

          killed behaviour TEST: RESULT   a behaviour result failed (or a
                                          known finding's result passed)
          killed source TEST: RESULT      only source results failed
          survived                        every test ran and passed, but
                                          exactly its known findings
          error WHY                       no honest answer
        """
        findings = findings or {}
        missing, opened, bad = [], [], []
        timing = first_b = first_s = ""
        # A test's invocations: TEST, and TEST@CONFIG for a configuration
        # run alone (tools/lib/idregs.sh idregs_tests_list).
        mine = [t for t in self.tests if t.name.split("@")[0] in tests]
        for name in tests:
            if not any(t.name.split("@")[0] == name for t in mine):
                missing.append(name)
        for t in mine:
            if t.status == "open":
                opened.append(t.name)
            elif t.status == "timeout":
                timing = timing or "%s: %s" % (t.name, t.directive)
            elif t.status == "fail" and \
                    not any(r.status in ("fail", "xpass") for r in t.results):
                bad.append(t)
        for t in mine:
            failed = set(name for _, _, name in t.failures)
            gone = [r for r in t.results if r.name in findings and r.name not in failed]
            for r in gone:
                what = "%s: %s (known finding %s no longer fails)" % (t.name, r.line, findings[r.name])
                if r.kind == "source":
                    first_s = first_s or what
                else:
                    first_b = first_b or what
            for kind, text, name in t.failures:
                if name and name in findings and text.startswith("not ok"):
                    continue        # a known finding, failing as on the unmutated kernel
                what = "%s: %s" % (t.name, text)
                if kind == "behaviour":
                    first_b = first_b or what
                elif kind == "source":
                    first_s = first_s or what
                else:
                    timing = timing or what
        if first_b:
            return "killed behaviour " + first_b
        # A host kernel that crashed or warned while the suite ran.
        if ("crash" in host or "warning" in host) and (opened or missing):
            if opened:
                return "killed behaviour %s: %s" % (" ".join(opened), host)
            return "killed behaviour " + host
        if timing:
            return "error " + timing + (" (and source: %s)" % first_s if first_s else "")
        if opened or missing:
            return "error %s (no result for %s)" % (
                host or "the host ended without a result", " ".join(opened + missing))
        if first_s:
            return "killed source " + first_s
        # A test that failed without a failing result: its exit status (a
        # test failing only on known findings has them).
        for t in bad:
            return "killed behaviour %s: %s" % (t.name, t.directive or "exit status")
        return "survived"


def read_findings(path):
    """{result name: finding id} of an expect-list output (finding TARGET
    ID LINE), or None without a file."""
    if not path:
        return None
    findings = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            kind, target, ident = (line.rstrip("\n").split("\t") + ["", ""])[:3]
            if kind == "finding":
                findings[target] = ident
    return findings


def known_failures(con, findings):
    """How @findings ({name: id}, or None) explain a host's failures:
    (tests, known, stale) -- the failed tests every failure of which is a
    known finding (no longer counted as failed), the known results that
    failed, and the findings that no longer fail (each a failure: the
    known file is stale)."""
    if findings is None:
        return 0, [], []
    known, _, fixed = con.compare_known(findings)
    return sum(1 for t in con.tests if t.explained_by(findings)), known, fixed


def host_counts(con, findings=None):
    """(pass, fail, skip, known) of a host: the runner's counts, with the
    tests that failed only on known findings as known, not failed, and a
    stale finding as one more failure."""
    p, f, s = con.counts() or (0, 0, 0)
    tests, _, fixed = known_failures(con, findings)
    return p, f - tests + (1 if fixed else 0), s, tests


def host_result(con, verdict="", findings=None):
    """A host's line in the run's KTAP: fail (a test failed other than on
    its known findings, or the boot went wrong), skip (nothing passed),
    else pass."""
    p, f, _, k = host_counts(con, findings)
    if f or verdict:
        return "fail"
    return "skip" if p == 0 and k == 0 else "pass"


_ROW = "%-24s %-16s %-12s %8s %6d %6d %7d %7ds%s"
_CONFIG_ROW = "%-24s %-16s %-12s %8s %6d %6d %7d %8s%s"
_HEAD = "%-24s %-16s %-12s %8s %6s %6s %7s %8s"


def summary(hosts, expect_skip=False):
    """run_tests.sh's table and totals from its hosts, [(console, release,
    cpu, seconds, verdict)]: a row per host (its tests' counts from the
    runner's totals, a failed boot counted as one more failure), a row per
    configuration under it; each configuration row is a cell of the
    kernel x CPU x configuration matrix.  Returns (lines, exit status:
    0 all passed, 1 a failure, 4 everything skipped; with expect_skip 0
    only when every test skipped), and an error line for stderr or None."""
    rows, total, cells = [], [0, 0, 0, 0], {"pass": 0, "fail": 0, "skip": 0, "known": 0}
    for host in hosts:
        con, release, cpu, secs, verdict = host[:5]
        findings = host[5] if len(host) > 5 else None
        p, f, s, k = host_counts(con, findings)
        _, known, fixed = known_failures(con, findings)
        if verdict:
            f += 1
        fields = (con.records_of("writable-fields") or ["-"])[0]
        note = "  " + verdict if verdict else ""
        if known:
            note += "  %d known finding results (%s)" % (
                len(known), ", ".join(sorted(set(findings[n] for n in known))))
        if fixed:
            note += "  stale: %s" % ", ".join("%s (%s) no longer fails" % nf for nf in fixed)
        rows.append(_ROW % (release, cpu, "(tests)", fields, p, f, s, secs, note))
        for name, cell, cp, cf, cs, walked, why in con.config_rows(findings):
            cells[cell] += 1
            rows.append(_CONFIG_ROW % ("", "", name, walked, cp, cf, cs, "",
                                       "  " + why if why else ""))
        total = [total[0] + p, total[1] + f, total[2] + s, total[3] + k]
    lines = ["#",
             "# (tests) rows count the tests of a host; the rows under it count their "
             "results per vCPU configuration",
             "# " + _HEAD % ("kernel", "cpu", "vcpu", "writable", "passed", "failed",
                             "skipped", "time")]
    lines += [("# " + r).rstrip(" ") for r in rows]
    lines.append("# kernel x cpu x vCPU configuration: %d passed, %d failed, %d skipped%s" %
                 (cells["pass"], cells["fail"], cells["skip"],
                  ", %d failing only on known findings" % cells["known"] if cells["known"] else ""))
    # Every test in the last line: one that failed only on known findings
    # is neither passed nor failed, so it has a count of its own.
    last = "%d passed, %d failed, %d skipped" % tuple(total[:3])
    if total[3]:
        last += ", %d failed only on known findings (docs/findings.md)" % total[3]
    lines.append(last)
    p, f, s, k = total
    if expect_skip:
        if f == 0 and p == 0 and s > 0:
            return lines + ["# every test skipped, as expected"], 0, None
        return lines, 1, "run_tests: error: expected every test to skip"
    return lines, (1 if f else (4 if p == 0 and k == 0 else 0)), None


def make_console(spec):
    """A console as ktap_runner prints it, from structured input (the
    tests' fixtures, so that none copies a test's sentences):

      {"host": "7.3.4", "totals": true, "after": [console lines],
       "tests": [{"name": TEST,
                  "config_records": ["name=pmu offered=1 ..."],
                  "results": [{"name", "status": pass|fail|skip|xfail,
                               "detail", "kind": behaviour|source|timing,
                               "taint": "before=0 after=512 step=4"}],
                  "records": ["walk: config=... fields=..."],
                  "lines": [the test's other lines],
                  "end": ok|fail|skip|timeout|null, "directive": "exit=1"}]}

    A result's kind is printed as its idregs-result record before it, its
    taint as an idregs-taint record (n= added) before that; a test's
    "directive" is its runner line's (ktap_runner's "kernel tainted"); a
    test whose end is null never ends (the host stopped in it: no totals
    either)."""
    out = []
    if spec.get("host"):
        out.append("# host kernel: %s (uptime 1.00 s)" % spec["host"])
    tests = spec.get("tests", [])
    out += ["TAP version 13", "1..%d" % len(tests)]
    totals = dict((k, 0) for k in ("pass", "fail", "xfail", "xpass", "skip", "error"))
    for i, t in enumerate(tests, 1):
        out.append("# selftests: idregs: %s" % t["name"])
        out.append("# TAP version 13")
        for rec in t.get("config_records", []):
            out.append("# # idregs-config: " + rec)
        results = t.get("results", [])
        out.append("# 1..%d" % len(results))
        for n, r in enumerate(results, 1):
            if r.get("taint"):
                out.append("# # idregs-taint: n=%d %s" % (n, r["taint"]))
            if r.get("kind"):
                out.append("# # idregs-result: n=%d kind=%s" % (n, r["kind"]))
            out.append("# " + result_line(n, r))
        for rec in t.get("records", []):
            out.append("# # idregs-" + rec)
        out += ["# " + l for l in t.get("lines", [])]
        end = t.get("end", "ok")
        if end is None:
            break
        directive = t.get("directive", "")
        if end == "ok":
            out.append("ok %d selftests: idregs: %s" % (i, t["name"]))
            totals["pass"] += 1
        elif end == "skip":
            out.append("ok %d selftests: idregs: %s # SKIP" % (i, t["name"]))
            totals["skip"] += 1
        elif end == "timeout":
            out.append("not ok %d selftests: idregs: %s # TIMEOUT %s seconds" %
                       (i, t["name"], directive or "60"))
            totals["fail"] += 1
        else:
            out.append("not ok %d selftests: idregs: %s # %s" %
                       (i, t["name"], directive or "exit=1"))
            totals["fail"] += 1
    else:
        if spec.get("totals", True):
            out.append("# Totals: " + " ".join("%s:%d" % kv for kv in totals.items()))
    out += spec.get("after", [])
    return "\n".join(out) + "\n"


def result_line(n, r):
    """A KTAP result line from {"status", "name", "detail"}."""
    status, name, detail = r.get("status", "pass"), r["name"], r.get("detail", "x")
    if status == "skip":
        return "ok %d # SKIP %s: %s" % (n, name, detail)
    if status == "xfail":
        return "ok %d # XFAIL %s: %s" % (n, name, detail)
    return "%s %d %s: %s" % ("ok" if status == "pass" else "not ok", n, name, detail)


def read_console(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return Console(f)
    except FileNotFoundError:
        return Console([])


def _read_text(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().strip()
    except FileNotFoundError:
        return ""


def _options(args, names):
    """({option: value}, the other arguments) of @args, options @names
    taking one value each, anywhere after the command."""
    opts, rest, i = {}, [], 0
    while i < len(args):
        if args[i] in names and i + 1 < len(args):
            opts[args[i]] = args[i + 1]
            i += 2
        else:
            rest.append(args[i])
            i += 1
    return opts, rest


def main(argv):
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    cmd, args = argv[0], argv[1:]
    opts = {}
    if cmd in ("host", "crash-lines", "verdict"):
        opts, args = _options(args, ("--done", "--findings"))
    findings = read_findings(opts.get("--findings"))
    if cmd == "make":
        sys.stdout.write(make_console(json.load(sys.stdin)))
        return 0
    if cmd == "summary" and args:
        expect_skip = args[0] == "--expect-skip"
        hosts = []
        with open(args[-1], encoding="utf-8") as f:
            for line in f:
                log, release, cpu, secs, verdict, known = \
                    (line.rstrip("\n").split("\t") + ["", ""])[:6]
                hosts.append((read_console(log), release, cpu, int(secs), verdict,
                              read_findings(known)))
        lines, status, error = summary(hosts, expect_skip)
        for line in lines:
            print(line)
        if error:
            print(error, file=sys.stderr)
        return status
    if not args:
        print("console.py %s: needs a console log" % cmd, file=sys.stderr)
        return 2
    con = read_console(args[0])
    if cmd == "records" and len(args) == 2:
        for v in con.records_of(args[1]):
            print(v)
    elif cmd == "results":
        known = set(n for n, _ in con.configs())
        for r in con.results:
            print("\t".join((r.test, str(r.number), r.status, r.kind,
                             r.config(known), r.name, r.line)))
    elif cmd == "output" and len(args) == 2:
        t = con.test(args[1])
        for line in t.output if t else []:
            print(line)
    elif cmd == "tests":
        for t in con.tests:
            print("\t".join((t.name, t.status, t.directive)))
    elif cmd == "totals":
        if con.totals is not None:
            print(" ".join("%s:%d" % kv for kv in con.totals.items()))
    elif cmd == "counts":
        c = con.counts()
        if c is not None:
            print("%d %d %d" % c)
    elif cmd == "host" and len(args) == 2:
        v = con.host_verdict(args[1], _read_text(args[0] + ".killed"),
                             opts.get("--done", DEFAULT_DONE_RE), findings)
        if v:
            print(v)
    elif cmd == "crash-lines":
        for l in con.crash_lines(findings)[:20]:
            print(l)
    elif cmd == "configs":
        for row in con.config_rows():
            print("\t".join(str(x) for x in row))
    elif cmd == "verdict" and len(args) >= 2:
        print(con.suite_verdict(args[1], args[2:], findings))
    elif cmd == "known" and len(args) == 2:
        # args[1]: tools' expect-list output (finding TARGET ID LINE).
        known, unknown, fixed = con.compare_known(read_findings(args[1]))
        print("known\t%d" % len(known))
        for n, l in unknown:
            print("unknown\t%s\t%s" % (n, l))
        for n, f in fixed:
            print("fixed\t%s\t%s" % (n, f))
    elif cmd == "host-result" and len(args) <= 3:
        print(host_result(con, args[1] if len(args) >= 2 else "",
                          read_findings(args[2] if len(args) == 3 else "")))
    elif cmd == "failing":
        for n in con.failing():
            print(n)
    else:
        print("console.py: unknown command or arguments: %s" % " ".join(argv),
              file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
