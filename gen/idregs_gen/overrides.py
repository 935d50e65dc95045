"""Reader for gen/kvm_overrides.txt: KVM's changes to cpufeature.c types."""
from dataclasses import dataclass

from .model import GenError, POLICY_TYPES, data_lines


@dataclass
class Override:
    reg: str
    field: str
    type: str
    reason: str
    where: str


def parse_overrides(path, text=None):
    result = []
    seen = set()
    for where, line in data_lines(path, text):
        words = line.split(None, 3)
        if len(words) < 4:
            raise GenError(where, "expected 'REGISTER FIELD TYPE reason'")
        reg, field, ptype, reason = words
        if ptype not in POLICY_TYPES or ptype == "NONE":
            raise GenError(where, f"unknown policy type '{ptype}'")
        if (reg, field) in seen:
            raise GenError(where, f"{reg}.{field} overridden twice")
        seen.add((reg, field))
        result.append(Override(reg, field, ptype, reason, where))
    return result
