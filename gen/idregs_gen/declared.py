"""Write lib/predict/generated/idreg_declared.c: per kernel series, the writable
masks KVM's sys_regs.c declares (kvm_writable.py), for the tests that hold
KVM_ARM_GET_REG_WRITABLE_MASKS to them.

Each series is read from one kernel source tree (the cache's src/SERIES);
the output records the package version and file hashes of each, and
depends on nothing else, so 'declared-check' can compare it byte for byte.
"""
import os
import re

from .build import SUPPLEMENT, sha256
from .emit import c_string, file_header, inputs_array
from .kvm_sanitised import NESTED_REL, SUPPLEMENT_NAME, hidden, parse_sanitised, read_supplement
from .kvm_writable import SYS_REGS_REL, parse_declared
from .model import GenError, SRC_SUPPLEMENT
from .sysreg import parse_sysreg
from .vcpu_features import feature_symbol

SYSREG_REL = os.path.join("arch", "arm64", "tools", "sysreg")
OUTPUT = os.path.join("lib", "predict", "generated", "idreg_declared.c")
SANITISED_SUPPLEMENT = os.path.join(os.path.dirname(SUPPLEMENT), SUPPLEMENT_NAME)


def _slot(enc):
    op0, op1, crn, crm, op2 = enc
    return ({0: 0, 1: 1, 3: 2}[op1] << 6) | (crm << 3) | op2


def _series(ksrc):
    """(series "7.3", package version) of a cache source directory."""
    pv = os.path.join(ksrc, "package-version")
    try:
        with open(pv, encoding="utf-8") as fh:
            version = fh.read().strip()
    except OSError as e:
        raise GenError(pv, f"cannot read the source's package version: {e.strerror}")
    m = re.match(r"(?:\d+:)?(\d+)\.(\d+)", version)
    if not m:
        raise GenError(pv, f"package version '{version}' does not start with X.Y")
    return f"{m.group(1)}.{m.group(2)}", version


def declares_writable(ksrc):
    """Does the tree's sys_regs.c declare writable ID registers (6.7 on)?"""
    try:
        with open(os.path.join(ksrc, SYS_REGS_REL), encoding="utf-8") as fh:
            return "ID_WRITABLE(" in fh.read()
    except OSError:
        return True     # read_source() says what is missing


def read_tree(ksrc):
    """A kernel source tree's series, package version, the paths of its
    sysreg file and sys_regs.c, and its registers (with the supplement's):
    what every generator of a per-series table starts from."""
    series, version = _series(ksrc)
    sysreg = os.path.join(ksrc, SYSREG_REL)
    sys_regs = os.path.join(ksrc, SYS_REGS_REL)
    for path in (sysreg, sys_regs):
        if not os.path.isfile(path):
            raise GenError(path, "missing (run scripts/deps.sh)")
    regs = parse_sysreg(sysreg, notes=[])
    for name, reg in parse_sysreg(SUPPLEMENT, source=SRC_SUPPLEMENT, notes=[]).items():
        regs.setdefault(name, reg)
    return series, version, sysreg, sys_regs, regs


def read_source(ksrc):
    """One series: (series, package version, [Declared], inputs line)."""
    series, version, sysreg, sys_regs, regs = read_tree(ksrc)
    # Named relative to the tree: the output holds no absolute paths.
    decl = parse_declared(sys_regs, regs, name=SYS_REGS_REL)
    ops = parse_sanitised(ksrc, regs, read_supplement(SANITISED_SUPPLEMENT))
    nested = os.path.join(ksrc, NESTED_REL)
    line = (f"{series}: linux-source {version}, sys_regs.c sha256:{sha256(sys_regs)}, "
            + (f"nested.c sha256:{sha256(nested)}, " if os.path.isfile(nested) else "")
            + f"sysreg sha256:{sha256(sysreg)}, supplement sha256:{sha256(SUPPLEMENT)}, "
            f"{SUPPLEMENT_NAME} sha256:{sha256(SANITISED_SUPPLEMENT)}")
    return series, version, decl, line, ops


def _features(names):
    return " | ".join(feature_symbol(n) for n in names) or "0"


def _render_ops(w, series, ops):
    w(f"static const struct idreg_sanitised_op {_symbol(series)}_sanitised[] = {{")
    for o in ops:
        w(f"\t{{ /* {o.where} */")
        w(f"\t\t.reg = {c_string(o.reg)}, .field = {c_string(o.field)}, "
          f".slot = {_slot(o.enc)},")
        w(f"\t\t.kind = IDREG_SANITISED_{o.kind}, .mask = {o.mask:#018x}, "
          f".value = {o.value:#x},")
        if o.value_name:
            w(f"\t\t.value_name = {c_string(o.value_name)},")
        if o.when or o.unless:
            w(f"\t\t.when = {_features(o.when)}, .unless = {_features(o.unless)},")
        if o.host:
            w(f"\t\t.host = {c_string(o.host)},")
        w(f"\t\t.func = {c_string(o.func)}, .where = {c_string(o.where)},")
        w("\t},")
    w("};")
    w("")


def _render_hidden(w, series, ops):
    w(f"static const struct idreg_hidden_reg {_symbol(series)}_hidden[] = {{")
    for o in hidden(ops):
        w(f"\t{{ .reg = {c_string(o.reg)}, .slot = {_slot(o.enc)}, "
          f".unless = {_features(o.unless)},")
        w(f"\t  .func = {c_string(o.func)}, .where = {c_string(o.where)} }},")
    w("};")
    w("")


def covered_fields(ops):
    """(fields the operations touch, of them those some operation sets
    without a host condition): (register, field or bits) pairs."""
    allf = {(o.reg, o.field or hex(o.mask)) for o in ops}
    checked = {(o.reg, o.field or hex(o.mask)) for o in ops if not o.host}
    return len(allf), len(checked)


def table_text(sources):
    """The sanitising operations as a readable table, per series."""
    out = []
    for series, version, _, _, ops in sorted(sources, key=lambda s: _version_num(s[0]),
                                             reverse=True):
        n, c = covered_fields(ops)
        out.append(f"# {series} (linux-source {version}): {len(ops)} operations, "
                   f"{n} fields, {c} without a host condition")
        for o in ops:
            what = {"CLEAR": "clears", "SET": f"sets {o.value_name}",
                    "ANY": f"sets from {o.value_name}",
                    "CAP": f"caps at {o.value_name} ({o.value})"}[o.kind]
            cond = []
            if o.when:
                cond.append("with " + ",".join(x.lower() for x in o.when))
            if o.unless:
                cond.append("unless the vCPU has " + ",".join(x.lower() for x in o.unless))
            if o.host:
                cond.append(f"if host: {o.host}")
            out.append(f"{o.reg}\t{o.field or hex(o.mask)}\t{what}\t"
                       f"{'; '.join(cond) or 'always'}\t{o.func} {o.where}")
    return "\n".join(out) + "\n"


def _version_num(series):
    major, minor = series.split(".")
    return int(major) << 16 | int(minor)


def _symbol(series):
    return "declared_" + series.replace(".", "_")


def render(sources):
    """@sources: read_source() results, any order; newest series first."""
    sources = sorted(sources, key=lambda s: _version_num(s[0]), reverse=True)
    out = file_header([
        "Generated by 'make gen', i.e. gen/idregs-gen declared --cache <cache>",
        "-o lib/predict/generated/idreg_declared.c; do not edit.  'make gen-check'",
        "verifies it; the inputs are recorded in idreg_declared_inputs."],
        "idregs/declared.h")
    w = out.append
    for series, _, decl, _, ops in sources:
        _render_ops(w, series, ops)
        _render_hidden(w, series, ops)
    for series, _, decl, _, _ in sources:
        w(f"static const struct idreg_declared_reg {_symbol(series)}[] = {{")
        for d in decl:
            w(f"\t{{ /* {d.where} */")
            w(f"\t\t.name = {c_string(d.name)}, .slot = {_slot(d.enc)},")
            w(f"\t\t.kind = IDREG_DECL_{d.kind}, .mask = {d.mask:#018x},")
            w(f"\t\t.setter = {c_string(d.setter)},")
            w("\t},")
        w("};")
        w("")
    w("const struct idreg_declared_series idreg_declared_series[] = {")
    for series, version, decl, _, ops in sources:
        w("\t{")
        w(f"\t\t.series = {c_string(series)}, .version = {_version_num(series):#x},")
        w(f"\t\t.package = {c_string(version)},")
        w(f"\t\t.regs = {_symbol(series)}, .nr_regs = {len(decl)},")
        w(f"\t\t.sanitised = {_symbol(series)}_sanitised, .nr_sanitised = {len(ops)},")
        w(f"\t\t.hidden = {_symbol(series)}_hidden, .nr_hidden = {len(hidden(ops))},")
        w("\t},")
    w("};")
    w("")
    w(f"const unsigned int idreg_nr_declared_series = {len(sources)};")
    w("")
    out += inputs_array("idreg_declared_inputs", [s[3] for s in sources])
    return "\n".join(out)


def recorded_packages(text):
    """{series: package version} recorded in a generated file."""
    return dict(re.findall(r'"(\d+\.\d+): linux-source (\S+),', text))
