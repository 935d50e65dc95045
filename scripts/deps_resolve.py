#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The decisions of scripts/deps.sh, on apt's output (python3, stdlib;
unit-tested by scripts/test_deps_resolve.py).  deps.sh runs apt and dpkg
and moves files; which package and which version is chosen is decided here.

    deps_resolve.py newest [PREFIX]      < apt-cache madison PKG
        the highest version (dpkg's order) whose upstream version starts
        with PREFIX ("7" matches 7.x, "6.1" 6.1.x only; none: any)
    deps_resolve.py newest-each          < apt-cache madison PKG...
        "NAME VERSION" per package (":arch" dropped): its highest version
    deps_resolve.py pinned-depends       < apt-cache show PKG=VER
        "NAME=VERSION" of the first stanza's Depends that pin "(= VERSION)"
    deps_resolve.py lib-depends          < apt-cache show PKG=VER...
        the shared-library packages (lib*, zlib1g) among every stanza's
        Depends and Pre-Depends: the first of each set of alternatives
    deps_resolve.py source-series        < apt-cache pkgnames linux-source-
        X.Y of every linux-source-X.Y, oldest first
    deps_resolve.py extra-kernels LO HI "MATRIX SERIES" < apt-cache pkgnames linux-image-
        "SERIES RELEASE PACKAGE": the newest arm64 build of each series
        strictly between LO and HI (not one of MATRIX SERIES), and the
        16K-page build of HI (RELEASE 7.3.4-16k)
    deps_resolve.py series-range SERIES...
        "LO HI": the oldest and newest X.Y among SERIES (7 is no X.Y)
    deps_resolve.py candidate            < apt-cache policy PKG
        the candidate version, or nothing for "(none)"
    deps_resolve.py candidate-major      < apt-cache policy PKG
        the candidate's major version (epoch dropped), or nothing
    deps_resolve.py major                < qemu-system-aarch64 --version
        the major version
"""

import re
import sys


def _order(c):
    """dpkg's weight of a character outside a number ("" ends it)."""
    if not c or c.isdigit():
        return 0
    if c.isalpha():
        return ord(c)
    if c == "~":
        return -1
    return ord(c) + 256


def _part_cmp(a, b):
    """dpkg's comparison of an upstream version or a revision."""
    i = j = 0
    while i < len(a) or j < len(b):
        while (i < len(a) and not a[i].isdigit()) or (j < len(b) and not b[j].isdigit()):
            ac = _order(a[i] if i < len(a) else "")
            bc = _order(b[j] if j < len(b) else "")
            if ac != bc:
                return ac - bc
            i += 1
            j += 1
        m = re.match(r"\d*", a[i:]).group()
        n = re.match(r"\d*", b[j:]).group()
        i += len(m)
        j += len(n)
        if int(m or 0) != int(n or 0):
            return int(m or 0) - int(n or 0)
    return 0


def _split(v):
    epoch, _, rest = v.rpartition(":") if ":" in v else ("0", "", v)
    upstream, _, revision = rest.rpartition("-") if "-" in rest else (rest, "", "")
    return int(epoch or 0), upstream, revision


def version_cmp(a, b):
    """<0, 0, >0 as dpkg --compare-versions orders a and b."""
    ea, ua, ra = _split(a)
    eb, ub, rb = _split(b)
    if ea != eb:
        return ea - eb
    return _part_cmp(ua, ub) or _part_cmp(ra, rb)


def highest(versions):
    best = None
    for v in versions:
        if best is None or version_cmp(v, best) > 0:
            best = v
    return best


def madison(text):
    """[(package, version)] of apt-cache madison's lines."""
    rows = []
    for line in text.splitlines():
        cols = [c.strip() for c in line.split("|")]
        if len(cols) >= 2 and cols[0] and cols[1]:
            rows.append((cols[0], cols[1]))
    return rows


def newest(rows, prefix=None):
    """The highest version whose upstream version starts with PREFIX."""
    def wanted(v):
        if prefix is None:
            return True
        upstream = v.split(":", 1)[-1]
        return re.match(re.escape(prefix) + r"\.\d", upstream) is not None
    return highest(v for _, v in rows if wanted(v))


def newest_each(rows):
    """[(name, version)]: each package's highest version, in first-seen order."""
    best = {}
    for name, v in rows:
        name = name.split(":", 1)[0]
        if name not in best or version_cmp(v, best[name]) > 0:
            best[name] = v
    return list(best.items())


def _stanzas(text):
    return [s for s in re.split(r"\n\s*\n", text) if s.strip()]


def _field(stanza, name):
    m = re.search(r"^%s: (.*)$" % re.escape(name), stanza, re.M)
    return m.group(1) if m else None


def pinned_depends(text):
    """NAME=VERSION of the first stanza's Depends pinned with (= VERSION)."""
    stanzas = _stanzas(text)
    deps = _field(stanzas[0], "Depends") if stanzas else None
    out = []
    for dep in (deps or "").split(","):
        m = re.match(r"\s*([^ |]+)\s*\(=\s*([^)]+?)\s*\)", dep)
        if m:
            out.append("%s=%s" % (m.group(1), m.group(2)))
    return out


def lib_depends(text):
    """The shared-library packages every stanza depends on, sorted."""
    names = set()
    for stanza in _stanzas(text):
        for field in ("Depends", "Pre-Depends"):
            for dep in (_field(stanza, field) or "").split(","):
                m = re.match(r"\s*([^ |:(]+)", dep)
                if m and (m.group(1).startswith("lib") or m.group(1) == "zlib1g"):
                    names.add(m.group(1))
    return sorted(names)


def source_series(names):
    series = set()
    for n in names:
        m = re.match(r"^linux-source-(\d+\.\d+)$", n)
        if m:
            series.add(m.group(1))
    return sorted(series, key=_series_key)


def _series_key(s):
    return tuple(int(x) for x in s.split("."))


_IMAGE_RE = re.compile(r"^linux-image-(\d+\.\d+)\.(\d+)\+deb[0-9.]*-arm64(-16k)?$")


def extra_kernels(names, lo, hi, matrix=()):
    """[(series, release, package)]: the newest arm64 build of each series
    strictly between lo and hi and not in matrix, and hi's 16K-page one.
    (6.1's ABI-named packages, linux-image-6.1.0-57-arm64, do not match.)"""
    best = {}
    for n in names:
        m = _IMAGE_RE.match(n)
        if not m:
            continue
        series, release, flavour = m.group(1), "%s.%s" % (m.group(1), m.group(2)), m.group(3)
        key = _series_key(series)
        if flavour is None and _series_key(lo) < key < _series_key(hi):
            slot = series
        elif flavour == "-16k" and key == _series_key(hi):
            slot, release = series + "-16k", release + "-16k"
        else:
            continue
        if slot not in best or version_cmp(release, best[slot][0]) > 0:
            best[slot] = (release, n)
    out = [(s, r, p) for s, (r, p) in best.items() if s not in matrix]
    return sorted(out, key=lambda e: (_series_key(e[0].split("-")[0]), e[0]))


def series_range(series):
    xy = sorted((s for s in series if re.match(r"^\d+\.\d+$", s)), key=_series_key)
    return (xy[0], xy[-1]) if xy else None


def candidate(text):
    m = re.search(r"^\s*Candidate: (\S+)", text, re.M)
    return m.group(1) if m and m.group(1) != "(none)" else None


def candidate_major(text):
    c = candidate(text)
    m = re.match(r"(?:\d+:)?(\d+)\.", c or "")
    return m.group(1) if m else None


def major(text):
    m = re.search(r"version (\d+)\.", text)
    return m.group(1) if m else None


def main(argv):
    if not argv:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    cmd, args, text = argv[0], argv[1:], sys.stdin.read()
    out = []
    if cmd == "newest" and len(args) <= 1:
        v = newest(madison(text), args[0] if args else None)
        out = [v] if v else []
    elif cmd == "newest-each":
        out = ["%s %s" % nv for nv in newest_each(madison(text))]
    elif cmd == "pinned-depends":
        out = pinned_depends(text)
    elif cmd == "lib-depends":
        out = lib_depends(text)
    elif cmd == "source-series":
        out = source_series(text.split())
    elif cmd == "extra-kernels" and len(args) == 3:
        out = ["%s %s %s" % e for e in
               extra_kernels(text.split(), args[0], args[1], args[2].split())]
    elif cmd == "series-range":
        r = series_range(args)
        out = ["%s %s" % r] if r else []
    elif cmd == "candidate":
        c = candidate(text)
        out = [c] if c else []
    elif cmd == "candidate-major":
        v = candidate_major(text)
        out = [v] if v else []
    elif cmd == "major":
        v = major(text)
        out = [v] if v else []
    else:
        print("deps_resolve.py: unknown command or arguments: %s" % " ".join(argv),
              file=sys.stderr)
        return 2
    for line in out:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
