#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Check a host report (DIR/index.html) in a real browser, offline:
Debian's chromium-headless-shell, driven over Chrome's DevTools protocol on
a pipe (--remote-debugging-pipe: no port, no network).

    browser_check.py DIR [--screenshot PNG] [--at ID] [--browser PATH]

It checks that the page loads without a console error or exception, that
the counts and the verdict it shows are report.json's, that each vCPU
configuration's map is reached from the keyboard (arrow keys on the
configuration switch) and shows exactly report.json's cells, each with a
text alternative (aria-label) and focusable, its failing fields linked to
their results, and that Tab walks every cell
of the configuration shown first; then it saves a screenshot (of the top
of the page, or from the element ID on with --at).  Exit 0 all
good, 1 a check failed (each printed), 2 the browser could not be run.
"""

import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

BROWSERS = ("chromium-headless-shell", "chromium", "chromium-browser")
WIDTH, HEIGHT = 1400, 1500
TIMEOUT = 60


class Browser:
    """One headless browser and one page, over the DevTools pipe."""

    def __init__(self, path):
        to_child_r, self.to_child = os.pipe()
        self.from_child, from_child_w = os.pipe()

        def fds():
            os.dup2(to_child_r, 3)
            os.dup2(from_child_w, 4)

        self.profile = tempfile.mkdtemp(prefix="idregs-browser.")
        self.proc = subprocess.Popen(
            [path, "--headless", "--remote-debugging-pipe", "--no-sandbox",
             "--disable-gpu", "--no-first-run", "--disable-extensions",
             "--user-data-dir=" + self.profile, "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, preexec_fn=fds, pass_fds=(3, 4))
        os.close(to_child_r)
        os.close(from_child_w)
        self.buf = b""
        self.next_id = 0
        self.events = []
        self.session = None

    def _read_message(self, deadline):
        while b"\0" not in self.buf:
            if time.time() > deadline:
                raise TimeoutError("the browser did not answer")
            chunk = os.read(self.from_child, 1 << 16)
            if not chunk:
                raise EOFError("the browser closed its pipe")
            self.buf += chunk
        msg, _, self.buf = self.buf.partition(b"\0")
        return json.loads(msg)

    def call(self, method, params=None, session=True):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params or {}}
        if session and self.session:
            msg["sessionId"] = self.session
        os.write(self.to_child, json.dumps(msg).encode() + b"\0")
        deadline = time.time() + TIMEOUT
        while True:
            m = self._read_message(deadline)
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError("%s: %s" % (method, m["error"].get("message")))
                return m.get("result", {})
            if "method" in m:
                self.events.append(m)

    def wait_event(self, method):
        deadline = time.time() + TIMEOUT
        while True:
            for i, e in enumerate(self.events):
                if e["method"] == method:
                    return self.events.pop(i)
            self.events.append(self._read_message(deadline))

    def open(self, url):
        target = self.call("Target.createTarget", {"url": "about:blank"}, session=False)
        att = self.call("Target.attachToTarget",
                        {"targetId": target["targetId"], "flatten": True}, session=False)
        self.session = att["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.call(domain + ".enable")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False})
        self.call("Page.navigate", {"url": url})
        self.wait_event("Page.loadEventFired")

    def js(self, expr):
        r = self.call("Runtime.evaluate", {"expression": expr, "returnByValue": True})
        if "exceptionDetails" in r:
            raise RuntimeError("evaluating %s: %s" % (expr[:60], r["exceptionDetails"]))
        return r["result"].get("value")

    def key(self, key, code, keycode):
        for kind in ("rawKeyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", {"type": kind, "key": key, "code": code,
                                                 "windowsVirtualKeyCode": keycode})

    def errors(self):
        """The console errors and exceptions seen so far."""
        out = []
        for e in self.events:
            p = e.get("params", {})
            if e["method"] == "Runtime.exceptionThrown":
                out.append("exception: %s" % p.get("exceptionDetails", {}).get("text"))
            elif e["method"] == "Runtime.consoleAPICalled" and p.get("type") == "error":
                out.append("console error: %s" % p.get("args"))
            elif e["method"] == "Log.entryAdded" and p.get("entry", {}).get("level") == "error":
                out.append("log error: %s" % p["entry"].get("text"))
        return out

    def close(self):
        try:
            self.call("Browser.close", session=False)
        except (OSError, RuntimeError, EOFError, TimeoutError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


# What the page shows, read in the page (no script is in the page itself).
PAGE_STATE = r"""(() => {
  const counts = {};
  document.querySelectorAll('[data-count]').forEach(e => counts[e.dataset.count] = +e.textContent);
  const v = document.querySelector('[data-verdict]');
  const pool = [...document.querySelectorAll('[data-pool]')].map(e => e.dataset.pool);
  const radios = [...document.querySelectorAll('input[name=cfg]')].map(r => r.id.slice(4));
  return {counts, verdict: v && v.dataset.verdict, pool, radios};
})()"""

# The configuration shown now and its cells: [id, label, focusable, visible].
SHOWN = r"""(() => {
  const p = [...document.querySelectorAll('.panel')].find(e => e.offsetParent !== null);
  if (!p) return null;
  const cells = [...p.querySelectorAll('[data-cell]')].map(c => [
    c.dataset.id, c.getAttribute('aria-label') || '',
    c.tabIndex >= 0, c.getClientRects().length > 0]);
  const failing = [...p.querySelectorAll('a.failing-cell')].filter(
    a => document.getElementById(a.getAttribute('href').slice(1))).length;
  return {config: p.dataset.config, cells, failing};
})()"""

ACTIVE = "document.activeElement && document.activeElement.dataset.id || ''"


def check(report_dir, shot, browser_path, at=None):
    with open(os.path.join(report_dir, "report.json"), encoding="utf-8") as f:
        report = json.load(f)
    problems = []
    b = Browser(browser_path)
    try:
        b.open("file://" + os.path.abspath(os.path.join(report_dir, "index.html")))
        state = b.js(PAGE_STATE)
        t = report["totals"]
        for key, shown in sorted(state["counts"].items()):
            if shown != t.get(key):
                problems.append("count %s: the page shows %s, report.json has %s" %
                                (key, shown, t.get(key)))
        if len(state["counts"]) < 5:
            problems.append("the page shows %d counts, not 5" % len(state["counts"]))
        if state["verdict"] != report["verdict"]:
            problems.append("verdict: the page shows %s, report.json has %s" %
                            (state["verdict"], report["verdict"]))
        if state["pool"] != [e["status"] for e in report["pool"]]:
            problems.append("pool: the page shows %s" % state["pool"])
        if state["radios"] != list(report["map"]):
            problems.append("configurations: the page switches %s, report.json maps %s" %
                            (state["radios"], list(report["map"])))

        cells_total = failing_total = 0
        first = b.js(SHOWN)
        if report["map"] and not first:
            problems.append("no map is shown")
        if first:
            # Tab from the configuration switch walks the shown map's cells.
            b.js("document.getElementById('cfg-%s').focus()" % first["config"])
            want = [c[0] for c in first["cells"]]
            seen = []
            for _ in range(len(want)):
                b.key("Tab", "Tab", 9)
                seen.append(b.js(ACTIVE))
            if seen != want:
                missed = [w for w in want if w not in seen]
                problems.append("Tab from the switch reaches %d of the %d cells of %s "
                                "(first missed: %s)" % (len(set(seen) & set(want)), len(want),
                                                        first["config"], missed[:3]))
            # Arrow keys on the switch show each configuration in turn.
            b.js("document.getElementById('cfg-%s').focus()" % state["radios"][0])
            b.key(" ", "Space", 32)
            for i, cfg in enumerate(state["radios"]):
                if i:
                    b.key("ArrowRight", "ArrowRight", 39)
                shown = b.js(SHOWN)
                if not shown or shown["config"] != cfg:
                    problems.append("the keyboard on the switch does not show %s" % cfg)
                    continue
                want = sum(len(r["fields"]) for r in report["map"][cfg])
                cells_total += len(shown["cells"])
                if len(shown["cells"]) != want:
                    problems.append("%s: %d cells shown, report.json has %d" %
                                    (cfg, len(shown["cells"]), want))
                marked = sum(1 for r in report["map"][cfg] for c in r["fields"] if c["failing"])
                failing_total += shown["failing"]
                if shown["failing"] != marked:
                    problems.append("%s: %d failing cells link to their result, report.json "
                                    "marks %d" % (cfg, shown["failing"], marked))
                bad = [c[0] for c in shown["cells"] if not (c[1] and c[2] and c[3])]
                if bad:
                    problems.append("%s: %d cells without a label or not focusable "
                                    "(first: %s)" % (cfg, len(bad), bad[0]))
            b.js("document.getElementById('cfg-%s').click()" % first["config"])
        problems += b.errors()
        if shot:
            b.js("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)")
            if at:
                b.js("document.getElementById(%s).scrollIntoView()" % json.dumps(at))
            png = b.call("Page.captureScreenshot", {"format": "png"})
            os.makedirs(os.path.dirname(os.path.abspath(shot)), exist_ok=True)
            with open(shot, "wb") as f:
                f.write(base64.b64decode(png["data"]))
    finally:
        b.close()
    return problems, cells_total, failing_total


def main(argv):
    args = list(argv)
    shot = browser = at = None
    if "--at" in args:
        i = args.index("--at")
        at = args[i + 1]
        del args[i:i + 2]
    if "--screenshot" in args:
        i = args.index("--screenshot")
        shot = args[i + 1]
        del args[i:i + 2]
    if "--browser" in args:
        i = args.index("--browser")
        browser = args[i + 1]
        del args[i:i + 2]
    if len(args) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    browser = browser or next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    if not browser:
        print("browser-check: no %s (scripts/deps.sh installs chromium-headless-shell)" %
              BROWSERS[0], file=sys.stderr)
        return 2
    try:
        problems, cells, failing = check(args[0], shot, browser, at)
    except (OSError, RuntimeError, EOFError, TimeoutError) as e:
        print("browser-check: %s: %s" % (browser, e), file=sys.stderr)
        return 2
    for p in problems:
        print("browser-check: %s: %s" % (args[0], p))
    if problems:
        return 1
    print("browser-check: %s: no console error, the counts are report.json's, %d map cells "
          "reached by keyboard, each with a text alternative, %d failing ones linked%s" %
          (args[0], cells, failing, "; screenshot " + shot if shot else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
