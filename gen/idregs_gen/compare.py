"""Compare two descriptions of the ID registers (sysreg vs sysreg of another
kernel, or sysreg vs Registers.json) and list what differs."""
import os

from .aarchmrs import load_registers_json
from .armfields import load_arm_fields
from .merge import pair_fields
from .model import RESERVED_KINDS, in_id_space
from .sysreg import parse_sysreg


def load_source(spec, notes=None):
    """A kernel tree, a sysreg-syntax file, a Registers.json or an Arm
    field list (.tsv: named fields only, no encodings)."""
    if os.path.isdir(spec):
        spec = os.path.join(spec, "arch/arm64/tools/sysreg")
    if spec.endswith(".json"):
        return load_registers_json(spec, notes)[0]
    if spec.endswith(".tsv"):
        return load_arm_fields(spec)
    return parse_sysreg(spec, notes=notes)


def _in_id_space(reg):
    # A field list has no encodings: all its registers are ID registers.
    return reg.enc is None or in_id_space(reg.enc)


def _enc_key(reg):
    return reg.enc or (99,)


def _mask(reg, kind):
    m = 0
    for f in reg.fields:
        if f.kind == kind:
            m |= ((1 << f.width) - 1) << f.lsb
    return m


def _values(f):
    return {v.value: v.name for v in f.values}


def _fmt_value(f, value, name):
    bits = format(value, f"0{f.width}b") if f.width <= 16 else hex(value)
    return f"0b{bits}" + (f" {name}" if name else "")


def compare_regs(a, b, label_a="A", label_b="B", all_regs=False):
    """Return a list of difference lines (empty when identical)."""
    pick = (lambda r: True) if all_regs else _in_id_space
    ra = {n: r for n, r in a.items() if pick(r)}
    rb = {n: r for n, r in b.items() if pick(r)}
    out = []
    for name in sorted(set(ra) | set(rb),
                       key=lambda n: (_enc_key(ra.get(n) or rb.get(n)), n)):
        if name not in rb:
            out.append(f"{name}: only in {label_a}")
            continue
        if name not in ra:
            out.append(f"{name}: only in {label_b}")
            continue
        out += _compare_reg(ra[name], rb[name], label_a, label_b)
    return out


def _compare_reg(x, y, la, lb):
    out = []
    n = x.name
    if x.enc != y.enc and None not in (x.enc, y.enc):
        out.append(f"{n}: encoding {x.enc} in {la}, {y.enc} in {lb}")
    fx = {f.name: f for f in x.fields if f.kind not in RESERVED_KINDS}
    fy = {f.name: f for f in y.fields if f.kind not in RESERVED_KINDS}
    only_x = {k: f for k, f in fx.items() if k not in fy}
    only_y = {k: f for k, f in fy.items() if k not in fx}
    by_bounds_y = {(f.lsb, f.width): f for f in only_y.values()}
    for k in sorted(only_x, key=lambda k: -only_x[k].lsb):
        f = only_x[k]
        g = by_bounds_y.pop((f.lsb, f.width), None)
        if g is not None:
            del only_y[g.name]
            out.append(f"{n}: field {f.bounds} named {f.name} in {la}, "
                       f"{g.name} in {lb}")
            out += _compare_field(n, f, g, la, lb)
        else:
            out.append(f"{n}.{f.name} ({f.bounds}): only in {la}")
    for k in sorted(only_y, key=lambda k: -only_y[k].lsb):
        out.append(f"{n}.{k} ({only_y[k].bounds}): only in {lb}")
    for k in sorted(set(fx) & set(fy), key=lambda k: -fx[k].lsb):
        f, g = fx[k], fy[k]
        if (f.lsb, f.width) != (g.lsb, g.width):
            out.append(f"{n}.{k}: bits {f.bounds} in {la}, {g.bounds} in {lb}")
        out += _compare_field(n, f, g, la, lb)
    p = pair_fields(x.fields, y.fields, la, lb)
    for k, parts in p.splits:
        out.append(f"{n}.{k.name} ({k.bounds}) in {la} is " +
                   ", ".join(f"{a.name} ({a.bounds})" for a in parts) + f" in {lb}")
    for line in p.overlaps:
        out.append(f"{n}: bits disagree: {line}")
    if None in (x.enc, y.enc):
        return out              # a field list says nothing of reserved bits
    for kind in sorted(RESERVED_KINDS):
        mx, my = _mask(x, kind), _mask(y, kind)
        if mx != my:
            out.append(f"{n}: {kind} bits {mx:#018x} in {la}, {my:#018x} in {lb}")
    return out


def _compare_field(reg, f, g, la, lb):
    out = []
    n = f"{reg}.{f.name}"
    if f.is_signed is not None and g.is_signed is not None and \
            f.is_signed != g.is_signed:
        sign = {True: "signed", False: "unsigned"}
        out.append(f"{n}: {sign[f.is_signed]} in {la}, {sign[g.is_signed]} in {lb}")
    vf, vg = _values(f), _values(g)
    if bool(vf) != bool(vg):
        side = la if vf else lb
        out.append(f"{n}: named values ({len(vf or vg)}) only in {side}")
        return out
    for v in sorted(set(vf) - set(vg)):
        out.append(f"{n}: value {_fmt_value(f, v, vf[v])} only in {la}")
    for v in sorted(set(vg) - set(vf)):
        out.append(f"{n}: value {_fmt_value(g, v, vg[v])} only in {lb}")
    for v in sorted(set(vf) & set(vg)):
        if vf[v] and vg[v] and vf[v] != vg[v]:
            out.append(f"{n}: value {_fmt_value(f, v, None)} named {vf[v]} in "
                       f"{la}, {vg[v]} in {lb}")
    return out
