"""Reading C source: what the readers of the kernel's C files share.

The readers (cpufeature.py, kvm_writable.py, kvm_sanitised.py) do not
parse C; they find the few constructs they know (an array's entries, a
function's body, a macro's arguments) and refuse the rest.  This module is
the lexical half they share:

    blank_comments  comments become spaces (offsets, so line numbers, kept);
                    a comment marker inside a string or character literal
                    is not a comment
    closing         the bracket closing an open one, skipping literals
    split_args      a macro call's or initializer's top-level arguments
    find_array      the braces of 'static const struct T NAME[] = { ... }'
    entries         an array's top-level entries, with their offsets
    designated      the value of '.key = VALUE' in a braced initializer
    find_function   the body of a function definition in one of some files
    statements      a function body as blocks, if/else, switch and simple
                    statements
    mask_value      a constant mask expression over the kernel's macros

Offsets into the text are kept everywhere so that every error can name the
line it is about.
"""
import re

from .model import GenError

MASK64 = (1 << 64) - 1

_COMMENT_OR_LITERAL = re.compile(
    r"\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'|/\*.*?\*/|//[^\n]*", re.S)


def blank_comments(text):
    """@text with every comment replaced by spaces (newlines kept)."""
    def blank(m):
        s = m.group(0)
        if s[0] in "\"'":
            return s
        return re.sub(r"[^\n]", " ", s)
    return _COMMENT_OR_LITERAL.sub(blank, text)


def _literal_end(text, i):
    """The index just after the string or character literal starting at
    text[i] (its quote), or len(text) when it is not closed."""
    quote = text[i]
    i += 1
    while i < len(text) and text[i] != quote:
        i += 2 if text[i] == "\\" else 1
    return i + 1


def closing(text, start, open_ch, close_ch):
    """Index of the bracket closing the one just before @start, or -1."""
    depth = 1
    i = start
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            i = _literal_end(text, i)
            continue
        if ch == open_ch:
            depth += 1
        elif ch == close_ch:
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def split_args(text):
    """The comma-separated arguments of @text at parenthesis depth 0,
    each stripped."""
    args, depth, cur = [], 0, ""
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "\"'":
            end = _literal_end(text, i)
            cur += text[i:end]
            i = end
            continue
        i += 1
        if ch == "," and depth == 0:
            args.append(cur.strip())
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    args.append(cur.strip())
    return args


def line_of(text, pos):
    """The line number (from 1) of offset @pos."""
    return text.count("\n", 0, pos) + 1


def skip_ws(text, pos, end):
    """The first offset from @pos (at most @end) that is not white space."""
    while pos < end and text[pos].isspace():
        pos += 1
    return pos


def find_array(text, ctype, name, where):
    """(start, end): the offsets just inside the braces of
    'static const struct @ctype @name[] = { ... }'."""
    m = re.search(rf"static\s+const\s+struct\s+{ctype}\s+{name}\s*\[\s*\]\s*=\s*\{{", text)
    if not m:
        raise GenError(where, f"no {name}[] array")
    end = closing(text, m.end(), "{", "}")
    if end < 0:
        raise GenError(where, f"{name}[] is not closed")
    return m.end(), end


def entries(text, start, end):
    """(offset of its first character, entry text) of the top-level
    entries of text[start:end], an array's body."""
    depth, cur, at = 0, "", None
    i = start
    while i < end:
        ch = text[i]
        if ch in "\"'":
            stop = min(_literal_end(text, i), end)
            if at is None:
                at = i
            cur += text[i:stop]
            i = stop
            continue
        i += 1
        if ch in "({":
            depth += 1
        elif ch in ")}":
            depth -= 1
        if ch == "," and depth == 0:
            if at is not None:
                yield at, cur.strip()
            cur, at = "", None
            continue
        if at is None and not ch.isspace():
            at = i - 1
        cur += ch
    if at is not None:
        yield at, cur.strip()


def designated(body, key):
    """The value of '.key = VALUE' in a braced initializer's body, or None."""
    for arg in split_args(body):
        m = re.fullmatch(rf"\.{key}\s*=\s*(.*)", arg, flags=re.S)
        if m:
            return m.group(1).strip()
    return None


# The return types of the functions find_function() looks for.
_FUNCTION_TYPES = r"(?:u64|unsigned\s+int)"


def find_function(files, fname, where):
    """(file name, text, body start, body end, parameters) of the
    definition of @fname in @files, a list of (name, text with comments
    blanked); the body is text[start:end], inside its braces."""
    pat = re.compile(r"^(?:static\s+)?(?:inline\s+)?" + _FUNCTION_TYPES + r"\s+"
                     + re.escape(fname) + r"\s*\(([^)]*)\)\s*\{", re.M)
    for name, text in files:
        m = pat.search(text)
        if m:
            end = closing(text, m.end(), "{", "}")
            return name, text, m.end(), end, m.group(1)
    raise GenError(where, f"cannot find the definition of {fname}()")


def statements(text, pos, end, fname, name):
    """The statements of text[pos:end] (the body of @fname in the file
    @name, for messages) as a list of tuples:
    ('block', [stmts]), ('if', cond, then, else|None, where),
    ('switch', expr, [(labels, [stmts])], where), ('simple', text, where)."""
    out = []
    while True:
        pos = skip_ws(text, pos, end)
        if pos >= end:
            return out
        stmt, pos = _statement(text, pos, end, fname, name)
        out.append(stmt)


def _statement(text, pos, end, fname, name):
    where = f"{name}:{line_of(text, pos)}"
    if text[pos] == "{":
        close = closing(text, pos + 1, "{", "}")
        return ("block", statements(text, pos + 1, close, fname, name)), close + 1
    m = re.match(r"(if|switch)\s*\(", text[pos:end])
    if m:
        return _control(text, pos + m.end(), end, m.group(1), fname, name, where)
    semi = text.find(";", pos, end)
    if semi < 0:
        raise GenError(where, f"{fname}(): statement without ';'")
    depth = text.count("(", pos, semi) - text.count(")", pos, semi)
    while depth > 0:
        nxt = text.find(";", semi + 1, end)
        depth = text.count("(", pos, nxt) - text.count(")", pos, nxt)
        semi = nxt
    return ("simple", " ".join(text[pos:semi].split()), where), semi + 1


def _control(text, open_at, end, keyword, fname, name, where):
    """An if (with its else) or a switch whose '(' ends at @open_at."""
    close = closing(text, open_at, "(", ")")
    head = " ".join(text[open_at:close].split())
    after = skip_ws(text, close + 1, end)
    if keyword == "if":
        then, nxt = _statement(text, after, end, fname, name)
        nxt2 = skip_ws(text, nxt, end)
        other = None
        if re.match(r"else\b", text[nxt2:end]):
            other, nxt = _statement(text, skip_ws(text, nxt2 + 4, end), end, fname, name)
        return ("if", head, then, other, where), nxt
    if text[after] != "{":
        raise GenError(where, f"{fname}(): switch without a braced body")
    body_end = closing(text, after + 1, "{", "}")
    return ("switch", head, _cases(text, after + 1, body_end, fname, name), where), \
        body_end + 1


_LABEL = re.compile(r"\s*(?:case\s+([^:]+?)|(default))\s*:(?!:)")


def _cases(text, pos, end, fname, name):
    """[(labels, statements)] of a switch body, in order."""
    groups, labels = [], []
    while True:
        pos = skip_ws(text, pos, end)
        if pos >= end:
            break
        m = _LABEL.match(text, pos)
        if m:
            labels.append(m.group(1) or "default")
            pos = m.end()
            continue
        if not labels and (not groups):
            raise GenError(f"{name}:{line_of(text, pos)}",
                           f"{fname}(): switch body does not start with a label")
        stmts = []
        while True:
            pos = skip_ws(text, pos, end)
            if pos >= end or _LABEL.match(text, pos):
                break
            stmt, pos = _statement(text, pos, end, fname, name)
            stmts.append(stmt)
        groups.append((labels, stmts))
        labels = []
    if labels:
        groups.append((labels, []))
    return groups


def mask_value(text, macros, where):
    """The 64-bit value of the mask expression @text: ~ & | ( ), numbers,
    @macros ({name: value}), GENMASK[_ULL](h, l), BIT[_ULL](n), UL()/ULL(),
    ARM64_FEATURE_MASK(field) (6.12)."""
    return _MaskExpr(text, macros, where).value()


class _MaskExpr:
    """A recursive-descent reader of one mask expression."""

    _TOKEN = re.compile(r"\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*|\s*([A-Za-z_]\w*)|\s*([~&|(),])")

    def __init__(self, text, macros, where):
        self.toks, self.macros, self.where = [], macros, where
        pos = 0
        text = text.strip()
        while pos < len(text):
            m = self._TOKEN.match(text, pos)
            if not m:
                raise GenError(where, f"cannot read mask expression '{text}'")
            self.toks.append(m.group(1) or m.group(2) or m.group(3))
            pos = m.end()
        self.i = 0

    def _peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else None

    def _take(self, want=None):
        tok = self._peek()
        if tok is None or (want and tok != want):
            raise GenError(self.where, f"mask expression: expected {want or 'more'}, "
                                       f"found {tok}")
        self.i += 1
        return tok

    def value(self):
        v = self._or()
        if self._peek() is not None:
            raise GenError(self.where, f"mask expression: unexpected '{self._peek()}'")
        return v & MASK64

    def _or(self):
        v = self._and()
        while self._peek() == "|":
            self._take()
            v |= self._and()
        return v

    def _and(self):
        v = self._unary()
        while self._peek() == "&":
            self._take()
            v &= self._unary()
        return v

    def _unary(self):
        if self._peek() == "~":
            self._take()
            return ~self._unary() & MASK64
        return self._atom()

    def _args(self):
        self._take("(")
        args = [self._or()]
        while self._peek() == ",":
            self._take()
            args.append(self._or())
        self._take(")")
        return args

    def _atom(self):
        tok = self._take()
        if tok == "(":
            v = self._or()
            self._take(")")
            return v
        if tok[0].isdigit():
            return int(tok, 0)
        if tok in ("GENMASK", "GENMASK_ULL"):
            hi, lo = self._args()
            return ((1 << (hi - lo + 1)) - 1) << lo
        if tok in ("BIT", "BIT_ULL"):
            return 1 << self._args()[0]
        if tok in ("UL", "ULL"):
            return self._args()[0]
        if tok == "ARM64_FEATURE_MASK":
            # sysreg.h: GENMASK_ULL(x##_SHIFT + 3, x##_SHIFT), x a field
            field = self._args()[0]
            if not field:
                raise GenError(self.where, "ARM64_FEATURE_MASK() of an empty field")
            return 0xf << ((field & -field).bit_length() - 1)
        if tok in self.macros:
            return self.macros[tok]
        raise GenError(self.where, f"mask expression: unknown macro '{tok}' "
                                   f"(not defined by this kernel's sysreg file)")
