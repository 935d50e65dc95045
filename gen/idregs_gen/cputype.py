"""MIDR_EL1's implementer and part names, read from the kernel's
arch/arm64/include/asm/cputype.h (the host report decodes a host's MIDR
with them: tools/report/cpu_names.tsv)."""
import os
import re

from .model import GenError

CPUTYPE = "arch/arm64/include/asm/cputype.h"
_IMP_RE = re.compile(r"^#define\s+ARM_CPU_IMP_([A-Z0-9_]+)\s+(0x[0-9A-Fa-f]+)\s*$")
_PART_RE = re.compile(r"^#define\s+([A-Z0-9]+)_CPU_PART_([A-Z0-9_]+)\s+(0x[0-9A-Fa-f]+)\s*$")


def read_names(path):
    """([(implementer, name)], [(implementer, part, name)]), sorted: every
    ARM_CPU_IMP_X, and every X_CPU_PART_Y whose X names an implementer
    (ARM_CPU_PART_ for ARM_CPU_IMP_ARM)."""
    imps, parts = {}, []
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for line in lines:
        m = _IMP_RE.match(line)
        if m:
            imps[m.group(1)] = int(m.group(2), 16)
    for line in lines:
        m = _PART_RE.match(line)
        if not m:
            continue
        prefix, name, value = m.group(1), m.group(2), int(m.group(3), 16)
        if prefix not in imps:
            raise GenError(path, f"{prefix}_CPU_PART_{name}: no ARM_CPU_IMP_{prefix}")
        parts.append((imps[prefix], value, name))
    if not imps:
        raise GenError(path, "no ARM_CPU_IMP_ definition")
    return (sorted((v, n) for n, v in imps.items()), sorted(set(parts)))


def render(path, version):
    """The committed table: a header, then "implementer\\tIMP\\tNAME" and
    "part\\tIMP\\tPART\\tNAME" lines (hex), no path or date."""
    imps, parts = read_names(path)
    out = ["# MIDR_EL1 implementer and part names from the kernel's %s" % CPUTYPE,
           "# (linux-source %s): gen/idregs-gen cpu-names; do not edit." % version]
    out += ["implementer\t0x%02x\t%s" % (v, n) for v, n in imps]
    out += ["part\t0x%02x\t0x%03x\t%s" % p for p in parts]
    return "\n".join(out) + "\n"


def source_version(kernel_src):
    try:
        with open(os.path.join(kernel_src, "package-version"), encoding="utf-8") as f:
            return f.read().strip()
    except FileNotFoundError:
        return "unknown version"
