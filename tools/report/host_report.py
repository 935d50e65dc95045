#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The host report (docs/host-report.md): one arm64 host and kernel, what
KVM lets a VMM change there, what failed and whether it is a known KVM bug,
and which hosts of a pool it can share guests with.

    host_report.py reproducers LOG
        the idreg try lines of the console's idregs-reproduce records, one
        a line (the dump boot runs them on the host)
    host_report.py build --console LOG --out DIR [options]
        DIR/report.json, DIR/index.html, DIR/summary.md

It reads structure only: the console through tools/lib/console.py (results,
kinds, records, totals), idreg's answers with --json, profiles (idreg dump),
the known findings as build/expect-list lists them, the finding ids and
titles of docs/findings.md's headings, the sanitising operations gen/
read from KVM's sources (idregs-gen sanitised).  Output shown verbatim
(a result's KTAP line, idreg try's answer) is for people; nothing here
decides from it.  python3, standard library only.
"""

import argparse
import html
import json
import os
import re
import subprocess
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tools", "lib"))

import console  # noqa: E402

FORMAT = "idregs-host-report-1"
# A field's class in one vCPU configuration, strongest first.
CLASSES = ("hidden", "capped", "writable", "fixed")
CLASS_WORDS = {
    "hidden": "hidden by KVM",
    "capped": "capped for this configuration",
    "writable": "writable",
    "fixed": "fixed",
}
VERDICT_WORDS = {
    "passed": "passed",
    "known": "known findings only",
    "failed": "failed",
    "skipped": "skipped",
}


# --- inputs -----------------------------------------------------------------

def read_cpu_names(path):
    """{implementer: name}, {(implementer, part): name} of cpu_names.tsv."""
    imps, parts = {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            if cols[0] == "implementer":
                imps[int(cols[1], 16)] = cols[2]
            elif cols[0] == "part":
                parts[(int(cols[1], 16), int(cols[2], 16))] = cols[3]
    return imps, parts


def humane(name):
    """The kernel's macro name for people: NEOVERSE_N1 -> Neoverse N1."""
    return " ".join(w.capitalize() if w.isalpha() else w for w in name.split("_"))


def decode_midr(midr, names):
    """MIDR_EL1's fields, with the implementer's and part's names where
    cputype.h has them."""
    imps, parts = names
    imp = (midr >> 24) & 0xff
    part = (midr >> 4) & 0xfff
    out = {
        "value": "0x%08x" % midr,
        "implementer": "0x%02x" % imp,
        "variant": (midr >> 20) & 0xf,
        "architecture": "0x%x" % ((midr >> 16) & 0xf),
        "part": "0x%03x" % part,
        "revision": midr & 0xf,
        "implementer_name": imps.get(imp, "software use (QEMU's TCG -cpu max)"
                                     if imp == 0 else "not in cputype.h"),
        "part_name": humane(parts[(imp, part)]) if (imp, part) in parts else "",
    }
    return out


def read_sanitised(path):
    """idregs-gen sanitised's operations: [(reg, field, op, condition)]."""
    ops = []
    if not path:
        return ops
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 4:
                ops.append((cols[0], cols[1], cols[2], cols[3]))
    return ops


def condition_holds(cond, features):
    """Whether a sanitising operation's condition holds for a vCPU with
    @features: True, False, or "host" (it depends on the host as well)."""
    host = False
    for part in cond.split("; "):
        if part == "always":
            continue
        if part.startswith("with "):
            if not all(f in features for f in part[5:].split(",")):
                return False
        elif part.startswith("unless the vCPU has "):
            if part[len("unless the vCPU has "):] in features:
                return False
        elif part.startswith("if host: "):
            host = True
        else:
            return False
    return "host" if host else True


_CAP_RE = re.compile(r"^caps at .*\((\d+)\)$")


def read_findings_doc(path):
    """{id: {"title", "commits", "kernels"}} from docs/findings.md's
    "## ID: title" headings, the commit ids their sections cite, and the
    first column of their tables' rows whose last column says it fails."""
    out, cur = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^## ([a-z0-9.-]+): (.*)$", line.rstrip("\n"))
            if m:
                cur = out.setdefault(m.group(1), {"title": m.group(2), "commits": [],
                                                  "kernels": []})
                continue
            if line.startswith("## "):
                cur = None
            elif cur is not None:
                cols = [c.strip() for c in line.strip().strip("|").split("|")]
                if line.startswith("|") and len(cols) > 1 and "fails" in cols[-1]:
                    cur["kernels"].append(cols[0])
                for c in re.findall(r"\bcommit ([0-9a-f]{12,40})\b", line):
                    if c not in cur["commits"]:
                        cur["commits"].append(c)
    return out


def read_expect_list(path):
    """{result name: finding id} of build/expect-list's output."""
    found = {}
    if not path:
        return found
    with open(path, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) >= 3 and cols[0] == "finding":
                found[cols[1]] = cols[2]
    return found


def test_records(test, kind):
    """The records of one test's own output (a level under the runner)."""
    out = []
    for line in test.output:
        depth, text = console.depth_of(line)
        m = console._RECORD_RE.match(text) if depth == 1 else None
        if m and m.group(1) == kind:
            out.append(console.parse_record(m.group(2)))
    return out


def reproducers(con):
    """{(test, result number): idreg try line} from idregs-reproduce."""
    out = {}
    for t in con.tests:
        for rec in test_records(t, "reproduce"):
            if rec.get("n", "").isdigit() and rec.get("command"):
                out.setdefault((t.name, int(rec["n"])), rec["command"])
    return out


# --- the map ------------------------------------------------------------------

def field_value(value, lsb, width):
    return (value >> lsb) & ((1 << width) - 1)


def classify(reg, field, value, mask, fmask, ops, features, reg_value):
    """(class, why) of one field of one configuration's profile."""
    hidden = capped = None
    sets = False
    for r, f, op, cond in ops:
        if r != reg or f not in (field, "*"):
            continue
        holds = condition_holds(cond, features)
        if holds is False:
            continue
        if op == "clears":
            # A field KVM clears reads 0; a host condition shows only so
            # (for a whole register: all of it reads 0).
            if value == 0 and (holds is True or f == field or reg_value == 0):
                hidden = hidden or "KVM clears it (%s)" % cond
        elif op.startswith("sets") and holds is True:
            sets = True     # cleared, then set from what the vCPU has
        else:
            m = _CAP_RE.match(op)
            if m and (holds is True or value <= int(m.group(1))):
                capped = capped or "KVM %s (%s)" % (op, cond)
    if hidden and not sets:
        return "hidden", hidden
    if capped:
        return "capped", capped
    if mask & fmask:
        part = "" if mask & fmask == fmask else " (partly: mask 0x%x)" % (mask & fmask)
        return "writable", "KVM lets userspace write it" + part
    return "fixed", "not in KVM's writable mask"


def build_map(layout, profiles, ops, failing):
    """{config: [register rows]} for each configuration with a profile.

    layout: idreg list --json's registers; profiles: {config: profile};
    failing: {(register, field or "", config): result anchor}."""
    out = {}
    for cfg, prof in profiles.items():
        feats = prof.get("vcpu", {}).get("features", [])
        regs = prof.get("registers", {})
        rows = []
        for r in layout:
            if r["name"] not in regs or not r.get("fields"):
                continue
            value = int(regs[r["name"]]["value"], 16)
            mask = int(regs[r["name"]]["mask"], 16)
            cells = []
            for f in sorted(r["fields"], key=lambda f: -f["lsb"]):
                fmask = int(f["mask"], 16)
                v = field_value(value, f["lsb"], f["width"])
                cls, why = classify(r["name"], f["name"], v, mask, fmask, ops, feats, value)
                cells.append({
                    "field": f["name"], "lsb": f["lsb"], "width": f["width"],
                    "value": "0x%x" % v, "class": cls, "why": why,
                    "failing": failing.get((r["name"], f["name"], cfg), ""),
                })
            rows.append({"register": r["name"], "value": "0x%016x" % value,
                         "mask": "0x%016x" % mask,
                         "failing": failing.get((r["name"], "", cfg), ""),
                         "fields": cells})
        out[cfg] = rows
    return out


# --- the pool -----------------------------------------------------------------

def idreg_json(idreg, *args, cwd=None):
    """idreg's --json answer (exit 0 or 1 both answer), or raise."""
    p = subprocess.run([idreg, args[0], "--json"] + list(args[1:]), capture_output=True,
                       text=True, cwd=cwd)
    if p.returncode > 1:
        raise RuntimeError("idreg %s: exit %d: %s" % (" ".join(args), p.returncode,
                                                      p.stderr.strip()))
    return json.loads(p.stdout)


def _messages(answer, key):
    return [m["message"] for m in answer.get(key, [])]


HOST_NAME = "host.json"


def short_names(directory, this, others):
    """Links named host.json and each pool profile's file name in
    @directory, so that idreg's messages name the profiles by them: the
    names of @others there."""
    os.makedirs(directory, exist_ok=True)
    names = []
    for path, name in [(this, HOST_NAME)] + [(o, os.path.basename(o)) for o in others]:
        if name == HOST_NAME and path != this:
            name = "pool-" + name
        link = os.path.join(directory, name)
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(os.path.abspath(path), link)
        names.append(name)
    return names[1:]


def pool_entry(idreg, names_dir, name):
    """This host (host.json) against the pool profile @name (both in
    @names_dir): compatible (a -cpu host guest moves both ways, idreg
    migrate), baseline (a guest started with their baseline moves, idreg
    baseline: migratable), else blocked."""
    there = idreg_json(idreg, "migrate", HOST_NAME, name, cwd=names_dir)
    back = idreg_json(idreg, "migrate", name, HOST_NAME, cwd=names_dir)
    base = idreg_json(idreg, "baseline", HOST_NAME, name, cwd=names_dir)
    other = os.path.join(names_dir, name)
    with open(other, encoding="utf-8") as f:
        prof = json.load(f)
    entry = {"profile": name, "kernel": prof.get("kernel", ""),
             "midr": prof.get("midr", ""),
             "features": prof.get("vcpu", {}).get("features", []),
             "migrate_to": _messages(there, "problems"),
             "migrate_from": _messages(back, "problems"),
             "baseline_blocking": _messages(base, "blocking"),
             "baseline_dropped": _messages(base, "dropped"),
             "blocking_registers": sorted({m["register"] for m in base.get("blocking", [])
                                           if "register" in m})}
    if there.get("accepted") and back.get("accepted"):
        entry["status"] = "compatible"
    elif base.get("migratable"):
        entry["status"] = "baseline"
    else:
        entry["status"] = "blocked"
    return entry


def pool_baseline(idreg, names_dir, others, out_dir):
    """The pool's baseline of host.json and the profiles @others (in
    @names_dir): the model (DIR/pool-model.json), the commands and QEMU's
    -cpu line for it."""
    if not others:
        return None
    ans = idreg_json(idreg, "baseline", HOST_NAME, *others, cwd=names_dir)
    model = os.path.join(out_dir, "pool-model.json")
    with open(model, "w", encoding="utf-8") as f:
        json.dump(ans["model"], f, indent=1)
        f.write("\n")
    p = subprocess.run([idreg, "qemu-args", model], capture_output=True, text=True)
    return {"command": "idreg baseline host.json %s > pool-model.json" % " ".join(others),
            "qemu_command": "idreg qemu-args pool-model.json",
            "qemu_args": p.stdout.strip() if p.returncode == 0 else "",
            "migratable": bool(ans.get("migratable")),
            "features": ans.get("features", ""),
            "blocking": _messages(ans, "blocking"),
            "dropped": _messages(ans, "dropped")}


# --- the report -----------------------------------------------------------------

def load_profiles(directory, configs):
    """{config: profile} and {config: why not} from DIR/CONFIG.json
    (idreg dump --vcpu CONFIG) and DIR/CONFIG.err."""
    got, missing = {}, {}
    for cfg in configs:
        path = os.path.join(directory, cfg + ".json")
        try:
            with open(path, encoding="utf-8") as f:
                got[cfg] = json.load(f)
        except (OSError, ValueError):
            try:
                with open(os.path.join(directory, cfg + ".err"), encoding="utf-8") as f:
                    missing[cfg] = f.read().strip() or "no profile"
            except OSError:
                missing[cfg] = "no profile"
    return got, missing


def result_anchor(r):
    return "r-%s-%d" % (r.test, r.number)


def build_report(args):
    con = console.read_console(args.console)
    configs = [n for n, _ in con.configs()] or ["default"]
    known_names = set(configs)
    profiles, no_profile = load_profiles(args.profiles, configs) if args.profiles else ({}, {})
    main_cfg = "qemu-host" if "qemu-host" in profiles else next(iter(profiles), None)
    prof = profiles.get(main_cfg, {})

    findings = read_expect_list(args.findings)
    doc = read_findings_doc(args.findings_doc) if args.findings_doc else {}
    repro = reproducers(con)
    tries = {}
    if args.tries and os.path.exists(args.tries):
        with open(args.tries, encoding="utf-8") as f:
            tries = json.load(f)

    failures, failing = [], {}
    for r in con.results:
        if r.status not in ("fail", "xpass"):
            continue
        cfg = r.config(known_names)
        base = r.name.rsplit("@", 1)[0] if r.name.endswith("@" + cfg) else r.name
        reg, _, field = base.partition(".")
        fid = findings.get(r.name, "")
        command = repro.get((r.test, r.number), "")
        entry = {"anchor": result_anchor(r), "test": r.test, "number": r.number,
                 "name": r.name, "config": cfg, "kind": r.kind, "line": r.line,
                 "register": reg, "field": field, "reproduce": command,
                 "kvm_answer": tries.get(command, ""),
                 "finding": None}
        if fid:
            d = doc.get(fid, {})
            entry["finding"] = {"id": fid, "title": d.get("title", ""),
                                "commits": d.get("commits", []),
                                "kernels": d.get("kernels", []),
                                "doc": "docs/findings.md#%s" % fid}
        failures.append(entry)
        failing.setdefault((reg, field, cfg), entry["anchor"])
    # A test that failed without a failing result.
    for t in con.tests:
        if t.status in ("fail", "timeout", "open") and \
                not any(r.status in ("fail", "xpass") for r in t.results):
            failures.append({"anchor": "t-%s" % t.name, "test": t.name, "number": 0,
                             "name": t.name, "config": "", "kind": "behaviour",
                             "line": "%s: %s" % (t.name, t.directive or t.status),
                             "register": "", "field": "", "reproduce": "",
                             "kvm_answer": "", "finding": None})
    known, unknown, fixed = con.compare_known(findings)
    # A finding no longer fails only where its result was reported (a
    # test filter leaves the others out).
    reported = set(r.name for r in con.results)
    fixed = [(n, fid) for n, fid in fixed if n in reported]

    # The results' counts (an XFAIL passed; a boot that went wrong, or a
    # test that failed without a failing result, is one more failure).
    p = sum(1 for r in con.results if r.status in ("pass", "xfail"))
    s = sum(1 for r in con.results if r.status == "skip")
    f = len(failures) + (1 if args.verdict else 0)
    tests = con.counts() or (0, 0, 0)
    if args.verdict or unknown:
        verdict = "failed"
    elif f:
        verdict = "known"
    elif p == 0:
        verdict = "skipped"
    else:
        verdict = "passed"

    ops = read_sanitised(args.sanitised)
    layout = []
    if args.layout:
        with open(args.layout, encoding="utf-8") as fh:
            layout = json.load(fh)["registers"]
    idmap = build_map(layout, profiles, ops, failing)

    midr = int(prof.get("midr", "0x0"), 16) if prof else None
    names = read_cpu_names(args.cpu_names) if args.cpu_names else ({}, {})
    vcpu = prof.get("vcpu", {})
    host = {
        "release": prof.get("kernel") or args.release or "",
        "cpu": args.cpu or "",
        "mode": args.mode or "",
        "seconds": args.seconds,
        "boot": args.verdict or "",
        "midr": decode_midr(midr, names) if midr is not None else None,
        "kvm": {"vcpu_features_offered": vcpu.get("offered", []),
                "writable_imp_id_regs": prof.get("writable_imp_id_regs"),
                "gic_offered": vcpu.get("gic_offered", []),
                "sve_vector_lengths": vcpu.get("sve_vls", [])},
        "profile_config": main_cfg or "",
    }

    pool = []
    this_profile = os.path.join(args.profiles, main_cfg + ".json") if main_cfg else None
    pool_files = [p for p in (args.pool or [])]
    baseline = None
    if this_profile and args.idreg:
        names_dir = os.path.join(args.out, ".work", "names")
        names = short_names(names_dir, this_profile, pool_files)
        for name in names:
            pool.append(pool_entry(args.idreg, names_dir, name))
        baseline = pool_baseline(args.idreg, names_dir, names, args.out)

    writable = None
    if args.writable:
        with open(args.writable, encoding="utf-8") as fh:
            writable = {"reference": os.path.basename(args.reference or ""),
                        "markdown": fh.read()}

    rows = [{"config": n, "cell": c, "passed": cp, "failed": cf, "skipped": cs,
             "walked": w, "reason": why or no_profile.get(n, "")}
            for n, c, cp, cf, cs, w, why in con.config_rows()]
    return {
        "format": FORMAT,
        "host": host,
        "verdict": verdict,
        "next": next_steps(verdict, unknown, fixed),
        "totals": {"passed": p, "failed": f, "skipped": s,
                   "known": len(known), "unknown": len(unknown),
                   "fixed": len(fixed), "results": len(con.results),
                   "tests": {"passed": tests[0], "failed": tests[1], "skipped": tests[2]}},
        "configs": rows,
        "configs_without_profile": no_profile,
        "map": idmap,
        "failures": failures,
        "unknown": [{"name": n, "line": l} for n, l in unknown],
        "fixed_findings": [{"name": n, "finding": fid} for n, fid in fixed],
        "writable_since": writable,
        "pool": pool,
        "pool_baseline": baseline,
        "console": os.path.basename(args.console),
    }


def next_steps(verdict, unknown, fixed):
    stale = ["%d known findings of this kernel no longer fail here: check the kernel's "
             "fix and update tools/check-kernels.known." % len(fixed)] if fixed else []
    if verdict == "passed":
        return ["KVM on this host behaves as its sources say: qualify it.",
                "Migrate guests only to the pool hosts marked compatible, or "
                "start them with the pool's baseline (below)."] + stale
    if verdict == "skipped":
        return ["Nothing ran: the kernel lacks KVM_CAP_ARM_SUPPORTED_REG_MASK_RANGES "
                "(before 6.7) or KVM is unavailable; see the configurations' reasons."]
    if verdict == "known":
        return ["Every failure is a known KVM bug of this kernel (docs/findings.md): "
                "install a kernel with the fix named beside it, or accept the finding."] + stale
    return ["%d failures are not known findings: run the reproducer line of each "
            "on the host (idreg try ...), and report the result with the console "
            "log beside this page." % len(unknown) if unknown else
            "The host's run went wrong (see the boot line): look at the console log."]


# --- HTML -----------------------------------------------------------------------

CSS = """
body{font:14px/1.4 system-ui,sans-serif;margin:0 24px 40px;color:#1b1b1b;background:#fff}
h1{font-size:22px;margin:18px 0 4px}h2{font-size:18px;margin:26px 0 8px;border-bottom:1px solid #ccc}
code,pre,.mono{font-family:ui-monospace,monospace;font-size:12px}
pre{background:#f4f4f4;padding:8px;overflow:auto;white-space:pre-wrap}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}
.verdict{border:3px solid;padding:10px 16px;margin:12px 0;display:flex;gap:32px;align-items:center;flex-wrap:wrap}
.verdict .word{font-size:26px;font-weight:700}
.v-passed{border-color:#2e7d32}.v-passed .word{color:#2e7d32}
.v-known{border-color:#b26a00}.v-known .word{color:#b26a00}
.v-failed{border-color:#c62828}.v-failed .word{color:#c62828}
.v-skipped{border-color:#666}.v-skipped .word{color:#666}
.count b{font-size:20px;display:block}
.legend span{display:inline-block;padding:1px 8px;margin-right:6px;border:1px solid #999}
.c-writable{background:#c8e6c9}.c-fixed{background:#e0e0e0}.c-hidden{background:#bbdefb}
.c-capped{background:#ffe0b2}
.tabs input{position:absolute;opacity:0}
.tabs label{display:inline-block;padding:4px 10px;border:1px solid #999;margin:0 4px 4px 0;cursor:pointer}
.tabs input:checked+label{background:#1b1b1b;color:#fff}
.tabs input:focus-visible+label{outline:3px solid #1565c0}
.panel{display:none}
.row{display:flex;align-items:flex-start;margin:1px 0}.cells{display:flex;flex-wrap:wrap}
.rname{width:150px;flex:none;font-family:ui-monospace,monospace;font-size:11px;padding-top:2px}
.rname.failing{color:#c62828;font-weight:700}
.cell{flex:none;width:62px;height:30px;border:1px solid #fff;font-size:9px;line-height:12px;
 overflow:hidden;padding:1px 2px;box-sizing:border-box;color:#1b1b1b;text-decoration:none;display:block}
.cell .v{font-family:ui-monospace,monospace;font-size:11px;display:block}
.cell:focus{outline:3px solid #1565c0;outline-offset:-2px}
.failing-cell{border:3px solid #c62828}
.st-compatible{background:#c8e6c9}.st-baseline{background:#fff3c4}.st-blocked{background:#ffcdd2}
.failure{border-left:4px solid #c62828;padding:4px 10px;margin:10px 0}
.failure.known{border-color:#b26a00}
"""


def esc(s):
    return html.escape(str(s), quote=True)


def _cell(reg, c, cfg):
    label = "%s.%s [%d:%d] = %s, %s%s" % (
        reg, c["field"], c["lsb"] + c["width"] - 1, c["lsb"], c["value"],
        CLASS_WORDS[c["class"]], ", failing: see its result" if c["failing"] else "")
    inner = '%s<span class="v">%s</span>' % (esc(c["field"]), esc(c["value"]))
    cls = "cell c-%s%s" % (c["class"], " failing-cell" if c["failing"] else "")
    title = esc("%s — %s" % (label, c["why"]))
    ident = esc("%s/%s.%s" % (cfg, reg, c["field"]))
    if c["failing"]:
        return ('<a role="listitem" class="%s" href="#%s" aria-label="%s" title="%s" '
                'data-cell="%s" data-id="%s">%s</a>' % (cls, esc(c["failing"]), esc(label),
                                                        title, esc(cfg), ident, inner))
    return ('<span role="listitem" class="%s" tabindex="0" aria-label="%s" title="%s" '
            'data-cell="%s" data-id="%s">%s</span>' % (cls, esc(label), title, esc(cfg), ident,
                                                       inner))


def render_map(report):
    idmap = report["map"]
    if not idmap:
        return "<p>No profile was dumped: no map.</p>"
    cfgs = list(idmap)
    first = report["host"]["profile_config"] or cfgs[0]
    out = ['<p class="legend">%s' % "".join(
        '<span class="c-%s">%s</span>' % (c, esc(CLASS_WORDS[c])) for c in CLASSES) +
        '<span class="failing-cell">failing</span></p>']
    out.append('<div class="tabs" role="radiogroup" aria-label="vCPU configuration">')
    for cfg in cfgs:
        out.append('<input type="radio" name="cfg" id="cfg-%s"%s>'
                   '<label for="cfg-%s">%s</label>' %
                   (esc(cfg), " checked" if cfg == first else "", esc(cfg), esc(cfg)))
    css = "".join("#cfg-%s:checked~#panel-%s{display:block}" % (c, c) for c in cfgs)
    out.append("<style>%s</style>" % css)
    for cfg in cfgs:
        out.append('<div class="panel" id="panel-%s" data-config="%s">' % (esc(cfg), esc(cfg)))
        for row in idmap[cfg]:
            name = esc(row["register"])
            if row["failing"]:
                name = '<a href="#%s">%s</a>' % (esc(row["failing"]), name)
            out.append('<div class="row" id="m-%s-%s"><span class="rname%s">%s</span>'
                       '<div class="cells" role="list" aria-label="%s">%s</div></div>'
                       % (esc(cfg), esc(row["register"]), " failing" if row["failing"] else "", name,
                          esc(row["register"]),
                          "".join(_cell(row["register"], c, cfg) for c in row["fields"])))
        out.append("</div>")
    out.append("</div>")
    return "\n".join(out)


def host_name(h):
    """The emulated CPU model, or natively the MIDR's names."""
    if h["mode"] != "native" and h["cpu"]:
        return "-cpu " + h["cpu"]
    m = h.get("midr") or {}
    return " ".join(x for x in (m.get("implementer_name", ""), m.get("part_name", "")) if x) \
        or "this host"


def render_html(report):
    h, t = report["host"], report["totals"]
    midr = h.get("midr") or {}
    title = "idregs host report: %s on %s" % (h["release"], host_name(h))
    o = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
         "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
         "style-src 'unsafe-inline'; img-src data:\">",
         "<title>%s</title><style>%s</style></head><body>" % (esc(title), CSS),
         "<h1>%s</h1>" % esc(title)]
    o.append('<section class="verdict v-%s" aria-label="verdict"><span class="word" '
             'data-verdict="%s">%s</span>' % (report["verdict"], report["verdict"],
                                              esc(VERDICT_WORDS[report["verdict"]])))
    for key in ("passed", "failed", "skipped", "known", "unknown"):
        o.append('<span class="count"><b data-count="%s">%d</b>%s</span>' %
                 (key, t[key], "known findings" if key == "known" else
                  "not known" if key == "unknown" else key))
    o.append("</section><h2>What to do next</h2><ul>%s</ul>" %
             "".join("<li>%s</li>" % esc(s) for s in report["next"]))

    o.append("<h2>The host</h2><table>")
    rows = [("kernel", h["release"]), ("run", "%s%s, %s s" % (h["mode"], ", -cpu " + h["cpu"]
                                                           if h["cpu"] else "", h["seconds"]))]
    if h["boot"]:
        rows.append(("boot", h["boot"]))
    if midr:
        rows.append(("MIDR_EL1", "%s: implementer %s (%s), part %s%s, variant %d, revision %d" % (
            midr["value"], midr["implementer"], midr["implementer_name"], midr["part"],
            " (%s)" % midr["part_name"] if midr["part_name"] else "", midr["variant"],
            midr["revision"])))
    k = h["kvm"]
    rows += [("vCPU features KVM offers", ", ".join(k["vcpu_features_offered"]) or "none"),
             ("KVM_CAP_ARM_WRITABLE_IMP_ID_REGS", {True: "yes", False: "no"}.get(
                 k["writable_imp_id_regs"], "unknown")),
             ("in-kernel GIC", ", ".join(k["gic_offered"]) or "unknown"),
             ("SVE vector lengths (bits)", ", ".join(str(v) for v in k["sve_vector_lengths"])
              or "none")]
    o += ["<tr><th>%s</th><td>%s</td></tr>" % (esc(a), esc(b)) for a, b in rows]
    o.append("</table>")

    o.append("<h2>vCPU configurations</h2><table><tr><th>configuration</th><th>verdict</th>"
             "<th>passed</th><th>failed</th><th>skipped</th><th>fields walked</th>"
             "<th>why skipped</th></tr>")
    for r in report["configs"]:
        o.append("<tr><td>%s</td><td>%s</td><td>%d</td><td>%d</td><td>%d</td><td>%s</td>"
                 "<td>%s</td></tr>" % (esc(r["config"]), esc(r["cell"]), r["passed"],
                                       r["failed"], r["skipped"], esc(r["walked"]),
                                       esc(r["reason"])))
    o.append("</table>")

    o.append("<h2>The ID space, field by field</h2><p>One cell per field of each ID "
             "register, as the vCPU of the chosen configuration reads it (idreg dump "
             "--vcpu CONFIG), coloured by what KVM does with it.</p>")
    o.append(render_map(report))

    o.append('<h2 id="failures">Failures</h2>')
    if not report["failures"]:
        o.append("<p>None.</p>")
    for fl in report["failures"]:
        fd = fl["finding"]
        o.append('<div class="failure%s" id="%s"><p><b>%s</b> (%s, result %d, %s)</p>' % (
            " known" if fd else "", esc(fl["anchor"]), esc(fl["name"]), esc(fl["test"]),
            fl["number"], esc(fl["kind"])))
        o.append("<pre>%s</pre>" % esc(fl["line"]))
        if fl["reproduce"]:
            o.append("<p>Reproduce on the host: <code>%s</code></p>" % esc(fl["reproduce"]))
        if fl["kvm_answer"]:
            o.append("<p>KVM's answer, the prediction and its rule (idreg try on this "
                     "host):</p><pre>%s</pre>" % esc(fl["kvm_answer"]))
        if fd:
            o.append('<p>Known finding <a href="#finding-%s"><b>%s</b>: %s</a></p>' % (
                esc(fd["id"]), esc(fd["id"]), esc(fd["title"])))
        else:
            o.append("<p><b>Not a known finding.</b></p>")
        o.append("</div>")
    known = {}
    for fl in report["failures"]:
        if fl["finding"]:
            known.setdefault(fl["finding"]["id"], (fl["finding"], []))[1].append(fl)
    if known:
        o.append("<h2>Known findings</h2>")
    for fid, (fd, fls) in known.items():
        o.append('<div id="finding-%s"><p><b>%s</b>: %s. %s%s Failing here: %s. In detail: '
                 '<code>docs/findings.md#%s</code>.</p></div>' % (
                     esc(fid), esc(fid), esc(fd["title"]),
                     "Kernels it fails on: %s. " % esc(", ".join(fd["kernels"]))
                     if fd.get("kernels") else "",
                     "Fixed upstream in commit %s." % esc(", ".join(fd["commits"]))
                     if fd["commits"] else "No upstream fix is known.",
                     ", ".join('<a href="#%s">%s</a>' % (esc(f["anchor"]), esc(f["name"]))
                               for f in fls), esc(fid)))
    if report["fixed_findings"]:
        o.append("<p>Known findings that no longer fail: %s</p>" % esc(
            ", ".join("%s (%s)" % (x["name"], x["finding"]) for x in report["fixed_findings"])))

    o.append("<h2>Writable since the reference kernel</h2>")
    ws = report["writable_since"]
    if ws:
        o.append("<p>tools/writable-report.sh --profiles %s host.json (this host's "
                 "profile):</p><pre>%s</pre>" %
                 (esc(ws["reference"]), esc(ws["markdown"])))
    else:
        o.append("<p>No reference profile given.</p>")

    o.append("<h2>The pool</h2>")
    if report["pool"]:
        o.append("<table><tr><th>profile</th><th>kernel</th><th>MIDR</th><th>with this host</th>"
                 "<th>by what</th></tr>")
        words = {"compatible": "compatible", "baseline": "compatible with a baseline",
                 "blocked": "blocked"}
        for e in report["pool"]:
            why = e["baseline_blocking"] if e["status"] == "blocked" else \
                (e["migrate_to"] + e["migrate_from"])[:6] if e["status"] == "baseline" else []
            o.append('<tr><td>%s</td><td>%s</td><td class="mono">%s</td>'
                     '<td class="st-%s" data-pool="%s">%s</td><td>%s</td></tr>' % (
                         esc(e["profile"]), esc(e["kernel"]), esc(e["midr"]), e["status"],
                         e["status"], esc(words[e["status"]]),
                         "<br>".join(esc(m) for m in why)))
        o.append("</table>")
        b = report["pool_baseline"]
        if b:
            o.append("<p>The pool's baseline (%s; vCPU features %s):</p><pre>%s\n%s\n%s</pre>" % (
                "every host runs it" if b["migratable"] else
                "some fields still differ: the hosts above marked blocked",
                esc(b["features"] or "none"), esc(b["command"]), esc(b["qemu_command"]),
                esc(b["qemu_args"])))
    else:
        o.append("<p>No pool profiles.</p>")
    o.append("<p>Console log: <code>%s</code>; machine-readable: <code>report.json</code>"
             " (docs/host-report.md).</p></body></html>" % esc(report["console"]))
    return "\n".join(o) + "\n"


def render_summary(report):
    h, t = report["host"], report["totals"]
    out = ["# idregs host report: %s on %s" % (h["release"], host_name(h)),
           "",
           "**Verdict: %s** — %d passed, %d failed (%d known findings, %d not known), "
           "%d skipped." % (VERDICT_WORDS[report["verdict"]], t["passed"], t["failed"],
                            t["known"], t["unknown"], t["skipped"]),
           ""]
    out += ["- " + s for s in report["next"]]
    if report["failures"]:
        out += ["", "| result | finding | reproduce |", "|---|---|---|"]
        for fl in report["failures"]:
            fd = fl["finding"]
            out.append("| `%s` | %s | %s |" % (
                fl["name"], "%s (%s)" % (fd["id"], ", ".join(fd["commits"]) or "no fix yet")
                if fd else "**not known**",
                "`%s`" % fl["reproduce"] if fl["reproduce"] else ""))
    if report["pool"]:
        out += ["", "| pool profile | with this host |", "|---|---|"]
        out += ["| %s | %s |" % (e["profile"], e["status"]) for e in report["pool"]]
    b = report["pool_baseline"]
    if b and b["qemu_args"]:
        out += ["", "The pool's baseline (`%s`, then `%s`):" % (b["command"], b["qemu_command"]),
                "", "```text", b["qemu_args"], "```"]
    return "\n".join(out) + "\n"


def write_report(report, out_dir):
    os.makedirs(out_dir, exist_ok=True)
    for name, text in (("report.json", json.dumps(report, indent=1) + "\n"),
                       ("index.html", render_html(report)),
                       ("summary.md", render_summary(report))):
        with open(os.path.join(out_dir, name), "w", encoding="utf-8") as f:
            f.write(text)


def main(argv):
    if len(argv) == 2 and argv[0] == "reproducers":
        for cmd in sorted(set(reproducers(console.read_console(argv[1])).values())):
            print(cmd)
        return 0
    if not argv or argv[0] != "build":
        print(__doc__.strip(), file=sys.stderr)
        return 2
    p = argparse.ArgumentParser(prog="host_report.py build")
    p.add_argument("--console", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--release")
    p.add_argument("--cpu")
    p.add_argument("--mode")
    p.add_argument("--seconds", type=int, default=0)
    p.add_argument("--verdict", default="", help="what went wrong with the boot")
    p.add_argument("--profiles", help="DIR/CONFIG.json of idreg dump --vcpu CONFIG")
    p.add_argument("--layout", help="idreg list --json")
    p.add_argument("--sanitised", help="idregs-gen sanitised's output")
    p.add_argument("--cpu-names", default=os.path.join(TOP, "tools/report/cpu_names.tsv"))
    p.add_argument("--findings", help="build/expect-list's output for this host")
    p.add_argument("--findings-doc", default=os.path.join(TOP, "docs/findings.md"))
    p.add_argument("--tries", help="JSON {idreg try line: its answer on the host}")
    p.add_argument("--idreg", help="the native idreg (pool comparisons)")
    p.add_argument("--pool", nargs="*", default=[])
    p.add_argument("--reference", help="the reference profile of --writable")
    p.add_argument("--writable", help="idreg diff --writable-only --markdown's output")
    args = p.parse_args(argv[1:])
    report = build_report(args)
    write_report(report, args.out)
    print("report: %s: %s (%d passed, %d failed, %d known findings)" % (
        os.path.join(args.out, "index.html"), VERDICT_WORDS[report["verdict"]],
        report["totals"]["passed"], report["totals"]["failed"], report["totals"]["known"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
