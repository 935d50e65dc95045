#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The mutation run's counting (tools/mutate/run.sh; unit-tested by
tools/mutate/test_score.py): what a mutant's verdicts count for, the
scores, and whether the catalogue held.  run.sh orchestrates; the
verdicts themselves are tools/lib/console.py's.

    score.py record NAME EXPECT V_IDREGS V_SET_ID_REGS V_DEFAULT_ARGS
        the mutant's "KEY NAME [WHY]" lines for the counts file: KEY one
        of equivalent, nonequiv, killed_behaviour, killed_source,
        killed_default, killed_sir, missed, lost, error
    score.py report COUNTS
        the score lines of docs/mutation.md
    score.py finish COUNTS NR
        the closing "mutation: P passed, F failed" line (the unmutated
        kernel and each of NR mutants whose expectation held pass); exit
        1 when a mutant was lost, 2 when one does not build ("bad") or
        has no verdict ("error"), else 0; the reasons on stderr
"""

import sys


def first(verdict):
    return verdict.split(" ", 1)[0]


def record(name, expect, v_i, v_s, v_d):
    """The counts lines of one mutant from its expectation ("killed" or
    "equivalent: WHY") and verdicts (idregs, set_id_regs, idregs with the
    tests' default arguments)."""
    ki, ks, kd = first(v_i), first(v_s), first(v_d)
    out = []
    if expect.startswith("equivalent"):
        out.append("equivalent %s" % name)
        if ki == "killed":
            out.append("lost %s (marked equivalent, killed by idregs)" % name)
    else:
        out.append("nonequiv %s" % name)
        if ki == "killed":
            out.append("killed_%s %s" % (v_i.split(" ")[1], name))
        if kd == "killed":
            out.append("killed_default %s" % name)
        if ks == "killed":
            out.append("killed_sir %s" % name)
        if ki != "killed" and ks != "killed":
            out.append("missed %s" % name)
        if ki != "killed":
            out.append("lost %s (marked killed, survived idregs)" % name)
    for v in (v_i, v_s, v_d):
        if first(v) == "error":
            out.append("error %s: %s" % (name, v))
    return out


def _counts(lines):
    keyed = []
    for line in lines:
        parts = line.rstrip("\n").split(" ", 1)
        if len(parts) == 2:
            keyed.append((parts[0], parts[1]))
    return keyed


def _names(keyed, key):
    return [rest.split(" ", 1)[0] for k, rest in keyed if k == key]


def _listed(names):
    return "".join(n + " " for n in names)


def report(lines):
    """The score lines."""
    keyed = _counts(lines)
    n = len(_names(keyed, "nonequiv"))
    kb = len(_names(keyed, "killed_behaviour"))
    ks = len(_names(keyed, "killed_source"))
    kd = len(_names(keyed, "killed_default"))
    ksir = len(_names(keyed, "killed_sir"))
    pct = 100 * kb // n if n else 0
    return [
        "idregs killed %d/%d by behaviour, %d/%d by source comparison only (%d%% by behaviour)"
        % (kb, n, ks, n, pct),
        "idregs killed %d/%d with the tests' default arguments (no vcpu= from # Host:, as "
        "kernel CI runs them), %d/%d with them" % (kd, n, kb + ks, n),
        "set_id_regs killed %d/%d" % (ksir, n),
        "killed by source comparison only: " + _listed(_names(keyed, "killed_source")),
        "missed by both: " + _listed(_names(keyed, "missed")),
    ]


def finish(lines, nr):
    """(messages for stderr before it, the closing line, messages after
    it, exit status)."""
    keyed = _counts(lines)
    lost = [rest for k, rest in keyed if k == "lost"]
    bad = _names(keyed, "bad")
    errors = [rest for k, rest in keyed if k == "error"]
    failed = set(rest.split(" ", 1)[0].rstrip(":") for k, rest in keyed
                 if k in ("lost", "bad", "error"))
    before = ["mutation: catalogue broken: " + x for x in lost]
    after = []
    if bad:
        after.append("mutation: error: these mutants do not build: " + _listed(bad))
    after += ["mutation: error: no verdict after judging it alone: " + e for e in errors]
    status = 2 if after else (1 if lost else 0)
    line = "mutation: %d passed, %d failed" % (1 + nr - len(failed), len(failed))
    return before, line, after, status


def _read(path):
    with open(path, encoding="utf-8") as f:
        return f.readlines()


def main(argv):
    if len(argv) == 6 and argv[0] == "record":
        for line in record(*argv[1:]):
            print(line)
        return 0
    if len(argv) == 2 and argv[0] == "report":
        for line in report(_read(argv[1])):
            print(line)
        return 0
    if len(argv) == 3 and argv[0] == "finish":
        before, line, after, status = finish(_read(argv[1]), int(argv[2]))
        for m in before:
            print(m, file=sys.stderr)
        sys.stderr.flush()
        print(line)
        sys.stdout.flush()
        for m in after:
            print(m, file=sys.stderr)
        return status
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
