"""Reader for the kernel's arch/arm64/tools/sysreg (and gen/supplement.txt,
which uses the same syntax).

The grammar is the one gen-sysreg.awk accepts: fields are listed from bit 63
down, each starting right below the previous one, so a gap or an overlap is
an error at the line that causes it.  Prefix blocks describe an alternative
layout selected by a feature; the table holds the default layout only, so
prefixed fields are checked and then dropped.
"""
import re

from .model import (Field, EnumValue, GenError, Register, SRC_SYSREG,
                    check_layout, in_id_space, reserved_name)

_KIND_OF_KEYWORD = {
    "Field": "PLAIN", "Enum": "ENUM", "UnsignedEnum": "UNSIGNED_ENUM",
    "SignedEnum": "SIGNED_ENUM", "Res0": "RES0", "Res1": "RES1",
    "Raz": "RAZ", "Unkn": "UNKN",
}
_ENUM_KEYWORDS = {"Enum", "UnsignedEnum", "SignedEnum"}
_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class _Block:
    """A Sysreg, SysregFields or Prefix block being read."""

    def __init__(self, kind, name, where, enc=None):
        self.kind = kind
        self.name = name
        self.where = where
        self.enc = enc
        self.fields = []
        self.next_bit = 63
        self.indirect = None      # (keyword, target, where) for Fields/Mapping


def _parse_bits(text, where, block, what):
    m = re.fullmatch(r"(\d+)(?::(\d+))?", text)
    if not m:
        raise GenError(where, f"invalid bit range '{text}'")
    msb = int(m.group(1))
    lsb = int(m.group(2)) if m.group(2) is not None else msb
    if msb > 63 or lsb > 63:
        raise GenError(where, f"{block.name}.{what}: bits {text} outside 0..63")
    if msb < lsb:
        raise GenError(where, f"{block.name}.{what}: bit range {text} is reversed")
    if block.indirect:
        raise GenError(where, f"{block.name}: fields after '{block.indirect[0]}'")
    if msb > block.next_bit:
        raise GenError(where, f"{block.name}.{what}: bits {text} overlap the "
                              f"previous field (next free bit is {block.next_bit})")
    if msb < block.next_bit:
        raise GenError(where, f"{block.name}.{what}: bits {block.next_bit}:{msb + 1} "
                              f"are not described")
    block.next_bit = lsb - 1
    return msb, lsb


class _Reader:
    """The state of one file being read, and one handler per keyword.

    A handler takes the line's words and its location; it raises the
    'unexpected' error itself when the keyword does not belong where it
    is (an Enum's values are read by _enum_line until its EndEnum)."""

    def __init__(self, path, source, notes):
        self.path, self.source, self.notes = path, source, notes
        self.regs = {}
        self.field_sets = {}        # SysregFields name -> list of Field
        self.stack = []             # open blocks; an Enum is a Field on top
        self.enum_field = None
        self.handlers = {
            "Sysreg": self._sysreg,
            "SysregFields": self._sysreg_fields,
            "Prefix": self._prefix,
            "EndSysreg": self._end,
            "EndSysregFields": self._end,
            "EndPrefix": self._end,
            "Fields": self._indirect,
            "Mapping": self._indirect,
        }
        for kw in _KIND_OF_KEYWORD:
            self.handlers[kw] = self._field

    @property
    def block(self):
        return self.stack[-1] if self.stack else None

    @staticmethod
    def _expect(words, n, where):
        if len(words) != n:
            raise GenError(where, f"'{words[0]}' takes {n - 1} argument(s), "
                                  f"got {len(words) - 1}")

    def _unexpected(self, kw, where):
        context = self.block.kind if self.block else "top level"
        raise GenError(where, f"unexpected '{kw}' at {context}")

    def line(self, words, where):
        if self.enum_field is not None:
            self._enum_line(words, where)
            return
        handler = self.handlers.get(words[0])
        if handler is None:
            self._unexpected(words[0], where)
        handler(words, where)

    def _enum_line(self, words, where):
        kw, block, f = words[0], self.block, self.enum_field
        if kw == "EndEnum":
            self._expect(words, 1, where)
            self.enum_field = None
            return
        m = re.fullmatch(r"0b([01]+)", kw)
        if not m:
            raise GenError(where, f"expected '0bVALUE NAME' or 'EndEnum' "
                                  f"in {block.name}.{f.name}")
        self._expect(words, 2, where)
        value = int(m.group(1), 2)
        # Leading zeros beyond the field width occur in the kernel's
        # file; only the value has to fit.
        if value >> f.width:
            raise GenError(where, f"{kw} does not fit {block.name}."
                                  f"{f.name} ({f.width} bits)")
        if any(v.value == value for v in f.values):
            # 6.12's file has one (ID_PFR1_EL1.Security) and its awk
            # accepted it; keep both names, as the source does.
            self.notes.append(f"{where}: duplicate value {kw} in "
                              f"{block.name}.{f.name}")
        f.values.append(EnumValue(value, words[1]))

    def _sysreg(self, words, where):
        if self.block is not None:
            self._unexpected(words[0], where)
        self._expect(words, 7, where)
        try:
            enc = tuple(int(w) for w in words[2:7])
        except ValueError:
            raise GenError(where, f"encoding of {words[1]} is not numeric")
        if words[1] in self.regs:
            raise GenError(where, f"duplicate Sysreg {words[1]}")
        self.stack.append(_Block("Sysreg", words[1], where, enc))

    def _sysreg_fields(self, words, where):
        if self.block is not None:
            self._unexpected(words[0], where)
        self._expect(words, 2, where)
        if words[1] in self.field_sets:
            raise GenError(where, f"duplicate SysregFields {words[1]}")
        self.stack.append(_Block("SysregFields", words[1], where))

    def _prefix(self, words, where):
        block = self.block
        if block is None or block.kind == "Prefix":
            self._unexpected(words[0], where)
        self._expect(words, 2, where)
        self.stack.append(_Block("Prefix", f"{block.name}[{words[1]}]", where))

    def _end(self, words, where):
        block = self.block
        if block is None or words[0] != "End" + block.kind:
            self._unexpected(words[0], where)
        self._expect(words, 1, where)
        if block.indirect is None and block.next_bit >= 0:
            raise GenError(where, f"{block.name}: bits {block.next_bit}:0 "
                                  f"are not described")
        self.stack.pop()
        if block.kind == "Sysreg":
            reg = Register(block.name, block.enc, self.source, block.fields,
                           where=block.where)
            reg.indirect = block.indirect
            self.regs[block.name] = reg
        elif block.kind == "SysregFields":
            self.field_sets[block.name] = block.fields

    def _indirect(self, words, where):
        """Fields NAME or Mapping NAME: the layout is another's."""
        block = self.block
        if block is None or block.kind != "Sysreg":
            self._unexpected(words[0], where)
        self._expect(words, 2, where)
        if block.next_bit != 63:
            raise GenError(where, f"{block.name}: '{words[0]}' after fields")
        block.indirect = (words[0], words[1], where)

    def _field(self, words, where):
        kw, block = words[0], self.block
        if block is None:
            self._unexpected(kw, where)
        kind = _KIND_OF_KEYWORD[kw]
        if kind in ("RES0", "RES1", "RAZ", "UNKN"):
            self._expect(words, 2, where)
            msb, lsb = _parse_bits(words[1], where, block, kw)
            name = reserved_name(kind, msb, lsb)
        else:
            self._expect(words, 3, where)
            name = words[2]
            if not _NAME_RE.match(name):
                raise GenError(where, f"invalid field name '{name}'")
            msb, lsb = _parse_bits(words[1], where, block, name)
            if any(f.name == name for f in block.fields):
                raise GenError(where, f"duplicate field {block.name}.{name}")
        f = Field(name, lsb, msb - lsb + 1, kind,
                  is_signed=(kind == "SIGNED_ENUM"), source=self.source,
                  where=where)
        block.fields.append(f)
        if kw in _ENUM_KEYWORDS:
            self.enum_field = f

    def finish(self, where):
        """The registers, once the file has been read to @where."""
        if self.enum_field is not None:
            raise GenError(where, f"missing EndEnum for {self.enum_field.name}")
        if self.stack:
            raise GenError(self.stack[-1].where, f"missing End{self.stack[-1].kind} for "
                                                 f"{self.stack[-1].name}")
        for reg in self.regs.values():
            try:
                _resolve_indirect(reg, self.regs, self.field_sets)
            except GenError as e:
                # The kernel's own file has such dangling references (it
                # only emits a comment for them); they matter only if we
                # use the register, so id_space() raises them then.
                reg.problem = e
            check_layout(reg, reg.where)
            reg.sort_fields()
        return self.regs


def parse_sysreg(path, text=None, source=SRC_SYSREG, notes=None):
    """Return {name: Register} for every Sysreg block, in file order.

    Oddities the kernel tolerates are appended to notes, not raised.
    """
    if notes is None:
        notes = []
    if text is None:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    reader = _Reader(path, source, notes)
    lineno = 0
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line and not line.startswith("#"):
            reader.line(line.split(), f"{path}:{lineno}")
    return reader.finish(f"{path}:{lineno}")


def id_space(regs):
    """The registers of the feature ID space, by encoding."""
    chosen = [r for r in regs.values() if in_id_space(r.enc)]
    for r in chosen:
        if getattr(r, "problem", None):
            raise r.problem
    return sorted(chosen, key=lambda r: r.enc)


def _resolve_indirect(reg, regs, field_sets):
    ind = reg.__dict__.pop("indirect", None)
    if ind is None:
        return
    kw, target, where = ind
    if kw == "Fields" and target in field_sets:
        template = field_sets[target]
    elif kw == "Mapping" and target in regs:
        # A Mapping names the register this one is an alias of (e.g. an
        # _EL12 view); it has the same layout.
        _resolve_indirect(regs[target], regs, field_sets)
        template = regs[target].fields
    else:
        raise GenError(where, f"{reg.name}: '{kw} {target}' names nothing known")
    reg.fields = [Field(f.name, f.lsb, f.width, f.kind, f.is_signed, f.source,
                        [EnumValue(v.value, v.name) for v in f.values],
                        where=f.where)
                  for f in template]
