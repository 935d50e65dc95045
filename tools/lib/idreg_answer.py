#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""What the shell tools read of idreg's --json answers (docs/idreg.md,
"JSON answers for scripts"): the one reader, so no script parses idreg's
sentences.  And the ID registers a real QEMU names where KVM refused them
(write_list_to_kvmstate(): "Could not set register system register op0:3
op1:X crn:0 crm:Y op2:Z to V (is W)"), named as `idreg list --json` names
them.

  idreg_answer.py registers FILE KEY...   the registers the messages of
                                          those lists are about, sorted,
                                          one a line
  idreg_answer.py field-registers FILE KEY...
                                          the same, of the messages about a
                                          field (a SYSREG_ property) only
  idreg_answer.py id-registers FILE KEY...
                                          the same, of the ID registers only
                                          (not the KVM registers beyond them,
                                          whose messages carry "kvm_reg")
  idreg_answer.py kvm-regs FILE KEY...    the KVM registers beyond the ID
                                          registers those messages are about
                                          ("kvm_reg"), sorted by id, one a
                                          line: "ID NAME"
  idreg_answer.py messages FILE KEY...    each message, as a KTAP comment
  idreg_answer.py features FILE KEY...    the vCPU features they are about
  idreg_answer.py qemu-refused STDERR LIST
                                          the ID registers QEMU's STDERR says
                                          KVM refused, named by LIST (idreg
                                          list --json), sorted, one a line
  idreg_answer.py qemu-says FILE STDERR   each line of explain's "qemu_says"
                                          (QEMU's words for its refusal) that
                                          QEMU's STDERR lacks, as a KTAP
                                          comment; exit 1 if one is missing
                                          or explain quotes none
"""
import json
import re
import sys

QEMU_REFUSED = re.compile(r"Could not set register (?:system register )?"
                          r"op0:3 op1:([0-7]) crn:0 crm:([0-7]) op2:([0-7]) ")


def qemu_refused(stderr_path, list_path):
    """The ID-space registers QEMU could not set, by name."""
    with open(list_path, encoding="utf-8") as f:
        names = {r["key"]: r["name"] for r in json.load(f)["registers"]}
    found = set()
    with open(stderr_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            for op1, crm, op2 in QEMU_REFUSED.findall(line):
                key = f"S3_{op1}_C0_C{crm}_{op2}"
                found.add(names.get(key, key))
    return sorted(found)


def qemu_says(answer_path, stderr_path):
    """explain's words for QEMU's refusal, each in what QEMU printed."""
    with open(answer_path, encoding="utf-8") as f:
        says = json.load(f).get("qemu_says", [])
    with open(stderr_path, encoding="utf-8", errors="replace") as f:
        printed = f.read()
    missing = [s for s in says if s not in printed]
    for s in missing:
        print("# not in QEMU's stderr: " + s)
    if not says:
        print("# explain quotes no words of QEMU")
    return 1 if missing or not says else 0


def messages(answer, keys):
    for key in keys:
        yield from answer.get(key, [])


def main(argv):
    if len(argv) == 3 and argv[0] == "qemu-says":
        return qemu_says(argv[1], argv[2])
    if len(argv) == 3 and argv[0] == "qemu-refused":
        for name in qemu_refused(argv[1], argv[2]):
            print(name)
        return 0
    if len(argv) < 3 or argv[0] not in ("registers", "id-registers", "field-registers",
                                        "kvm-regs", "messages", "features"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    what, path, keys = argv[0], argv[1], argv[2:]
    with open(path, encoding="utf-8") as f:
        answer = json.load(f)
    if not str(answer.get("format", "")).startswith("idregs-"):
        print(f"{path}: not an idreg --json answer", file=sys.stderr)
        return 2
    if what == "messages":
        for m in messages(answer, keys):
            print("# " + m["message"])
        return 0
    if what == "kvm-regs":
        regs = {int(m["kvm_reg"], 16): m.get("register", m["kvm_reg"])
                for m in messages(answer, keys) if "kvm_reg" in m}
        for reg_id in sorted(regs):
            print(f"0x{reg_id:016x} {regs[reg_id]}")
        return 0
    key = "feature" if what == "features" else "register"
    need = "property" if what == "field-registers" else key
    id_only = what == "id-registers"
    for name in sorted({m[key] for m in messages(answer, keys)
                        if key in m and need in m and not (id_only and "kvm_reg" in m)}):
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
