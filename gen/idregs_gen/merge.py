"""Cross-check of the sysreg file's named fields with Arm's, and the merge
that gives every field its Arm name (and keeps the kernel's as a second).

Two layouts of one register pair up by bits:
  - same bounds: one field, both names (they usually differ in case only);
  - one kernel field exactly tiled by two or more Arm fields (CLIDR_EL1's
    Ttypen, Arm's Ttype1..7): a split; the Arm fields go into the table and
    the kernel name stays as an alias of their bits;
  - a field only one side names, over bits the other leaves reserved: kept,
    with its source;
  - anything else (the same name at other bits, fields that overlap
    without tiling) is a disagreement: the generator stops, compare mode
    lists it.  gen/arm_layouts.txt names the registers where Arm's layout
    is to replace the kernel's (an alternative layout, not a mistake).
"""
from dataclasses import dataclass, field as dc_field
from typing import List

from .model import (Alias, Field, GenError, RESERVED_KINDS, SRC_AARCHMRS,
                    check_layout, data_lines, reserved_name)


@dataclass
class Pairing:
    same: list = dc_field(default_factory=list)       # [(k, a)]
    splits: list = dc_field(default_factory=list)     # [(k, [a, ...])]
    only_a: list = dc_field(default_factory=list)
    overlaps: List[str] = dc_field(default_factory=list)
    moved: List[str] = dc_field(default_factory=list)   # a name at other bits

    @property
    def conflicts(self):
        return self.overlaps + self.moved


def _named(fields):
    return [f for f in fields if f.kind not in RESERVED_KINDS]


def _overlaps(f, g):
    return f.lsb <= g.msb and g.lsb <= f.msb


def pair_fields(kfields, afields, lk="kernel", la="Arm"):
    """Pair the named fields of two layouts of one register by bits."""
    ks, as_ = _named(kfields), _named(afields)
    p = Pairing()
    by_bounds = {(a.lsb, a.width): a for a in as_}
    paired = set()                # ids of Arm fields already placed
    done = set()                  # ids of kernel fields with an equal one
    for k in ks:
        a = by_bounds.get((k.lsb, k.width))
        if a is not None:
            p.same.append((k, a))
            paired.add(id(a))
            done.add(id(k))
    for k in ks:
        hit = [a for a in as_ if id(a) not in paired and _overlaps(k, a)]
        if id(k) in done or not hit:
            continue              # paired, or only the kernel names the bits
        inside = [a for a in hit if a.lsb >= k.lsb and a.msb <= k.msb]
        if len(hit) >= 2 and hit == inside and \
                sum(a.width for a in hit) == k.width:
            p.splits.append((k, sorted(hit, key=lambda a: -a.lsb)))
            paired.update(id(a) for a in hit)
        else:
            p.overlaps.append(
                f"{k.name} ({k.bounds}) in {lk} overlaps " +
                ", ".join(f"{a.name} ({a.bounds})" for a in hit) + f" in {la}")
    for a in as_:
        if id(a) in paired:
            continue
        hit = [k for k in ks if _overlaps(k, a)]
        if hit:
            continue                  # already reported from the kernel side
        p.only_a.append(a)
    names_k = {n: k for k in ks for n in k.names}
    for a in as_:
        k = names_k.get(a.name)
        if k is not None and (k.lsb, k.width) != (a.lsb, a.width):
            p.moved.append(f"{a.name} is bits {k.bounds} in {lk}, "
                           f"{a.bounds} in {la}")
    return p


def _carve(fields, a):
    """Take @a's bits out of the reserved fields it lies on."""
    out = []
    for f in fields:
        if not _overlaps(f, a):
            out.append(f)
            continue
        for lsb, msb in ((a.msb + 1, f.msb), (f.lsb, a.lsb - 1)):
            if lsb <= msb:
                out.append(Field(reserved_name(f.kind, msb, lsb), lsb,
                                 msb - lsb + 1, f.kind, f.is_signed, f.source,
                                 where=f.where))
    return out


def _arm_field(a):
    return Field(a.name, a.lsb, a.width, a.kind, a.is_signed, SRC_AARCHMRS,
                 list(a.values), where=a.where)


def _join(k, a):
    """One field, Arm's name first; the kernel's kept when it differs."""
    k.source |= SRC_AARCHMRS
    if k.name != a.name:
        k.kernel_name, k.name = k.name, a.name


def _replace_layout(reg, arm, p):
    """Arm's layout replaces the kernel's; equal fields keep both names."""
    kept = {id(a): k for k, a in p.same}
    fields = []
    for a in _named(arm.fields):
        k = kept.get(id(a))
        if k is not None:
            _join(k, a)
            fields.append(k)
        else:
            fields.append(_arm_field(a))
    bit = 63
    for f in sorted(fields, key=lambda f: -f.lsb) + [None]:
        low = f.msb + 1 if f else 0
        if bit >= low:
            fields.append(Field(reserved_name("RES0", bit, low), low,
                                bit - low + 1, "RES0", False, SRC_AARCHMRS,
                                where=arm.where))
        if f:
            bit = f.lsb - 1
    reg.fields = fields


def merge_arm_names(reg, arm, replace_reason=None):
    """Give @reg's fields Arm's names from @arm (its named fields only).

    Raises GenError on a disagreement in bits, unless @replace_reason says
    Arm's layout replaces the kernel's for this register.
    """
    p = pair_fields(reg.fields, arm.fields, "the sysreg file", "the Arm list")
    reg.source |= SRC_AARCHMRS
    if replace_reason is not None:
        if not p.conflicts:
            raise GenError(reg.where, f"{reg.name}: gen/arm_layouts.txt "
                           f"replaces its layout, but the sources agree")
        _replace_layout(reg, arm, p)
    elif p.conflicts:
        raise GenError(reg.where, f"{reg.name}: the sysreg file and the Arm "
                       f"field list disagree in bits: " + "; ".join(p.conflicts) +
                       " (gen/idregs-gen compare lists them; gen/arm_layouts.txt "
                       "takes Arm's layout for a register)")
    else:
        for k, a in p.same:
            _join(k, a)
        for k, parts in p.splits:
            reg.fields.remove(k)
            reg.fields += [_arm_field(a) for a in parts]
            reg.aliases.append(Alias(k.kernel_name or k.name, k.lsb, k.width))
        for a in p.only_a:
            reg.fields = _carve(reg.fields, a) + [_arm_field(a)]
    check_layout(reg, reg.where)
    reg.sort_fields()


def parse_layouts(path, text=None):
    """gen/arm_layouts.txt: {register: (reason, where)}."""
    out = {}
    for where, line in data_lines(path, text):
        words = line.split(None, 1)
        if len(words) < 2:
            raise GenError(where, "expected 'REGISTER reason'")
        if words[0] in out:
            raise GenError(where, f"{words[0]} named twice")
        out[words[0]] = (words[1], where)
    return out
