"""The vCPU features, read from lib/include/idregs/vcpu_features.def, the
file the C side compiles (an X-macro list): the generator needs each
feature's ID (IDREG_VCPU_<ID> in the generated tables) and the predicates
by which the kernel's sanitising code tests for it.

The file is read with the C-source reader: comments blanked, every
IDREG_VCPU_FEATURE(ID, .field = value, ...) row split into its
designated fields, each followed by its IDREG_VCPU_KVM(ID, ...) row and
its optional rows (IDREG_VCPU_FINALIZE, _ATTR, _VGIC, _MATRIX).  An
unknown field, a missing one, a string field that is not one plain string
literal or a row out of place stops the generator with the row's line.

configs() lists the vCPU configurations as lib/core/vcpu_config.c makes
them, for the shell (gen/idregs-gen vcpu-configs).
"""
import os
import re
from dataclasses import dataclass, field as dc_field
from typing import List, Optional, Tuple

from .csource import blank_comments, closing, line_of, split_args
from .model import GenError

DEF_PATH = os.path.normpath(os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..",
    "lib", "include", "idregs", "vcpu_features.def"))
# The fields of struct idreg_vcpu_feature_info a row may set.
FIELDS = ("name", "config", "also", "what", "qemu", "qemu_machine", "qemu_off_asks",
          "qemu_host", "qemu_only_offered", "qemu_clears", "kvm_hides",
          "predicates")
REQUIRED = ("name", "config", "what", "predicates")
KVM_ARGS = ("init", "cap", "cap2", "vm_cap")
# The optional rows after IDREG_VCPU_KVM, in their order: their arguments
# after the ID, and whether a feature may have several.
OPTIONAL = {
    "IDREG_VCPU_FINALIZE": (("what",), False),
    "IDREG_VCPU_ATTR": (("group", "attr"), True),
    "IDREG_VCPU_VGIC": ((), False),
    "IDREG_VCPU_MATRIX": ((), False),
}
_ROW = re.compile(r"^(IDREG_VCPU_\w+)\s*\(", re.M)
# The configurations that are no feature's: first and last.
DEFAULT_CONFIG = "default"
QEMU_HOST_CONFIG = "qemu-host"


@dataclass
class Feature:
    id: str                   # PMU: IDREG_VCPU_PMU
    name: str                 # "pmu"
    config: str               # "pmu"
    predicates: List[str]     # the kernel's tests for it, spaces removed
    where: str
    finalize: Optional[str] = None          # KVM_ARM_VCPU_FINALIZE's argument
    attrs: List[Tuple[str, str]] = dc_field(default_factory=list)   # (group, attr)
    vgic: bool = False        # the VM gets an in-kernel GICv3
    matrix: bool = False      # run_tests.sh --matrix runs its configuration
    also: List[str] = dc_field(default_factory=list)   # .also's features: ["EL2"]


def _string(value, where, field):
    m = re.fullmatch(r'"([^"\\]*)"', value)
    if not m:
        raise GenError(where, f".{field}: expected a plain string literal, got '{value}'")
    return m.group(1)


def _rows(path, text):
    """(macro, where, [arguments]) of every row, in order."""
    for m in _ROW.finditer(text):
        where = f"{path}:{line_of(text, m.start())}"
        end = closing(text, m.end(), "(", ")")
        if end < 0:
            raise GenError(where, f"{m.group(1)}( is not closed")
        args = split_args(text[m.end():end])
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", args[0]):
            raise GenError(where, f"{m.group(1)}: expected an upper-case ID, got '{args[0]}'")
        yield m.group(1), where, args


def _feature(fid, args, where):
    fields = {}
    for arg in args:
        m = re.fullmatch(r"\.(\w+)\s*=\s*(.*)", arg, flags=re.S)
        if not m or m.group(1) not in FIELDS:
            raise GenError(where, f"{fid}: expected '.FIELD = value' with FIELD one of "
                                  f"{', '.join(FIELDS)}, got '{arg}'")
        if m.group(1) in fields:
            raise GenError(where, f"{fid}: .{m.group(1)} set twice")
        fields[m.group(1)] = m.group(2).strip()
    for need in REQUIRED:
        if need not in fields:
            raise GenError(where, f"{fid}: no .{need}")
    also = [a.strip() for a in fields.get("also", "").split("|") if a.strip()]
    for a in also:
        if not re.fullmatch(r"IDREG_VCPU_[A-Z0-9_]+", a):
            raise GenError(where, f"{fid}: .also: expected IDREG_VCPU_ID | ..., got '{a}'")
    return Feature(fid, _string(fields["name"], where, "name"),
                   _string(fields["config"], where, "config"),
                   _string(fields["predicates"], where, "predicates").split(), where,
                   also=[a[len("IDREG_VCPU_"):] for a in also])


def _optional(feature, macro, args, where, seen):
    """Record optional row @macro of @feature; @seen: the kinds so far."""
    names, repeatable = OPTIONAL[macro]
    order = list(OPTIONAL)
    if seen and order.index(seen[-1]) > order.index(macro):
        raise GenError(where, f"{macro}({feature.id}) after {seen[-1]}: the order is "
                              f"{', '.join(order)}")
    if macro in seen and not repeatable:
        raise GenError(where, f"{macro}({feature.id}) twice")
    if len(args) != 1 + len(names):
        raise GenError(where, f"{macro} takes ID{''.join(', ' + n for n in names)}; "
                              f"got {len(args)} arguments")
    seen.append(macro)
    if macro == "IDREG_VCPU_FINALIZE":
        feature.finalize = args[1]
    elif macro == "IDREG_VCPU_ATTR":
        feature.attrs.append((args[1], args[2]))
    elif macro == "IDREG_VCPU_VGIC":
        feature.vgic = True
    else:
        feature.matrix = True


def read_features(path=DEF_PATH, text=None):
    """The features of the .def at @path, in its order (their bits); each
    IDREG_VCPU_FEATURE row must be followed by its IDREG_VCPU_KVM row, then
    its optional rows."""
    if text is None:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    text = blank_comments(text)
    out, pending, seen = [], None, []
    for macro, where, args in _rows(path, text):
        if macro == "IDREG_VCPU_FEATURE":
            if pending:
                raise GenError(pending.where, f"{pending.id}: no IDREG_VCPU_KVM row after it")
            pending = _feature(args[0], args[1:], where)
            continue
        if macro in OPTIONAL:
            if not out or args[0] != out[-1].id or pending:
                raise GenError(where, f"{macro}({args[0]}) does not follow "
                                      f"IDREG_VCPU_KVM({args[0]}, ...)")
            _optional(out[-1], macro, args, where, seen)
            continue
        if macro != "IDREG_VCPU_KVM":
            raise GenError(where, f"unknown row {macro}: expected IDREG_VCPU_FEATURE, "
                                  f"IDREG_VCPU_KVM or {', '.join(OPTIONAL)}")
        if not pending or args[0] != pending.id:
            raise GenError(where, f"IDREG_VCPU_KVM({args[0]}) does not follow "
                                  f"IDREG_VCPU_FEATURE({args[0]}, ...)")
        if len(args) != 1 + len(KVM_ARGS):
            raise GenError(where, f"IDREG_VCPU_KVM takes ID, {', '.join(KVM_ARGS)}; "
                                  f"got {len(args)} arguments")
        out.append(pending)
        pending, seen = None, []
    if pending:
        raise GenError(pending.where, f"{pending.id}: no IDREG_VCPU_KVM row after it")
    if not out:
        raise GenError(path, "no IDREG_VCPU_FEATURE rows")
    return out


def configs(features, matrix=False):
    """The configuration names in lib/core/vcpu_config.c's order: default,
    one per feature, qemu-host; @matrix: only those run_tests.sh --matrix
    runs."""
    return ([DEFAULT_CONFIG] + [f.config for f in features if f.matrix or not matrix]
            + [QEMU_HOST_CONFIG])


def has_el2(feature, features):
    """Does a vCPU of @feature's configuration have EL2 (itself, or through
    .also)?  Each such vCPU brings two nested stage-2 MMUs whose teardown
    takes minutes on a 16K-page host (docs/kernels.md)."""
    return feature.id == "EL2" or any(has_el2(f, features) for f in features
                                      if f.id in feature.also)


def el2_configs(features):
    """The configurations whose vCPUs have EL2, in configs()' order."""
    return [f.config for f in features if has_el2(f, features)]


def predicates(features):
    """{the source's predicate (spaces removed): feature ID}."""
    out = {}
    for f in features:
        for p in f.predicates:
            if p in out:
                raise GenError(f.where, f"predicate {p} is {out[p]}'s already")
            out[p] = f.id
    return out


def feature_symbol(fid):
    """The C enumerator of feature @fid."""
    return f"IDREG_VCPU_{fid}"
