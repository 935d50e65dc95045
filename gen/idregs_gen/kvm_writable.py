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

from .csource import blank_comments, designated, entries, find_array, mask_value, split_args
from .model import GenError, in_id_space

SYS_REGS_REL = os.path.join("arch", "arm64", "kvm", "sys_regs.c")

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


def descs_array(text, where):
    """(start, end) of the body of sys_regs.c's sys_reg_descs[]."""
    return find_array(text, "sys_reg_desc", "sys_reg_descs", where)


def _entry(entry, macros, encs, where):
    """A Declared for one descriptor, or None when it declares nothing
    writable for userspace in the feature ID space."""
    m = re.fullmatch(r"(\w+)\s*\((.*)\)", entry, flags=re.S)
    if m and m.group(1) in _MACROS:
        name_arg, mask_arg, kind = _MACROS[m.group(1)]
        args = split_args(m.group(2))
        name = args[name_arg]
        mask = (_FIXED_MASK[kind] if mask_arg is None
                else mask_value(args[mask_arg], macros, where))
        setter = f"set_{args[1]}" if kind == "FILTERED" else (
            "set_imp_id_reg" if kind == "IMP_ID" else "set_id_reg")
    elif entry.startswith("{"):
        body = entry[1:-1]
        dm = re.match(r"\s*SYS_DESC\s*\(\s*SYS_(\w+)\s*\)", body)
        setter = designated(body, "set_user")
        val = designated(body, "val")
        if not dm or not setter:
            return None
        name, kind = dm.group(1), "OTHER"
        mask = mask_value(val, macros, where) if val else 0
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
    text = blank_comments(text)
    start, end = descs_array(text, path)
    macros = mask_macros(regs)
    encs = {r.name: r.enc for r in regs.values()}
    out = []
    for at, entry in entries(text, start, end):
        where = f"{name or path}:{text.count(chr(10), 0, at) + 1}"
        d = _entry(entry, macros, encs, where)
        if d:
            out.append(d)
    return out
