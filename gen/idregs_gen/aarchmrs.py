"""Reader for Arm's AARCHMRS Registers.json (machine-readable Arm ARM).

Only what the table needs is read: the system-register encoding and the
first fieldset.  Shape problems are reported with a JSON path.  Registers
whose encoding has 'x' wildcards name a range of slots, not one ID
register, so they are skipped (and listed in notes).
"""
import json

from .model import (EnumValue, Field, GenError, Register, SRC_AARCHMRS,
                    check_layout, reserved_name)

_RESERVED_KIND = {"RES0": "RES0", "RES1": "RES1", "RAZ": "RAZ",
                  "UNKNOWN": "UNKN", "UNKN": "UNKN"}


class _Ctx:
    def __init__(self, path):
        self.path = path

    def fail(self, jpath, reason):
        raise GenError(f"{self.path}: {jpath}", reason)

    def get(self, obj, key, jpath, kind=None):
        if not isinstance(obj, dict) or key not in obj:
            self.fail(jpath, f"missing '{key}'")
        val = obj[key]
        if kind is not None and not isinstance(val, kind):
            self.fail(f"{jpath}.{key}",
                      f"expected {kind.__name__}, got {type(val).__name__}")
        return val


def _bits(ctx, text, jpath):
    """"'0101'" -> int, or None for a pattern with x wildcards."""
    if not isinstance(text, str):
        ctx.fail(jpath, "expected a quoted binary string")
    s = text.strip().strip("'")
    if not s or any(c not in "01x" for c in s):
        ctx.fail(jpath, f"not a binary value: {text!r}")
    if "x" in s:
        return None
    return int(s, 2)


def _range(ctx, fld, jpath, base):
    rs = ctx.get(fld, "rangeset", jpath, list)
    out = []
    for i, r in enumerate(rs):
        rp = f"{jpath}.rangeset[{i}]"
        start = ctx.get(r, "start", rp, int)
        width = ctx.get(r, "width", rp, int)
        out.append((base + start, width))
    if not out:
        ctx.fail(f"{jpath}.rangeset", "empty")
    return out


def _values(ctx, fld, jpath):
    vals = fld.get("values")
    if vals is None:
        return []
    items = ctx.get(vals, "values", f"{jpath}.values", list)
    out = []
    for i, v in enumerate(items):
        vp = f"{jpath}.values.values[{i}]"
        if not isinstance(v, dict):
            ctx.fail(vp, "expected an object")
        # Ranges and links add nothing the table can hold.
        if v.get("_type") != "Values.Value":
            continue
        value = _bits(ctx, ctx.get(v, "value", vp), f"{vp}.value")
        if value is not None:
            meaning = v.get("meaning")
            out.append(EnumValue(value, None,
                                 meaning.strip() if isinstance(meaning, str) else None))
    return out


def _one_range(ctx, fld, jpath, base):
    ranges = _range(ctx, fld, jpath, base)
    if len(ranges) != 1:
        ctx.fail(f"{jpath}.rangeset", "a named field in several pieces is "
                                      "not supported")
    return ranges[0]


def _fields(ctx, fld, jpath, base):
    """One Registers.json field -> a list of Field (arrays expand)."""
    ftype = ctx.get(fld, "_type", jpath, str)
    where = f"{ctx.path}: {jpath}"
    if ftype == "Fields.Reserved":
        kind = _RESERVED_KIND.get(str(fld.get("value", "RES0")).upper(), "RES0")
        return [Field(reserved_name(kind, lsb + w - 1, lsb), lsb, w, kind,
                      source=SRC_AARCHMRS, where=where)
                for lsb, w in _range(ctx, fld, jpath, base)]
    if ftype in ("Fields.Field", "Fields.EnumeratedField", "Fields.Bitfield",
                 "Fields.ConstantField", "Fields.Dynamic"):
        name = ctx.get(fld, "name", jpath, str)
        lsb, width = _one_range(ctx, fld, jpath, base)
        values = _values(ctx, fld, jpath)
        kind = "ENUM" if values else "PLAIN"
        # Registers.json does not say whether a field is signed.
        return [Field(name, lsb, width, kind, None, SRC_AARCHMRS, values,
                      where=where)]
    if ftype == "Fields.Array":
        name = ctx.get(fld, "name", jpath, str)
        if "<n>" not in name:
            ctx.fail(f"{jpath}.name", f"array name {name!r} lacks '<n>'")
        idx = ctx.get(fld, "indexes", jpath, list)
        if len(idx) != 1:
            ctx.fail(f"{jpath}.indexes", "expected exactly one index range")
        first = ctx.get(idx[0], "start", f"{jpath}.indexes[0]", int)
        count = ctx.get(idx[0], "width", f"{jpath}.indexes[0]", int)
        lsb, width = _one_range(ctx, fld, jpath, base)
        if count < 1 or width % count:
            ctx.fail(jpath, f"{width} bits do not split into {count} elements")
        ew = width // count
        values = _values(ctx, fld, jpath)
        return [Field(name.replace("<n>", str(first + i)), lsb + i * ew, ew,
                      "ENUM" if values else "PLAIN", None, SRC_AARCHMRS,
                      [EnumValue(v.value, v.name, v.meaning) for v in values],
                      where=where)
                for i in range(count)]
    if ftype == "Fields.ConditionalField":
        # The table holds one layout: the first alternative, placed
        # relative to the parent's range.
        parent_lsb, parent_w = _one_range(ctx, fld, jpath, base)
        alts = ctx.get(fld, "fields", jpath, list)
        if not alts:
            ctx.fail(f"{jpath}.fields", "no alternatives")
        inner = ctx.get(alts[0], "field", f"{jpath}.fields[0]", dict)
        out = _fields(ctx, inner, f"{jpath}.fields[0].field", parent_lsb)
        for f in out:
            if f.lsb < parent_lsb or f.msb >= parent_lsb + parent_w:
                ctx.fail(f"{jpath}.fields[0].field",
                         f"bits {f.bounds} outside the parent field")
        name = fld.get("name")
        if isinstance(name, str) and len(out) == 1 and \
                (out[0].lsb, out[0].width) == (parent_lsb, parent_w):
            out[0].name = name
        return out
    ctx.fail(f"{jpath}._type", f"unknown field type {ftype!r}")


def _encoding(ctx, reg, jpath):
    """(op0, op1, CRn, CRm, op2), None for a wildcard, or False if no
    system-register accessor exists."""
    accessors = reg.get("accessors") or []
    if not isinstance(accessors, list):
        ctx.fail(f"{jpath}.accessors", "expected a list")
    for i, acc in enumerate(accessors):
        if not isinstance(acc, dict) or acc.get("_type") != "Accessors.SystemAccessor":
            continue
        ap = f"{jpath}.accessors[{i}]"
        enc = ctx.get(acc, "encoding", ap, list)
        if not enc:
            ctx.fail(f"{ap}.encoding", "empty")
        encs = ctx.get(enc[0], "encodings", f"{ap}.encoding[0]", dict)
        out = []
        for key in ("op0", "op1", "CRn", "CRm", "op2"):
            ep = f"{ap}.encoding[0].encodings.{key}"
            out.append(_bits(ctx, ctx.get(ctx.get(encs, key, f"{ap}.encoding[0].encodings", dict),
                                          "value", ep), f"{ep}.value"))
        return None if None in out else tuple(out)
    return False


def load_registers_json(path, notes=None):
    """Return ({name: Register}, edition string)."""
    if notes is None:
        notes = []
    ctx = _Ctx(path)
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except json.JSONDecodeError as e:
        raise GenError(f"{path}:{e.lineno}", f"not JSON: {e.msg}")
    if not isinstance(data, list):
        ctx.fail("$", "expected a list of objects")
    regs = {}
    edition = "unknown"
    for i, obj in enumerate(data):
        jp = f"$[{i}]"
        if not isinstance(obj, dict):
            ctx.fail(jp, "expected an object")
        meta = obj.get("_meta")
        if edition == "unknown" and isinstance(meta, dict) and "version" in meta:
            v = meta["version"]
            edition = (" ".join(f"{k}={v[k]}" for k in sorted(v))
                       if isinstance(v, dict) else str(v))
        if obj.get("_type") != "Register":
            continue
        name = ctx.get(obj, "name", jp, str)
        enc = _encoding(ctx, obj, jp)
        if enc is False:
            continue
        if enc is None:
            notes.append(f"{path}: {jp}: {name}: wildcard encoding, skipped")
            continue
        fieldsets = obj.get("fieldsets") or []
        if not isinstance(fieldsets, list):
            ctx.fail(f"{jp}.fieldsets", "expected a list")
        fields = []
        if fieldsets:
            vals = ctx.get(fieldsets[0], "values", f"{jp}.fieldsets[0]", list)
            for k, fld in enumerate(vals):
                fields += _fields(ctx, fld, f"{jp}.fieldsets[0].values[{k}]", 0)
        reg = Register(name, enc, SRC_AARCHMRS, fields, where=f"{path}: {jp}")
        check_layout(reg, reg.where)
        reg.sort_fields()
        if name in regs:
            notes.append(f"{path}: {jp}: {name} described twice, first kept")
            continue
        regs[name] = reg
    return regs, edition
