"""What KVM hides or caps in the ID registers' defaults: the sanitising
code of a kernel's arch/arm64/kvm/sys_regs.c.

A VM's ID registers start from each descriptor's reset(): for the
feature ID registers __kvm_read_sanitised_id_reg() (or an open-coded
read_sanitised_*() reset), which takes the host's sanitised value and
filters it per register (sanitise_id_aa64pfr0_el1(), ..., and
limit_nv_id_reg() for a vCPU with EL2), and the descriptor's visibility
(raz_visibility, id_visibility, aa32_id_visibility), which makes a whole
register read as zero.  This module reads those functions, statement by
statement, into a list of operations per register:

    CLEAR  the bits read 0                      val &= ~MASK, val &= MASK,
                                                val = 0, a RAZ visibility
    SET    the bits are ORed with a constant    val |= SYS_FIELD_PREP_ENUM()
    ANY    the bits take a value from the host  val |= SYS_FIELD_PREP(.., f())
    CAP    the field is at most a value         ID_REG_LIMIT_FIELD_ENUM()

each with the vCPU features it needs or must lack (from conditions such as
'if (!vcpu_has_sve(vcpu))') and, when it also depends on the host
(spectre state, GIC, page size, ...), that condition's text: the tests
treat such an operation as one that may or may not have happened.  A
statement or condition of another shape stops the generator with the line,
rather than being guessed at.
"""
import os
import re
from dataclasses import dataclass, field as dc_field
from typing import List, Optional

from .csource import (MASK64, blank_comments, closing, designated, entries, find_function,
                      mask_value, split_args, statements)
from .kvm_writable import SYS_REGS_REL, descs_array, mask_macros
from .model import GenError, in_id_space
from .vcpu_features import predicates, read_features

NESTED_REL = os.path.join("arch", "arm64", "kvm", "nested.c")
SUPPLEMENT_NAME = "sanitised_resets.txt"

# vCPU conditions: the source's predicate (spaces removed) -> feature,
# from lib/include/idregs/vcpu_features.def.
VCPU_PREDICATES = predicates(read_features())
# Words a host condition may use: what the host is, not what the vCPU is.
HOST_WORDS = {
    "arm64_get_spectre_v2_state", "arm64_get_meltdown_state",
    "vgic_host_has_gicv3", "vgic_host_has_gicv5", "kvm_vgic_global_state",
    "cpus_have_final_cap", "has_broken_cntvoff", "system_supports_poe",
    "kvm_supports_32bit_el0", "SYS_FIELD_GET", "FIELD_GET", "_has_tgran_2",
    "PAGE_SIZE",
}
_TYPES = r"(?:const\s+)?(?:u8|u16|u32|u64|s64|int|unsigned\s+int|bool)"
_RAZ_VIS = "raz_visibility"


@dataclass
class Op:
    reg: str
    kind: str                 # CLEAR, SET, ANY, CAP
    mask: int
    value: int = 0            # SET: the bits (in place); CAP: the field's maximum
    value_name: Optional[str] = None
    field: Optional[str] = None     # the kernel's field name, or None for bare bits
    when: List[str] = dc_field(default_factory=list)     # features needed
    unless: List[str] = dc_field(default_factory=list)   # features that stop it
    host: Optional[str] = None      # the host condition it also depends on
    func: str = ""
    where: str = ""
    enc: tuple = ()           # the register's encoding
    visibility: bool = False  # from the descriptor's visibility, not its reset


@dataclass
class _Ctx:
    when: tuple = ()
    unless: tuple = ()
    host: Optional[str] = None


class _Source:
    """The files the functions live in, comments blanked, with lookups."""

    def __init__(self, files):
        self.files = [(name, blank_comments(text)) for name, text in files]

    def function(self, fname, where):
        """(file name, text, body start, body end, params) of @fname's
        definition."""
        return find_function(self.files, fname, where)


class _Reader:
    """Interprets the sanitising functions for one register at a time."""

    def __init__(self, source, regs, supplement):
        self.src = source
        self.regs = regs
        self.macros = mask_macros(regs)
        self.supplement = supplement
        self.parsed = {}

    def _body(self, fname, where):
        if fname not in self.parsed:
            name, text, start, end, params = self.src.function(fname, where)
            self.parsed[fname] = (statements(text, start, end, fname, name), params)
        return self.parsed[fname]

    # -- conditions ------------------------------------------------------

    def _cond(self, cond, ctx, where, fname, locals_):
        """The contexts for the 'then' and the 'else' branch."""
        c = cond.replace(" ", "")
        while c.startswith("(") and closing(c, 1, "(", ")") == len(c) - 1:
            c = c[1:-1]
        neg = c.startswith("!") and c[1:] in VCPU_PREDICATES
        pred = VCPU_PREDICATES.get(c[1:] if neg else c)
        if pred:
            yes = _Ctx(ctx.when + ((pred,) if not neg else ()),
                       ctx.unless + ((pred,) if neg else ()), ctx.host)
            no = _Ctx(ctx.when + ((pred,) if neg else ()),
                      ctx.unless + ((pred,) if not neg else ()), ctx.host)
            return yes, no
        for m in re.finditer(r"(\.|->)?\s*\b([A-Za-z_]\w*)", cond):
            word = m.group(2)
            if m.group(1) or word in HOST_WORDS or word in locals_ \
                    or re.fullmatch(r"[A-Z0-9_]+", word):
                continue
            if any(word == p.split("(")[0] for p in VCPU_PREDICATES):
                raise GenError(where, f"{fname}(): condition '{cond}' mixes a vCPU "
                                      f"feature with something else")
            raise GenError(where, f"{fname}(): condition '{cond}': unknown word '{word}' "
                                  f"(neither a vCPU feature nor a known host property)")
        def joined(c):
            return c if not ctx.host else f"{ctx.host} && {c}"
        return (_Ctx(ctx.when, ctx.unless, joined(cond)),
                _Ctx(ctx.when, ctx.unless, joined(f"!({cond})")))

    # -- operations ------------------------------------------------------

    def _mask(self, expr, where):
        return mask_value(expr, self.macros, where)

    def _field(self, reg, fname_, where):
        r = self.regs.get(reg)
        for f in (r.fields if r else []):
            if f.name == fname_ or f.kernel_name == fname_:
                return f
        raise GenError(where, f"{reg} has no field {fname_} in this kernel's sysreg file")

    def _enum(self, reg, fname_, vname, where):
        f = self._field(reg, fname_, where)
        for v in f.values:
            if v.name == vname:
                return f, v.value
        raise GenError(where, f"{reg}.{fname_} has no value {vname}")

    def _emit(self, out, reg, kind, mask, ctx, func, where, value=0, value_name=None):
        """One operation per named field @mask touches wholly, one for the
        bits left."""
        r = self.regs[reg]
        left = mask
        if mask == MASK64 and kind == "CLEAR":
            out.append(Op(reg, kind, mask, 0, None, "*", list(ctx.when), list(ctx.unless),
                          ctx.host, func, where))
            return
        for f in sorted(r.fields, key=lambda f: -f.lsb):
            fm = ((1 << f.width) - 1) << f.lsb
            if f.kind in ("RES0", "RES1", "RAZ", "UNKN") or (fm & mask) != fm:
                continue
            left &= ~fm
            out.append(Op(reg, kind, fm, value & fm if kind == "SET" else value,
                          value_name, f.name, list(ctx.when), list(ctx.unless),
                          ctx.host, func, where))
        if left:
            out.append(Op(reg, kind, left, value & left if kind == "SET" else value,
                          value_name, None, list(ctx.when), list(ctx.unless),
                          ctx.host, func, where))

    def _prep(self, reg, rhs, where):
        """(mask, value, value name) of a SYS_FIELD_PREP*() / FIELD_PREP();
        value None when it is not a constant."""
        m = re.fullmatch(r"SYS_FIELD_PREP_ENUM\((\w+),(\w+),(\w+)\)", rhs)
        if m:
            if m.group(1) != reg:
                raise GenError(where, f"{m.group(0)} in the code of {reg}")
            f, v = self._enum(reg, m.group(2), m.group(3), where)
            return ((1 << f.width) - 1) << f.lsb, v << f.lsb, m.group(3)
        m = re.fullmatch(r"SYS_FIELD_PREP\((\w+),(\w+),(.+)\)", rhs)
        if m:
            if m.group(1) != reg:
                raise GenError(where, f"{m.group(0)} in the code of {reg}")
            f = self._field(reg, m.group(2), where)
            fm = ((1 << f.width) - 1) << f.lsb
            lit = re.fullmatch(r"0[xXbB]?[0-9a-fA-F]+|\d+", m.group(3))
            return fm, (int(m.group(3), 0) << f.lsb) & fm if lit else None, m.group(3)
        raise GenError(where, f"cannot read '{rhs}' (expected SYS_FIELD_PREP_ENUM or "
                              f"SYS_FIELD_PREP)")

    def _simple(self, stmt, reg, ctx, fname, where, out, locals_, val):
        s = stmt.replace(" ", "")
        ctxs = (ctx,)
        if s in ("break", "fallthrough"):
            return s
        if re.fullmatch(rf"return{val}", s) or s == "return0" and fname.endswith("visibility"):
            return "return"
        if re.fullmatch(r"returnREG_RAZ(\|REG_USER_WI)?", s):
            self._emit(out, reg, "CLEAR", MASK64, ctx, fname, where)
            return "return"
        m = re.fullmatch(r"return(\w+)\(vcpu,(r|rd)\)", s)
        if m:
            self._call(m.group(1), reg, ctx, where, out)
            return "return"
        m = re.fullmatch(rf"(?:{_TYPES.replace(' ', '')})?(\w+)(?:=(.*))?", s) \
            if re.match(_TYPES, stmt) else None
        if m and (m.group(1) != val or m.group(2) is None):
            if m.group(1) != val:
                locals_.add(m.group(1))
            if m.group(2) and re.fullmatch(r"reg_to_encoding\((r|rd)\)", m.group(2)):
                locals_.add("@reg:" + m.group(1))
            return None
        m = re.fullmatch(r"(\w+)=(.*)", s)
        if m and m.group(1) in locals_ and m.group(1) != val:
            return None
        m = re.fullmatch(rf"(?:{_TYPES.replace(' ', '')})?{val}(&=|\|=|=)(.*)", s)
        if not m:
            raise GenError(where, f"{fname}(): cannot read statement '{stmt}'")
        op, rhs = m.group(1), m.group(2)
        for c in ctxs:
            self._assign(op, rhs, reg, c, fname, where, out, val)
        return None

    def _assign(self, op, rhs, reg, ctx, fname, where, out, val):
        if op == "&=":
            if rhs.startswith("~"):
                self._emit(out, reg, "CLEAR", self._mask(rhs[1:], where), ctx, fname, where)
            else:
                keep = self._mask(rhs, where)
                self._emit(out, reg, "CLEAR", ~keep & MASK64, ctx, fname, where)
            return
        if op == "|=":
            mask, value, vname = self._prep(reg, rhs, where)
            if value is None:
                self._emit(out, reg, "ANY", mask, ctx, fname, where, value_name=vname)
            else:
                self._emit(out, reg, "SET", mask, ctx, fname, where, value, vname)
            return
        m = re.fullmatch(r"read_sanitised_ftr_reg\((\w+)\)", rhs)
        if m:
            if m.group(1) not in ("id", "SYS_" + reg):
                raise GenError(where, f"{fname}(): {rhs} for {reg}")
            return
        m = re.fullmatch(rf"ID_REG_LIMIT_FIELD_ENUM\({val},(\w+),(\w+),(\w+)\)", rhs)
        if m:
            if m.group(1) != reg:
                raise GenError(where, f"{m.group(0)} in the code of {reg}")
            f, v = self._enum(reg, m.group(2), m.group(3), where)
            out.append(Op(reg, "CAP", ((1 << f.width) - 1) << f.lsb, v, m.group(3), f.name,
                          list(ctx.when), list(ctx.unless), ctx.host, fname, where))
            return
        if rhs == "0":
            self._emit(out, reg, "CLEAR", MASK64, ctx, fname, where)
            return
        if rhs.startswith("SYS_FIELD_PREP"):
            self._emit(out, reg, "CLEAR", MASK64, ctx, fname, where)
            self._assign("|=", rhs, reg, ctx, fname, where, out, val)
            return
        m = re.fullmatch(rf"(\w+)\((.*)\)", rhs)
        if m and m.group(2).split(",")[-1] == val:
            self._call(m.group(1), reg, ctx, where, out)
            return
        raise GenError(where, f"{fname}(): cannot read '{val} {op} {rhs}'")

    def _call(self, fname, reg, ctx, where, out):
        stmts, params = self._body(fname, where)
        val = "val"
        regparam = None
        for p in split_args(params):
            m = re.fullmatch(r".*?(\w+)", p.strip())
            if re.match(r"u32\b", p.strip()):
                regparam = m.group(1)
            elif re.match(r"u64\b", p.strip()):
                val = m.group(1)
        self._run(stmts, reg, ctx, fname, out, set(), val, regparam)

    def _run(self, stmts, reg, ctx, fname, out, locals_, val, regparam):
        """Interpret @stmts; returns 'break', 'return' or None."""
        for st in stmts:
            kind = st[0]
            if kind == "block":
                r = self._run(st[1], reg, ctx, fname, out, locals_, val, regparam)
            elif kind == "simple":
                r = self._simple(st[1], reg, ctx, fname, st[2], out, locals_, val)
            elif kind == "if":
                _, cond, then, other, where = st
                if cond.replace(" ", "") in ("sysreg_visible_as_raz(vcpu,r)",
                                             "sysreg_visible_as_raz(vcpu,rd)"):
                    continue    # the descriptor's visibility, applied last
                yes, no = self._cond(cond, ctx, where, fname, locals_)
                r1 = self._run([then], reg, yes, fname, out, locals_, val, regparam)
                r2 = self._run([other], reg, no, fname, out, locals_, val, regparam) \
                    if other else None
                if r1 == "return" and not yes.host and not yes.when and not yes.unless:
                    r = "return"
                else:
                    r = None
            else:
                r = self._switch(st, reg, ctx, fname, out, locals_, val, regparam)
            if r in ("break", "return"):
                return r
        return None

    def _switch(self, st, reg, ctx, fname, out, locals_, val, regparam):
        _, expr, groups, where = st
        if expr == regparam or "@reg:" + expr in locals_:
            start = None
            for i, (labels, _) in enumerate(groups):
                if "SYS_" + reg in labels:
                    start = i
            if start is None:
                start = next((i for i, (lb, _) in enumerate(groups) if "default" in lb), None)
            if start is None:
                return None
            for _, stmts in groups[start:]:
                r = self._run(stmts, reg, ctx, fname, out, locals_, val, regparam)
                if r == "return":
                    return r
                if r == "break":
                    return None
            return None
        if expr == "PAGE_SIZE":
            host = _Ctx(ctx.when, ctx.unless,
                        "PAGE_SIZE" if not ctx.host else f"{ctx.host} && PAGE_SIZE")
            for _, stmts in groups:
                self._run(stmts, reg, host, fname, out, locals_, val, regparam)
            return None
        raise GenError(where, f"{fname}(): switch on '{expr}'")

    # -- descriptors -----------------------------------------------------

    def register(self, reg, reset, visibility, where):
        out = []
        if reset in self.supplement:
            pass
        elif reset == "kvm_read_sanitised_id_reg" or reset.startswith("read_sanitised_"):
            self._call(reset, reg, _Ctx(), where, out)
        else:
            raise GenError(where, f"{reg}: reset function {reset}() is neither a "
                                  f"sanitising function nor listed in gen/{SUPPLEMENT_NAME}")
        reset_ops = len(out)
        if visibility == _RAZ_VIS:
            self._emit(out, reg, "CLEAR", MASK64, _Ctx(), _RAZ_VIS, where)
        elif visibility:
            self._call(visibility, reg, _Ctx(), where, out)
        for op in out[reset_ops:]:
            op.visibility = True
        return out


# Descriptor macros of the ID space whose reset and visibility are read
# from their #define (IMPLEMENTATION_ID's reset_imp_id_reg keeps the
# host's value; ID_UNALLOCATED, read apart, names its slot by encoding).
_DESC_MACROS = ("ID_SANITISED", "ID_WRITABLE", "ID_FILTERED", "AA32_ID_WRITABLE",
                "ID_HIDDEN")


def _macro_callbacks(text, macro, where, depth=0):
    """{'reset': f, 'visibility': f} a descriptor macro sets, following the
    macros it uses (ID_DESC, ID_DESC_DEFAULT_CALLBACKS); later wins."""
    m = re.search(rf"^#define\s+{macro}\b(\([^)]*\))?(.*?[^\\])$", text, flags=re.M | re.S)
    if not m or depth > 4:
        raise GenError(where, f"cannot find #define {macro}")
    body = m.group(2)
    out = {}
    for tok in re.finditer(r"\.(reset|visibility)\s*=\s*(\w+)|\b(ID_DESC\w*)\b", body):
        if tok.group(3):
            if tok.group(3) != macro:
                out.update(_macro_callbacks(text, tok.group(3), where, depth + 1))
        else:
            out[tok.group(1)] = tok.group(2)
    return out


def hidden(ops):
    """The operations of @ops by which a descriptor's visibility makes its
    register RAZ for userspace and guest whatever the host (ID_HIDDEN's
    raz_visibility, id_visibility's ID_AA64ZFR0_EL1 without SVE): a whole
    register cleared, at most unless the vCPU has features."""
    return [o for o in ops if o.visibility and o.kind == "CLEAR" and o.mask == MASK64
            and not o.host and not o.when]


def read_supplement(path):
    """{reset function: reason} of gen/sanitised_resets.txt: resets of
    ID-space descriptors that do not filter the host's value."""
    out = {}
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split(None, 1)
            if len(parts) != 2 or not re.fullmatch(r"\w+", parts[0]):
                raise GenError(f"{path}:{n}", "expected 'FUNCTION reason (kernel function cited)'")
            if parts[0] in out:
                raise GenError(f"{path}:{n}", f"{parts[0]} listed twice")
            out[parts[0]] = parts[1]
    return out


def parse_sanitised(ksrc, regs, supplement, name=SYS_REGS_REL):
    """The sanitising operations of the kernel source tree @ksrc, in order
    per register, registers in sys_reg_descs[] order.  @regs: {name:
    Register} of the same kernel's sysreg file (kernel field names)."""
    files = []
    for rel in (SYS_REGS_REL, NESTED_REL):
        path = os.path.join(ksrc, rel)
        if os.path.isfile(path):
            with open(path, encoding="utf-8") as fh:
                files.append((rel, fh.read()))
        elif rel == SYS_REGS_REL:
            raise GenError(path, "missing (run scripts/deps.sh)")
    src = _Source(files)
    text = src.files[0][1]
    reader = _Reader(src, regs, supplement)
    encs = {r.name: r.enc for r in regs.values()}
    start, end = descs_array(text, name)
    ops = []
    for at, entry in entries(text, start, end):
        where = f"{name}:{text.count(chr(10), 0, at) + 1}"
        m = re.fullmatch(r"(\w+)\s*\((.*)\)", entry, flags=re.S)
        if m and m.group(1) == "ID_UNALLOCATED":
            # A slot KVM leaves unallocated (RAZ) that the sysreg file may
            # name (7.3: ID_AA64DFR2_EL1): hidden, as its .visibility says.
            crm, op2 = (int(a, 0) for a in split_args(m.group(2)))
            reg = next((r.name for r in regs.values() if r.enc == (3, 0, 0, crm, op2)), None)
            if reg is None:
                continue
            cb = _macro_callbacks(text, m.group(1), where)
            reset, vis = cb.get("reset"), cb.get("visibility")
        elif m and m.group(1) in _DESC_MACROS:
            reg = split_args(m.group(2))[0]
            cb = _macro_callbacks(text, m.group(1), where)
            reset, vis = cb.get("reset"), cb.get("visibility")
            if not reset:
                raise GenError(where, f"{m.group(1)}() sets no .reset")
        elif entry.startswith("{"):
            body = entry[1:-1]
            dm = re.match(r"\s*SYS_DESC\s*\(\s*SYS_(\w+)\s*\)", body)
            if not dm:
                continue
            reg = dm.group(1)
            args = [a for a in split_args(body)[1:] if a]
            positional = [a for a in args if not a.startswith(".")]
            reset = designated(body, "reset") or (positional[1] if len(positional) > 1
                                                  else None)
            vis = designated(body, "visibility")
            dm2 = re.search(r"\b(ID_DESC\w*)\s*\(", body)
            if dm2:
                cb = _macro_callbacks(text, dm2.group(1), where)
                reset = designated(body, "reset") or cb.get("reset")
                vis = vis or cb.get("visibility")
            if reset is None:
                continue
        else:
            continue
        if reg not in encs or not in_id_space(encs[reg]):
            continue
        for op in reader.register(reg, reset, vis, where):
            op.enc = encs[reg]
            ops.append(op)
    return ops
