"""Command line: generate, check, compare, declared, declared-check, sanitised,
vcpu-configs, reglist, reglist-check, cpu-names."""
import argparse
import difflib
import glob
import os
import re
import sys

from . import cputype, declared, reglist, vcpu_features
from .build import build
from .compare import compare_regs, load_source
from .emit import parse_inputs, render, write_atomic
from .model import GenError


def _summary(regs):
    nf = sum(len(r.fields) for r in regs)
    nb = sum(len(r.ftr_bits) for r in regs)
    return f"{len(regs)} registers, {nf} fields, {nb} ftr_bits entries"


def _print_notes(notes, verbose):
    if verbose:
        for n in notes:
            print(f"note: {n}", file=sys.stderr)
    elif notes:
        print(f"idregs-gen: {len(notes)} notes (-v to list)", file=sys.stderr)


def cmd_generate(args):
    notes = []
    regs, inputs = build(args.kernel_src, args.registers_json, notes=notes)
    write_atomic(args.output, render(regs, inputs))
    _print_notes(notes, args.verbose)
    print(f"idregs-gen: wrote {args.output}: {_summary(regs)}", file=sys.stderr)
    return 0


def _version_key(v):
    # Debian versions as far as the cache needs: upstream numbers first,
    # a '~' pre-release sorting below its absence.
    upstream, _, rest = v.partition("-")
    return ([int(x) for x in re.findall(r"\d+", upstream)],
            [int(x) for x in re.findall(r"\d+", rest.split("~")[0])])


def _cache_sources(cache):
    found = {}
    for pv in sorted(glob.glob(os.path.join(cache, "src", "*", "package-version"))):
        with open(pv, encoding="utf-8") as fh:
            found[fh.read().strip()] = os.path.dirname(pv)
    return found


def _out_of_date(path, committed, fresh):
    """Print how @fresh differs from the committed text; True if it does."""
    if fresh == committed:
        return False
    diff = list(difflib.unified_diff(
        committed.splitlines(), fresh.splitlines(),
        path + " (committed)", "regenerated", lineterm="", n=1))
    changed = sum(1 for d in diff if d[:1] in "+-" and d[:3] not in ("+++", "---"))
    print(f"gen-check: {path} is out of date ({changed} lines "
          f"differ); run 'make gen' and commit. First differences:")
    print("\n".join(diff[:60]))
    return True


def cmd_check(args):
    with open(args.committed, encoding="utf-8") as fh:
        committed = fh.read()
    recorded = parse_inputs(committed)
    version = recorded.get("kernel")
    if not version:
        raise GenError(args.committed, "no 'kernel:' line in idreg_table_inputs")
    sources = _cache_sources(args.cache) if args.cache else {}
    ksrc = args.kernel_src or sources.get(version)
    if not ksrc:
        raise GenError(args.committed, f"recorded kernel {version} is not in "
                       f"{args.cache}/src (run scripts/deps.sh, or pass KERNEL_SRC=)")
    if recorded.get("registers_json", "none") != "none" and not args.registers_json:
        raise GenError(args.committed, "generated with Registers.json "
                       f"({recorded['registers_json']}); pass REGISTERS_JSON=")
    regs, inputs = build(ksrc, args.registers_json, notes=[])
    fresh = render(regs, inputs)
    status = 0
    if _out_of_date(args.committed, committed, fresh):
        for k, v in inputs:
            if recorded.get(k) != v:
                print(f"gen-check: input {k}: committed '{recorded.get(k)}', now '{v}'")
        status = 1
    else:
        print(f"gen-check: {args.committed} is up to date ({_summary(regs)})")
    newer = [v for v in sources if _version_key(v) > _version_key(version)]
    for v in sorted(newer, key=_version_key):
        print(f"gen-check: note: the cache has a newer kernel source {v} "
              f"({sources[v]}); 'make gen KERNEL_SRC={sources[v]}' to move to it")
    return status


def _declared_sources(args, read=None):
    """read_source() (declared's, or @read) of every --kernel-src, else of
    every cache source."""
    dirs = args.kernel_src or sorted(set(_cache_sources(args.cache).values()))
    if not args.kernel_src:
        # A series before KVM declared writable ID registers (6.1) is in
        # the cache for its clean skip; it has nothing to read here.
        for d in [d for d in dirs if not declared.declares_writable(d)]:
            print(f"idregs-gen: note: {d} declares no writable ID registers "
                  "(KVM before 6.7): not read", file=sys.stderr)
            dirs.remove(d)
    if not dirs:
        raise GenError(args.cache, "no kernel sources in the cache's src/ "
                       "(run scripts/deps.sh)")
    return [(read or declared.read_source)(d) for d in dirs]


def cmd_declared(args):
    sources = _declared_sources(args)
    write_atomic(args.output, declared.render(sources))
    print(f"idregs-gen: wrote {args.output}: "
          + ", ".join(f"{s[0]} ({len(s[2])} registers, {len(s[4])} sanitising operations)"
                      for s in sources),
          file=sys.stderr)
    return 0


def cmd_sanitised(args):
    sys.stdout.write(declared.table_text(_declared_sources(args)))
    return 0


def cmd_declared_check(args):
    with open(args.committed, encoding="utf-8") as fh:
        committed = fh.read()
    recorded = declared.recorded_packages(committed)
    sources = _declared_sources(args)
    now = {s[0]: s[1] for s in sources}
    if now != recorded:
        print(f"gen-check: {args.committed} was made from {recorded}, the "
              f"sources here are {now}; run 'make gen' and commit")
        return 1
    if _out_of_date(args.committed, committed, declared.render(sources)):
        return 1
    print(f"gen-check: {args.committed} is up to date ("
          + ", ".join(f"{s[0]}: {len(s[2])} registers, {len(s[4])} sanitising operations"
                      for s in sources) + ")")
    return 0


def cmd_reglist(args):
    sources = _declared_sources(args, reglist.read_source)
    write_atomic(args.output, reglist.render(sources))
    print(f"idregs-gen: wrote {args.output}: "
          + ", ".join(f"{s[0]} ({sum(d.listed for d in s[2])} ID slots listed)"
                      for s in sources), file=sys.stderr)
    return 0


def cmd_reglist_check(args):
    with open(args.committed, encoding="utf-8") as fh:
        committed = fh.read()
    recorded = declared.recorded_packages(committed)
    sources = _declared_sources(args, reglist.read_source)
    now = {s[0]: s[1] for s in sources}
    if now != recorded:
        print(f"gen-check: {args.committed} was made from {recorded}, the "
              f"sources here are {now}; run 'make gen' and commit")
        return 1
    if _out_of_date(args.committed, committed, reglist.render(sources)):
        return 1
    print(f"gen-check: {args.committed} is up to date ("
          + ", ".join(f"{s[0]}: {sum(d.listed for d in s[2])} ID slots listed"
                      for s in sources) + ")")
    return 0


def cmd_compare(args):
    notes = []
    a = load_source(args.a, notes)
    b = load_source(args.b, notes)
    _print_notes(notes, args.verbose)
    diffs = compare_regs(a, b, args.label_a or args.a, args.label_b or args.b,
                         all_regs=args.all)
    for line in diffs:
        print(line)
    if diffs:
        print(f"{len(diffs)} differences")
        return 1
    print("identical")
    return 0


def cmd_vcpu_configs(args):
    features = vcpu_features.read_features()
    if args.el2:
        names = vcpu_features.el2_configs(features)
    else:
        names = vcpu_features.configs(features, args.matrix)
    for name in names:
        print(name)
    return 0


def cmd_cpu_names(args):
    src = os.path.join(args.kernel_src, cputype.CPUTYPE)
    text = cputype.render(src, cputype.source_version(args.kernel_src))
    if args.check:
        try:
            with open(args.check, encoding="utf-8") as f:
                old = f.read()
        except FileNotFoundError:
            old = ""
        if old != text:
            sys.stdout.writelines(difflib.unified_diff(
                old.splitlines(True), text.splitlines(True), args.check, "regenerated"))
            print(f"{args.check}: differs from {src} (make gen)", file=sys.stderr)
            return 1
        return 0
    write_atomic(args.output, text)
    return 0



def per_series_table(sub, name, out, what, gen, check):
    """NAME writes lib/predict/generated/OUT from every series read;
    NAME-check regenerates it and compares it with the committed file."""
    g = sub.add_parser(name, help=f"write lib/predict/generated/{out}: {what}")
    g.add_argument("--cache", help="idregs cache: every src/SERIES in it")
    g.add_argument("--kernel-src", action="append",
                   help="a source tree with package-version (repeatable)")
    g.add_argument("-o", "--output", required=True)
    g.set_defaults(func=gen)

    c = sub.add_parser(name + "-check", help=f"regenerate {out} and compare with the "
                                             "committed file")
    c.add_argument("--cache")
    c.add_argument("--kernel-src", action="append")
    c.add_argument("committed")
    c.set_defaults(func=check)

def main(argv=None):
    p = argparse.ArgumentParser(prog="idregs-gen", description=__doc__)
    p.add_argument("-v", "--verbose", action="store_true",
                   help="list notes (unmatched ftr entries, skipped registers)")
    sub = p.add_subparsers(dest="cmd", required=True)

    g = sub.add_parser("generate", help="write lib/arch/generated/idreg_table.c")
    g.add_argument("--kernel-src", required=True,
                   help="kernel tree (or cache dir) with arch/arm64/...")
    g.add_argument("--registers-json", help="Arm AARCHMRS Registers.json")
    g.add_argument("-o", "--output", required=True)
    g.set_defaults(func=cmd_generate)

    c = sub.add_parser("check", help="regenerate and compare with a committed file")
    c.add_argument("--cache", help="idregs cache (finds the recorded kernel)")
    c.add_argument("--kernel-src", help="use this tree instead of the cache")
    c.add_argument("--registers-json")
    c.add_argument("committed")
    c.set_defaults(func=cmd_check)

    m = sub.add_parser("compare", help="differences between two sources "
                                       "(kernel tree, sysreg file or .json)")
    m.add_argument("a")
    m.add_argument("b")
    m.add_argument("--label-a")
    m.add_argument("--label-b")
    m.add_argument("--all", action="store_true",
                   help="all registers, not just the feature ID space")
    m.set_defaults(func=cmd_compare)

    per_series_table(sub, "declared", "idreg_declared.c",
                     "the writable masks sys_regs.c declares", cmd_declared, cmd_declared_check)

    st = sub.add_parser("sanitised", help="print what sys_regs.c's sanitising code "
                                          "hides or caps, per series (the table in "
                                          "idreg_declared.c)")
    st.add_argument("--cache")
    st.add_argument("--kernel-src", action="append")
    st.set_defaults(func=cmd_sanitised)

    vc = sub.add_parser("vcpu-configs", help="the vCPU configurations (idreg list "
                                              "--configs), read from vcpu_features.def")
    vc.add_argument("--matrix", action="store_true",
                    help="only those run_tests.sh --matrix runs")
    vc.add_argument("--el2", action="store_true",
                    help="only those whose vCPUs have EL2 (run_tests.sh runs each "
                         "in a test invocation of its own)")
    vc.set_defaults(func=cmd_vcpu_configs)

    per_series_table(sub, "reglist", "idreg_reglist.c",
                     "the ID slots KVM_GET_REG_LIST holds, per series", cmd_reglist,
                     cmd_reglist_check)

    cn = sub.add_parser("cpu-names", help="write the MIDR implementer and part names "
                                           "of cputype.h (tools/report/cpu_names.tsv)")
    cn.add_argument("--kernel-src", required=True)
    out = cn.add_mutually_exclusive_group(required=True)
    out.add_argument("-o", "--output")
    out.add_argument("--check", metavar="FILE", help="regenerate and compare with FILE")
    cn.set_defaults(func=cmd_cpu_names)

    args = p.parse_args(argv)
    try:
        return args.func(args)
    except GenError as e:
        print(f"{e.where}: error: {e.reason}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"{e.filename or 'idregs-gen'}: error: {e.strerror}", file=sys.stderr)
        return 2
