"""Put the readers' results together into the list of ID registers."""
import copy
import hashlib
import os
import re

from .aarchmrs import load_registers_json
from .armfields import load_arm_fields
from .cpufeature import parse_cpufeature, sysreg_macros
from .model import (GenError, RESERVED_KINDS, SRC_CPUFEATURE,
                    SRC_KVM_OVERRIDE, SRC_SUPPLEMENT, in_id_space)
from .merge import merge_arm_names, parse_layouts
from .overrides import parse_overrides
from .sysreg import id_space, parse_sysreg

GEN_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SUPPLEMENT = os.path.join(GEN_DIR, "supplement.txt")
OVERRIDES = os.path.join(GEN_DIR, "kvm_overrides.txt")
ARM_FIELDS = os.path.join(GEN_DIR, "arm_fields.tsv")
LAYOUTS = os.path.join(GEN_DIR, "arm_layouts.txt")
SYSREG_REL = "arch/arm64/tools/sysreg"
CPUFEATURE_REL = "arch/arm64/kernel/cpufeature.c"


def sha256(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def kernel_version(ksrc):
    """The Debian package version from the cache, else the tree's Makefile."""
    pv = os.path.join(ksrc, "package-version")
    if os.path.exists(pv):
        with open(pv, encoding="utf-8") as fh:
            return fh.read().strip()
    mk = os.path.join(ksrc, "Makefile")
    if os.path.exists(mk):
        with open(mk, encoding="utf-8", errors="replace") as fh:
            head = fh.read(2000)
        parts = [re.search(rf"^{k}\s*=\s*(\S*)", head, re.M)
                 for k in ("VERSION", "PATCHLEVEL", "SUBLEVEL")]
        if all(parts):
            return ".".join(p.group(1) for p in parts)
    return "unknown"


def _need(path):
    if not os.path.exists(path):
        raise GenError(path, "missing input")
    return path


def merge_json(reg, jreg):
    """Registers.json adds the value meanings of fields with the same bits
    (names and bits were merged before)."""
    by_bounds = {(f.lsb, f.width): f for f in jreg.fields}
    for f in reg.fields:
        jf = by_bounds.get((f.lsb, f.width))
        if jf is None or (jf.kind in RESERVED_KINDS) != (f.kind in RESERVED_KINDS):
            continue
        meanings = {v.value: v.meaning for v in jf.values}
        for v in f.values:
            v.meaning = meanings.get(v.value, v.meaning)


def _apply_cpufeature(regs, tables, reg_map, notes):
    by_name = {r.name: r for r in regs}
    for name, table in sorted(reg_map.items()):
        reg = by_name.get(name)
        if reg is None:
            notes.append(f"cpufeature.c: SYS_{name} ({table}) is not an ID-space "
                         f"register, not in the table")
            continue
        reg.has_ftr_reg = True
        reg.source |= SRC_CPUFEATURE
        reg.ftr_bits = copy.deepcopy(tables[table])
        for ftr in reg.ftr_bits:
            match = [f for f in reg.fields
                     if (f.lsb, f.width) == (ftr.lsb, ftr.width)
                     and f.kind not in RESERVED_KINDS]
            if not match:
                notes.append(f"{ftr.where}: {name} bits {ftr.lsb + ftr.width - 1}:"
                             f"{ftr.lsb} match no named field; kept in ftr_bits only")
                continue
            f = match[0]
            f.policy = ftr.policy          # shared: overrides reach both
            if ftr.policy.is_signed:
                f.is_signed = True


def _apply_overrides(regs, overrides):
    by_name = {r.name: r for r in regs}
    for ov in overrides:
        reg = by_name.get(ov.reg)
        f = reg.field(ov.field) if reg else None
        if f is None:
            raise GenError(ov.where, f"{ov.reg}.{ov.field} is not in the table")
        ftr = [b for b in reg.ftr_bits if (b.lsb, b.width) == (f.lsb, f.width)]
        if not ftr:
            raise GenError(ov.where, f"{ov.reg}.{ov.field} has no cpufeature.c "
                                     f"entry to override")
        p = ftr[0].policy
        p.type = ov.type
        p.source |= SRC_KVM_OVERRIDE
        p.override_reason = ov.reason


def _add_extra(regs, all_regs, jregs, supplement, notes):
    """The supplement's registers the sysreg file lacks (Registers.json's
    description when it has one), and every other ID-space register
    Registers.json describes."""
    slots = {r.enc: r.name for r in regs}
    extra = parse_sysreg(_need(supplement), source=SRC_SUPPLEMENT, notes=notes)
    for name, sreg in extra.items():
        if name in all_regs:
            notes.append(f"{supplement}: {name} is in the sysreg file now; "
                         f"its supplement entry is unused")
            continue
        if not in_id_space(sreg.enc):
            raise GenError(sreg.where, f"{name} is not in the feature ID space")
        chosen = jregs.get(name, sreg)
        if chosen.enc != sreg.enc:
            raise GenError(sreg.where, f"{name}: Registers.json encoding "
                                       f"{chosen.enc} differs from {sreg.enc}")
        if chosen.enc in slots:
            raise GenError(sreg.where, f"{name} uses the slot of {slots[chosen.enc]}")
        slots[chosen.enc] = name
        regs.append(chosen)
    for name, jreg in sorted(jregs.items()):
        if name in all_regs or name in extra or not in_id_space(jreg.enc):
            continue
        if jreg.enc in slots:
            raise GenError(jreg.where, f"{name} uses the slot of {slots[jreg.enc]}")
        slots[jreg.enc] = name
        regs.append(jreg)


def _merge_names(regs, arm_regs, arm_path, layouts_path):
    """Arm's names onto the table's registers (see merge.py)."""
    layouts = parse_layouts(_need(layouts_path))
    by_name = {r.name: r for r in regs}
    for name, arm in sorted(arm_regs.items()):
        reg = by_name.get(name)
        if reg is None:
            if arm.enc is None:
                raise GenError(arm.where, f"{name} is in neither the sysreg "
                               f"file nor {os.path.basename(SUPPLEMENT)}, "
                               f"which would give its encoding")
            continue            # Registers.json outside the ID space
        if reg is arm:
            continue
        if arm.enc is not None and arm.enc != reg.enc:
            raise GenError(arm.where, f"{name}: encoding {arm.enc} in {arm_path}, "
                                      f"{reg.enc} in {reg.where}")
        reason = layouts.pop(name, (None, None))[0]
        merge_arm_names(reg, arm, reason)
    for name, (_, where) in layouts.items():
        raise GenError(where, f"{name}: no register both sources describe")


def build(kernel_src, registers_json=None, supplement=None, overrides=None,
          notes=None, arm_fields=None, layouts=None):
    """Return (registers sorted by encoding, inputs as [(key, value)])."""
    supplement = supplement or SUPPLEMENT
    overrides = overrides or OVERRIDES
    arm_fields = arm_fields or ARM_FIELDS
    layouts = layouts or LAYOUTS
    if notes is None:
        notes = []
    sysreg_path = _need(os.path.join(kernel_src, SYSREG_REL))
    cpufeature_path = _need(os.path.join(kernel_src, CPUFEATURE_REL))
    all_regs = parse_sysreg(sysreg_path, notes=notes)
    # cpufeature.c spells fields as the sysreg file does; before the merge.
    macros = sysreg_macros(all_regs)
    regs = id_space(all_regs)

    jregs, edition = ({}, None)
    if registers_json:
        jregs, edition = load_registers_json(_need(registers_json), notes)
        arm_regs, arm_path = jregs, registers_json
    else:
        arm_regs, arm_path = load_arm_fields(_need(arm_fields)), arm_fields
    _add_extra(regs, all_regs, jregs, supplement, notes)
    regs.sort(key=lambda r: r.enc)
    _merge_names(regs, arm_regs, arm_path, layouts)
    for r in regs:
        if r.name in jregs and r is not jregs[r.name]:
            merge_json(r, jregs[r.name])

    tables, reg_map = parse_cpufeature(cpufeature_path, macros)
    _apply_cpufeature(regs, tables, reg_map, notes)
    _apply_overrides(regs, parse_overrides(_need(overrides)))

    inputs = [
        ("generator", "gen/idregs-gen generate"),
        ("kernel", kernel_version(kernel_src)),
        ("sysreg", f"{os.path.basename(sysreg_path)} sha256:{sha256(sysreg_path)}"),
        ("cpufeature", f"{os.path.basename(cpufeature_path)} "
                       f"sha256:{sha256(cpufeature_path)}"),
        ("supplement", f"{os.path.basename(supplement)} sha256:{sha256(supplement)}"),
        ("kvm_overrides", f"{os.path.basename(overrides)} sha256:{sha256(overrides)}"),
        ("arm_fields", "none (Registers.json)" if registers_json else
         f"{os.path.basename(arm_fields)} sha256:{sha256(arm_fields)}"),
        ("arm_layouts", f"{os.path.basename(layouts)} sha256:{sha256(layouts)}"),
        ("registers_json", "none" if not registers_json else
         f"{os.path.basename(registers_json)} edition:{edition} "
         f"sha256:{sha256(registers_json)}"),
    ]
    return regs, inputs
