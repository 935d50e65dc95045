"""Reader for the arm64_ftr_bits tables of arch/arm64/kernel/cpufeature.c.

Only the constructs the kernel uses for these tables are understood; any
argument that is not a number or a macro the sysreg file defines is an
error, so a new construct in a future kernel cannot be skipped silently.
"""
import re

from .csource import blank_comments, closing, split_args
from .model import FtrBits, GenError, Policy, SRC_CPUFEATURE

_TABLE_RE = re.compile(
    r"\bstruct\s+arm64_ftr_bits\s+(\w+)\s*\[\s*\]\s*=\s*\{")
_REG_STRUCT_RE = re.compile(
    r"\bstruct\s+arm64_ftr_reg\s+(\w+)\s*=\s*\{")
_ENTRY_RE = re.compile(r"\b(S_)?ARM64_FTR_BITS\s*\(|\bARM64_FTR_END\b")
_MAP_RE = re.compile(
    r"\bARM64_FTR_REG(?:_OVERRIDE)?\s*\(\s*SYS_(\w+)\s*,\s*(\w+)\s*[,)]"
    r"|\{\s*SYS_(\w+)\s*,\s*&(\w+)\s*\}")

_VISIBLE = {"FTR_VISIBLE": True, "FTR_HIDDEN": False}
_STRICT = {"FTR_STRICT": True, "FTR_NONSTRICT": False}
_TYPES = {"FTR_EXACT": "EXACT", "FTR_LOWER_SAFE": "LOWER_SAFE",
          "FTR_HIGHER_SAFE": "HIGHER_SAFE",
          "FTR_HIGHER_OR_ZERO_SAFE": "HIGHER_OR_ZERO_SAFE"}


def sysreg_macros(regs):
    """The macros gen-sysreg.awk would define that tables refer to."""
    macros = {}
    for reg in regs.values():
        for f in reg.fields:
            base = f"{reg.name}_{f.name}"
            macros[base + "_SHIFT"] = f.lsb
            macros[base + "_WIDTH"] = f.width
            for v in f.values:
                if v.name:
                    macros.setdefault(f"{base}_{v.name}", v.value)
    return macros


class _Resolver:
    def __init__(self, path, text, macros):
        self.path, self.text, self.macros = path, text, macros

    def where(self, offset):
        return f"{self.path}:{self.text.count(chr(10), 0, offset) + 1}"

    def number(self, arg, offset, what):
        arg = arg.strip()
        m = re.fullmatch(r"(0[xX][0-9a-fA-F]+|\d+)[uUlL]*", arg)
        if m:
            return int(m.group(1), 0)
        if arg in self.macros:
            return self.macros[arg]
        raise GenError(self.where(offset),
                       f"cannot resolve {what} '{arg}' (not a number or a "
                       f"sysreg-defined macro)")

    def choice(self, arg, table, offset, what):
        arg = " ".join(arg.split())
        if arg in table:
            return table[arg]
        # FTR_VISIBLE_IF_IS_ENABLED(CONFIG_X) depends on the kernel config;
        # distribution kernels enable all of those options, so take visible.
        if table is _VISIBLE and re.fullmatch(
                r"FTR_VISIBLE_IF_IS_ENABLED\s*\(\s*CONFIG_\w+\s*\)", arg):
            return True
        raise GenError(self.where(offset), f"unknown {what} '{arg}'")


def parse_cpufeature(path, macros, text=None):
    """Return ({table: [FtrBits]}, {register: table})."""
    if text is None:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    text = blank_comments(text)
    res = _Resolver(path, text, macros)

    tables = {}
    for m in _TABLE_RE.finditer(text):
        end = closing(text, m.end(), "{", "}")
        if end < 0:
            raise GenError(res.where(m.start()), f"unterminated table {m.group(1)}")
        tables[m.group(1)] = _parse_table(res, m.end(), end, m.group(1))

    # struct arm64_ftr_reg NAME = { .ftr_bits = TABLE, ... } (CTR_EL0's way)
    reg_structs = {}
    for m in _REG_STRUCT_RE.finditer(text):
        end = closing(text, m.end(), "{", "}")
        body = text[m.end():end]
        t = re.search(r"\.ftr_bits\s*=\s*&?\s*(\w+)", body)
        if t:
            reg_structs[m.group(1)] = t.group(1)

    reg_map = {}
    for m in _MAP_RE.finditer(text):
        if m.group(1):
            reg, table = m.group(1), m.group(2)
        else:
            reg, struct = m.group(3), m.group(4)
            if struct not in reg_structs:
                raise GenError(res.where(m.start()),
                               f"SYS_{reg}: unknown arm64_ftr_reg '{struct}'")
            table = reg_structs[struct]
        if table not in tables:
            raise GenError(res.where(m.start()),
                           f"SYS_{reg}: unknown ftr_bits table '{table}'")
        if reg in reg_map:
            raise GenError(res.where(m.start()), f"SYS_{reg} mapped twice")
        reg_map[reg] = table
    if not reg_map:
        raise GenError(path, "no ARM64_FTR_REG entries found")
    return tables, reg_map


def _parse_table(res, start, end, name):
    entries = []
    pos = start
    while True:
        m = _ENTRY_RE.search(res.text, pos, end)
        if not m:
            raise GenError(res.where(start), f"{name}: no ARM64_FTR_END")
        if m.group(0) == "ARM64_FTR_END":
            return entries
        close = closing(res.text, m.end(), "(", ")")
        args = split_args(res.text[m.end():close])
        at = m.start()
        if len(args) != 6:
            raise GenError(res.where(at), f"{name}: ARM64_FTR_BITS takes 6 "
                                          f"arguments, got {len(args)}")
        visible, strict, ftype, shift, width, safe = args
        lsb = res.number(shift, at, "shift")
        nbits = res.number(width, at, "width")
        if nbits < 1 or lsb + nbits > 64:
            raise GenError(res.where(at), f"{name}: bits {lsb}+{nbits} "
                                          f"outside 0..63")
        policy = Policy(
            type=res.choice(ftype, _TYPES, at, "ftr type"),
            is_signed=bool(m.group(1)),
            visible=res.choice(visible, _VISIBLE, at, "visibility"),
            strict=res.choice(strict, _STRICT, at, "strictness"),
            safe_val=res.number(safe, at, "safe value") & ((1 << nbits) - 1),
            source=SRC_CPUFEATURE)
        entries.append(FtrBits(lsb, nbits, policy, res.where(at)))
        pos = close + 1
