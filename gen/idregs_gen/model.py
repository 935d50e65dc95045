"""The in-memory shape shared by the readers, the emitter and compare mode.

It mirrors lib/include/idregs/table.h so that the emitter is a plain dump.
"""
from dataclasses import dataclass, field as dc_field
from typing import Dict, List, Optional

# enum idreg_source
SRC_SYSREG = 1 << 0
SRC_AARCHMRS = 1 << 1
SRC_CPUFEATURE = 1 << 2
SRC_SUPPLEMENT = 1 << 3
SRC_KVM_OVERRIDE = 1 << 4
SOURCE_NAMES = [
    (SRC_SYSREG, "IDREG_SRC_SYSREG"),
    (SRC_AARCHMRS, "IDREG_SRC_AARCHMRS"),
    (SRC_CPUFEATURE, "IDREG_SRC_CPUFEATURE"),
    (SRC_SUPPLEMENT, "IDREG_SRC_SUPPLEMENT"),
    (SRC_KVM_OVERRIDE, "IDREG_SRC_KVM_OVERRIDE"),
]

# enum idreg_field_kind, spelled as in the sysreg file where it has a keyword
KINDS = ["PLAIN", "ENUM", "UNSIGNED_ENUM", "SIGNED_ENUM",
         "RES0", "RES1", "RAZ", "UNKN"]
RESERVED_KINDS = {"RES0", "RES1", "RAZ", "UNKN"}
ENUM_KINDS = {"ENUM", "UNSIGNED_ENUM", "SIGNED_ENUM"}

# enum idreg_policy_type; the keys are cpufeature.c's spelling without FTR_
POLICY_TYPES = ["NONE", "EXACT", "LOWER_SAFE", "HIGHER_SAFE",
                "HIGHER_OR_ZERO_SAFE"]

# The feature ID space (see IDREG_NR_SLOTS in table.h).
ID_SPACE_OP1 = (0, 1, 3)


def in_id_space(enc):
    op0, op1, crn, crm, op2 = enc
    return (op0 == 3 and op1 in ID_SPACE_OP1 and crn == 0
            and 0 <= crm <= 7 and 0 <= op2 <= 7)


class GenError(Exception):
    """An input problem, reported as 'where: reason' and a non-zero exit."""

    def __init__(self, where, reason):
        super().__init__(f"{where}: {reason}")
        self.where = where
        self.reason = reason


@dataclass
class EnumValue:
    value: int
    name: Optional[str]          # Registers.json values have no short name
    meaning: Optional[str] = None


@dataclass
class Policy:
    type: str = "NONE"
    is_signed: bool = False
    visible: bool = False
    strict: bool = False
    safe_val: int = 0
    source: int = 0
    override_reason: Optional[str] = None


@dataclass
class FtrBits:
    lsb: int
    width: int
    policy: Policy
    where: str = ""              # file:line of the ARM64_FTR_BITS entry


@dataclass
class Field:
    name: str                    # Arm's spelling where Arm names the field
    lsb: int
    width: int
    kind: str = "PLAIN"
    is_signed: Optional[bool] = False   # None: the source does not say
    source: int = 0
    values: List[EnumValue] = dc_field(default_factory=list)
    policy: Policy = dc_field(default_factory=Policy)
    where: str = ""
    kernel_name: Optional[str] = None   # the sysreg file's, when it differs

    @property
    def names(self):
        return [self.name] + ([self.kernel_name] if self.kernel_name else [])

    @property
    def msb(self):
        return self.lsb + self.width - 1

    @property
    def bounds(self):
        return f"{self.msb}:{self.lsb}"


@dataclass
class Alias:
    """A sysreg name for bits the table splits into several Arm fields."""
    name: str
    lsb: int
    width: int

    @property
    def bounds(self):
        return f"{self.lsb + self.width - 1}:{self.lsb}"


@dataclass
class Register:
    name: str
    enc: tuple                   # (op0, op1, CRn, CRm, op2)
    source: int = 0
    fields: List[Field] = dc_field(default_factory=list)
    has_ftr_reg: bool = False
    ftr_bits: List[FtrBits] = dc_field(default_factory=list)
    where: str = ""
    aliases: List[Alias] = dc_field(default_factory=list)

    def field(self, name):
        """The field spelt @name in either source."""
        for f in self.fields:
            if name in f.names:
                return f
        return None

    def sort_fields(self):
        self.fields.sort(key=lambda f: -f.lsb)


def data_lines(path, text=None):
    """The lines of a hand-written or tabular input that say something:
    (path:line, stripped line), blank lines and # comments skipped."""
    if text is None:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line and not line.startswith("#"):
            yield f"{path}:{lineno}", line


def reserved_name(kind, msb, lsb):
    # Reserved ranges have no name in any source; this one is unique per
    # register, which keeps lookups and generated symbols unambiguous.
    return f"{kind}_{msb}_{lsb}"


def check_layout(reg: Register, where: str):
    """Fields must lie in 0..63 and must not overlap."""
    owner: Dict[int, Field] = {}
    for f in reg.fields:
        if f.width < 1 or f.lsb < 0 or f.msb > 63:
            raise GenError(f.where or where,
                           f"{reg.name}.{f.name}: bits {f.bounds} outside 0..63")
        for bit in range(f.lsb, f.msb + 1):
            if bit in owner:
                raise GenError(f.where or where,
                               f"{reg.name}.{f.name} ({f.bounds}) overlaps "
                               f"{owner[bit].name} ({owner[bit].bounds})")
            owner[bit] = f
