"""Which ID registers KVM_GET_REG_LIST holds: the descriptors of the feature
ID space in a kernel's arch/arm64/kvm/sys_regs.c.

walk_one_sys_reg() lists a descriptor of sys_reg_descs[] when it has a
.reg (KVM keeps the value) or a .get_user (a userspace accessor), unless its
.visibility says REG_HIDDEN for the vCPU; id_to_sys_reg_desc() applies the
same rule to KVM_GET/SET_ONE_REG.  The ID register macros (ID_SANITISED,
ID_WRITABLE, ID_UNALLOCATED, ...) are expanded from the file's own
#defines, so a macro that changes between series is read as that series
wrote it, and a visibility function is read for whether it can answer
REG_HIDDEN at all (raz_visibility, aa32_id_visibility and id_visibility
cannot: the slot is listed for every vCPU configuration).  This lets a test
hold the list to the source instead of to a list written by hand.
"""
import re
from dataclasses import dataclass

from .csource import blank_comments, closing, designated, entries, split_args
from .kvm_writable import descs_array
from .model import GenError, in_id_space


@dataclass
class Listed:
    name: str          # the register, or "S3_0_0_3_3" for ID_UNALLOCATED
    enc: tuple
    listed: bool       # has .reg or .get_user
    visibility: str    # the .visibility function, "" for none
    may_hide: bool     # the function can answer REG_HIDDEN
    where: str


def _defines(text):
    """{name: (params or None, body)} of the file's #defines, continuation
    lines joined."""
    out = {}
    for m in re.finditer(r"^#define[ \t]+(\w+)(\(([^)]*)\))?((?:[^\n]*\\\n)*[^\n]*)",
                         text, flags=re.M):
        params = [p.strip() for p in m.group(3).split(",")] if m.group(2) else None
        out[m.group(1)] = (params, m.group(4).replace("\\\n", " "))
    return out


def _substitute(body, params, args):
    for p, a in zip(params, args):
        body = re.sub(rf"(?<![\w#])#\s*{p}\b", f'"{a}"', body)
        body = re.sub(rf"\b{p}\b", a, body)
    return re.sub(r"\s*##\s*", "", body)


def expand(text, defines, depth=0):
    """@text with the function-like and object-like macros of @defines
    that build descriptors expanded (ID_DESC, SYS_DESC is kept)."""
    if depth > 8:
        raise GenError("sys_regs.c", f"macro expansion too deep: {text[:60]}")
    out, i = "", 0
    for m in re.finditer(r"\b(\w+)\b", text):
        name = m.group(1)
        if m.start() < i or name not in defines or name == "SYS_DESC":
            continue
        params, body = defines[name]
        if params is None:
            if not re.search(r"\.\w+\s*=", body):
                continue        # a constant, not part of an initializer
            out += text[i:m.start()] + expand(body, defines, depth + 1)
            i = m.end()
            continue
        at = m.end()
        while at < len(text) and text[at].isspace():
            at += 1
        if at >= len(text) or text[at] != "(":
            continue
        end = closing(text, at + 1, "(", ")")
        if end < 0:
            continue
        args = split_args(text[at + 1:end])
        out += text[i:m.start()] + expand(_substitute(body, params, args), defines, depth + 1)
        i = end + 1
    return out + text[i:]


def _field(body, key):
    """The last '.key = VALUE' of a brace body (a later designator wins)."""
    last = None
    for arg in split_args(body):
        m = re.fullmatch(rf"\.{key}\s*=\s*(.*)", arg.strip(), flags=re.S)
        if m:
            last = m.group(1).strip()
    return last


def _encoding(body, encs):
    """(name, encoding) of a descriptor body: SYS_DESC(SYS_X) or the
    Op0()..Op2() form ID_UNALLOCATED uses; (None, None) if neither."""
    m = re.search(r"SYS_DESC\s*\(\s*SYS_(\w+)\s*\)", body)
    if m:
        return m.group(1), encs.get(m.group(1))
    ops = {}
    for k in ("Op0", "Op1", "CRn", "CRm", "Op2"):
        om = re.search(rf"\b{k}\s*\(\s*(\d+)\s*\)", body)
        if not om:
            return None, None
        ops[k] = int(om.group(1))
    enc = (ops["Op0"], ops["Op1"], ops["CRn"], ops["CRm"], ops["Op2"])
    name = _field(body, "name")
    name = "".join(re.findall(r'"([^"]*)"', name)) if name else "S{}_{}_{}_{}_{}".format(*enc)
    return name, enc


def _positional(body):
    """The positional initializers after SYS_DESC(): access, reset, reg, val."""
    args = [a.strip() for a in split_args(body)]
    pos = [a for a in args if not a.startswith(".")]
    return pos[1:] if pos and pos[0].startswith("SYS_DESC") else pos


def can_hide(text, func):
    """Can visibility function @func of sys_regs.c answer REG_HIDDEN?  True
    when its body names REG_HIDDEN, or when it is not found (unknown: a
    test must then accept either answer)."""
    m = re.search(rf"\bstatic\s+unsigned\s+int\s+{func}\s*\([^)]*\)\s*\{{", text)
    if not m:
        return True
    end = closing(text, m.end(), "{", "}")
    return end < 0 or "REG_HIDDEN" in text[m.end():end]


def descriptor(entry, defines, encs, text, where):
    """A Listed for one entry of sys_reg_descs[] in the feature ID space,
    else None."""
    body = expand(entry, defines).strip()
    if not body.startswith("{"):
        return None
    body = body[1:body.rindex("}")] if "}" in body else body[1:]
    name, enc = _encoding(body, encs)
    if not enc or not in_id_space(enc):
        return None
    pos = _positional(body)
    reg = _field(body, "reg") or (pos[2] if len(pos) > 2 else None)
    get_user = _field(body, "get_user")
    listed = bool((reg and reg not in ("0", "NULL")) or
                  (get_user and get_user not in ("0", "NULL")))
    vis = _field(body, "visibility") or ""
    return Listed(name, enc, listed, vis, bool(vis) and can_hide(text, vis), where)


def _all_entries(text, start, end):
    """(offset, entry, invariant) of sys_reg_descs[], then of
    invariant_sys_regs[] where the series has one (MIDR_EL1, REVIDR_EL1
    and AIDR_EL1 before they became writable)."""
    for at, entry in entries(text, start, end):
        yield at, entry, False
    m = re.search(r"static\s+(?:const\s+)?struct\s+sys_reg_desc\s+invariant_sys_regs"
                  r"\s*\[\s*\]\s*(?:__\w+\s*)*=\s*\{", text)
    if not m:
        return
    close = closing(text, m.end(), "{", "}")
    for at, entry in entries(text, m.end(), close):
        yield at, entry, True


def parse_reglist(path, regs, text=None, name=None):
    """The feature ID space descriptors of sys_regs.c at @path, in array
    order.  @regs: {name: Register} of the same kernel, for encodings."""
    if text is None:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    text = blank_comments(text)
    defines = _defines(text)
    encs = {r.name: r.enc for r in regs.values()}
    start, end = descs_array(text, path)
    out, seen = [], {}
    for at, entry, invariant in _all_entries(text, start, end):
        where = f"{name or path}:{text.count(chr(10), 0, at) + 1}"
        d = descriptor(entry, defines, encs, text, where)
        if not d:
            continue
        if invariant:
            # Before 6.15: kvm_arm_copy_sys_reg_indices() lists every one.
            d.listed, d.visibility, d.may_hide = True, "", False
        if d.enc in seen:
            raise GenError(where, f"{d.name}: a second descriptor for the encoding "
                           f"of {seen[d.enc]}")
        seen[d.enc] = d.name
        out.append(d)
    return out
