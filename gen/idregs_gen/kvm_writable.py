"""What KVM declares writable: the ID register descriptors of a kernel's
arch/arm64/kvm/sys_regs.c.

KVM_ARM_GET_REG_WRITABLE_MASKS reports, for each descriptor of the feature
ID space that has a userspace setter, the descriptor's .val; AArch32 ID
registers (AA32_ID_WRITABLE) only when the host runs AArch32 at EL0.  The
masks are C expressions over the macros gen-sysreg.awk makes of the same
kernel's sysreg file (REG_FIELD, REG_FIELD_MASK, REG_RES0, ...), GENMASK()
and BIT().  This reads them so that a test can hold the masks ioctl to what
the source says, instead of taking the ioctl's answer as the truth.
"""
import os
import re
from dataclasses import dataclass

from .cpufeature import _blank_comments, _closing, _split_args
from .model import GenError, in_id_space

SYS_REGS_REL = os.path.join("arch", "arm64", "kvm", "sys_regs.c")
MASK64 = (1 << 64) - 1

# Descriptor macros: the argument holding the register name, the one
# holding the mask (None: a fixed mask), the kind recorded.
_MACROS = {
    "ID_WRITABLE": (0, 1, "WRITABLE"),
    "ID_FILTERED": (0, 2, "FILTERED"),
    "AA32_ID_WRITABLE": (0, None, "AA32"),
    "IMPLEMENTATION_ID": (0, 1, "IMP_ID"),
    "ID_SANITISED": (0, None, "SANITISED"),
    "ID_HIDDEN": (0, None, "HIDDEN"),
}
_FIXED_MASK = {"AA32": (1 << 32) - 1, "SANITISED": 0, "HIDDEN": 0}


@dataclass
class Declared:
    name: str
    enc: tuple
    kind: str          # WRITABLE, FILTERED, AA32, IMP_ID, OTHER
    mask: int
    setter: str        # the userspace setter, for messages
    where: str


def mask_macros(regs):
    """REG_FIELD, REG_FIELD_MASK and REG_RES0/RES1/UNKN, as the kernel's
    generated sysreg header defines them, for every register of @regs."""
    macros = {}
    for reg in regs.values():
        resx = {"RES0": 0, "RES1": 0, "UNKN": 0}
        for f in reg.fields:
            mask = ((1 << f.width) - 1) << f.lsb
            if f.kind in resx:
                resx[f.kind] |= mask
            elif f.kind != "RAZ":
                macros[f"{reg.name}_{f.name}"] = mask
                macros[f"{reg.name}_{f.name}_MASK"] = mask
        for k, v in resx.items():
            macros[f"{reg.name}_{k}"] = v
    return macros


class _Expr:
    """A recursive-descent reader of the mask expressions: ~ & | ( ),
    numbers, macros, GENMASK[_ULL](h, l), BIT[_ULL](n), UL()/ULL(),
    ARM64_FEATURE_MASK(field) (6.12)."""

    _TOKEN = re.compile(r"\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*|\s*([A-Za-z_]\w*)|\s*([~&|(),])")

    def __init__(self, text, macros, where):
        self.toks, self.macros, self.where = [], macros, where
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = self._TOKEN.match(text, pos)
            if not m:
                raise GenError(where, f"cannot read mask expression '{text}'")
            self.toks.append(m.group(1) or m.group(2) or m.group(3))
            pos = m.end()
        self.i = 0

    def _peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else None

    def _take(self, want=None):
        tok = self._peek()
        if tok is None or (want and tok != want):
            raise GenError(self.where, f"mask expression: expected {want or 'more'}, "
                                       f"found {tok}")
        self.i += 1
        return tok

    def value(self):
        v = self._or()
        if self._peek() is not None:
            raise GenError(self.where, f"mask expression: unexpected '{self._peek()}'")
        return v & MASK64

    def _or(self):
        v = self._and()
        while self._peek() == "|":
            self._take()
            v |= self._and()
        return v

    def _and(self):
        v = self._unary()
        while self._peek() == "&":
            self._take()
            v &= self._unary()
        return v

    def _unary(self):
        if self._peek() == "~":
            self._take()
            return ~self._unary() & MASK64
        return self._atom()

    def _args(self):
        self._take("(")
        args = [self._or()]
        while self._peek() == ",":
            self._take()
            args.append(self._or())
        self._take(")")
        return args

    def _atom(self):
        tok = self._take()
        if tok == "(":
            v = self._or()
            self._take(")")
            return v
        if tok[0].isdigit():
            return int(tok, 0)
        if tok in ("GENMASK", "GENMASK_ULL"):
            hi, lo = self._args()
            return ((1 << (hi - lo + 1)) - 1) << lo
        if tok in ("BIT", "BIT_ULL"):
            return 1 << self._args()[0]
        if tok in ("UL", "ULL"):
            return self._args()[0]
        if tok == "ARM64_FEATURE_MASK":
            # sysreg.h: GENMASK_ULL(x##_SHIFT + 3, x##_SHIFT), x a field
            field = self._args()[0]
            if not field:
                raise GenError(self.where, "ARM64_FEATURE_MASK() of an empty field")
            return 0xf << ((field & -field).bit_length() - 1)
        if tok in self.macros:
            return self.macros[tok]
        raise GenError(self.where, f"mask expression: unknown macro '{tok}' "
                                   f"(not defined by this kernel's sysreg file)")


def _descs_array(text, path):
    m = re.search(r"static\s+const\s+struct\s+sys_reg_desc\s+sys_reg_descs\s*\[\s*\]\s*=\s*\{",
                  text)
    if not m:
        raise GenError(path, "no sys_reg_descs[] array")
    end = _closing(text, m.end(), "{", "}")
    if end < 0:
        raise GenError(path, "sys_reg_descs[] is not closed")
    return m.end(), end


def _entries(text, start, end):
    """(offset of its first character, entry text) of the array's
    top-level entries."""
    depth, cur, at = 0, "", None
    for i in range(start, end):
        ch = text[i]
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        if ch == "," and depth == 0:
            if at is not None:
                yield at, cur.strip()
            cur, at = "", None
            continue
        if at is None and not ch.isspace():
            at = i
        cur += ch
    if at is not None:
        yield at, cur.strip()


def _designated(body, key):
    """The value of '.key = VALUE' in a braced descriptor, or None."""
    for arg in _split_args(body):
        m = re.fullmatch(rf"\.{key}\s*=\s*(.*)", arg, flags=re.S)
        if m:
            return m.group(1).strip()
    return None


def _entry(entry, macros, encs, where):
    """A Declared for one descriptor, or None when it declares nothing
    writable for userspace in the feature ID space."""
    m = re.fullmatch(r"(\w+)\s*\((.*)\)", entry, flags=re.S)
    if m and m.group(1) in _MACROS:
        name_arg, mask_arg, kind = _MACROS[m.group(1)]
        args = _split_args(m.group(2))
        name = args[name_arg]
        mask = (_FIXED_MASK[kind] if mask_arg is None
                else _Expr(args[mask_arg], macros, where).value())
        setter = f"set_{args[1]}" if kind == "FILTERED" else (
            "set_imp_id_reg" if kind == "IMP_ID" else "set_id_reg")
    elif entry.startswith("{"):
        body = entry[1:-1]
        dm = re.match(r"\s*SYS_DESC\s*\(\s*SYS_(\w+)\s*\)", body)
        setter = _designated(body, "set_user")
        val = _designated(body, "val")
        if not dm or not setter:
            return None
        name, kind = dm.group(1), "OTHER"
        mask = _Expr(val, macros, where).value() if val else 0
    else:
        return None
    if name not in encs or not in_id_space(encs[name]) or not mask:
        return None
    return Declared(name, encs[name], kind, mask, setter, where)


def parse_declared(path, regs, text=None, name=None):
    """The declared writable masks of sys_regs.c at @path, as a list of
    Declared in array order.  @regs: {name: Register} of the same kernel
    (its sysreg file, with the supplement), for macros and encodings.
    @name: how to call the file in messages and .where (default: @path)."""
    if text is None:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    text = _blank_comments(text)
    start, end = _descs_array(text, path)
    macros = mask_macros(regs)
    encs = {r.name: r.enc for r in regs.values()}
    out = []
    for at, entry in _entries(text, start, end):
        where = f"{name or path}:{text.count(chr(10), 0, at) + 1}"
        d = _entry(entry, macros, encs, where)
        if d:
            out.append(d)
    return out
