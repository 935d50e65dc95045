"""Reader for gen/arm_fields.tsv: Arm's names and bit positions of the
named fields of the ID registers (register, field, msb, lsb per line).

It stands in for Registers.json when none is given: no encodings, no
reserved ranges, no values, only what QEMU's property names need.
"""
import re

from .model import (Field, GenError, Register, SRC_AARCHMRS, check_layout,
                    data_lines)

_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _line_field(words, where):
    if len(words) != 4:
        raise GenError(where, "expected 'REGISTER FIELD MSB LSB' (tab separated)")
    reg, name, msb, lsb = words
    for what, text in (("register", reg), ("field", name)):
        if not _NAME_RE.match(text):
            raise GenError(where, f"invalid {what} name '{text}'")
    if not (msb.isdigit() and lsb.isdigit()):
        raise GenError(where, f"{reg}.{name}: bits '{msb}' '{lsb}' are not numbers")
    msb, lsb = int(msb), int(lsb)
    if msb < lsb:
        raise GenError(where, f"{reg}.{name}: bit range {msb}:{lsb} is reversed")
    return reg, Field(name, lsb, msb - lsb + 1, "PLAIN", None, SRC_AARCHMRS,
                      where=where)


def load_arm_fields(path, text=None):
    """Return {name: Register} with enc None and only named fields."""
    regs = {}
    for where, line in data_lines(path, text):
        name, f = _line_field(line.split("\t"), where)
        reg = regs.setdefault(name, Register(name, None, SRC_AARCHMRS,
                                             where=where))
        if reg.field(f.name):
            raise GenError(where, f"duplicate field {name}.{f.name}")
        reg.fields.append(f)
    for reg in regs.values():
        check_layout(reg, reg.where)
        reg.sort_fields()
    return regs
