"""Reading AARE text the way apparmor_parser does, into a regular-expression tree.

Upstream compiles a glob in four steps, and this module mirrors each one so that odd
inputs mean here what they mean there:

1. `processunquoted` decodes escapes (`\\x41`, `\\101`, `\\n`, ...); an escape that decodes
   to a glob character (`*?[]{}^,\\`) stays escaped, and one decoding to NUL stays as written;
2. `filter_slashes` collapses runs of `/` (a leading `//` is kept), for paths only;
3. `convert_aaregex_to_pcre` turns globs into regex tokens (`*` into `[^/\\0]*`, `{a,b}` into
   `(a|b)`) and reports upstream's "Regex grouping error" messages;
4. libapparmor_re's regex grammar reads those tokens into a tree; it rejects some
   character classes (`[]`, a misplaced `-`) without a message of its own.

Everything works on the UTF-8 bytes of the text, as the kernel matches bytes.  Errors carry
byte offsets into those bytes.  A leftover `@{VAR}` reference is reported as an error:
variables are expanded before globbing (by `armorsmith.resolve`), never here.
"""

from __future__ import annotations

from dataclasses import dataclass

from armorsmith.diagnostics import Code, Diagnostic, Severity

__all__ = ["Alt", "Cat", "GlobError", "Leaf", "Node", "Star", "Syntax", "read"]

MAX_NESTING = 50
"""Upstream's MAX_ALT_DEPTH: the 50th nested `{` is an error."""

ALL_BYTES = (1 << 256) - 1


@dataclass(frozen=True, slots=True)
class GlobError:
    """One problem in a glob: its code, message and byte range [start, end) in the text."""

    code: Code
    message: str
    start: int
    end: int

    @property
    def severity(self) -> Severity:
        """The default severity of the code."""
        return self.code.severity

    def diagnostic(self, offset: int) -> Diagnostic:
        """Return this problem as a diagnostic, for glob text that starts at byte `offset`."""
        return Diagnostic.of(self.code, self.message, offset + self.start, offset + self.end)


@dataclass(frozen=True, slots=True)
class Leaf:
    """One byte out of a set; `mask` has bit b set when byte b matches."""

    mask: int


@dataclass(frozen=True, slots=True)
class Cat:
    """The items one after the other; no items matches the empty string."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Alt:
    """Any one of the items."""

    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Star:
    """The item repeated zero or more times."""

    item: Node


Node = Leaf | Cat | Alt | Star
"""A regular-expression tree over bytes."""


@dataclass(frozen=True, slots=True)
class Syntax:
    """What reading a glob gives: the tree (None after an error) and the problems found.

    `literal_prefix` is the text before the first glob construct, escapes decoded (all of
    the text when `is_literal`): upstream's `first_re_pos` cut.
    """

    tree: Node | None
    errors: tuple[GlobError, ...]
    is_literal: bool
    literal_prefix: bytes


# Step 1: escapes.

_OCTAL = b"01234567"
_DECIMAL = b"0123456789"
_HEX = b"0123456789abcdefABCDEF"
_CONTROL = {ord("a"): 7, ord("e"): 27, ord("f"): 12, ord("n"): 10, ord("r"): 13, ord("t"): 9}
_KEPT_ESCAPED = frozenset(b"*?[]{}^,\\")


def _number(data: bytes, pos: int, digits: bytes, base: int, width: int) -> tuple[int, int] | None:
    """Read up to `width` digits at `pos` while the value stays <= 255, as upstream's strntol."""
    value, end = 0, pos
    while end < len(data) and end - pos < width and data[end] in digits:
        bigger = value * base + int(chr(data[end]), base)
        if bigger > 255:
            break
        value, end = bigger, end + 1
    return (value, end) if end > pos else None


def _escape(data: bytes, pos: int) -> tuple[int, int] | None:
    """Decode the escape whose backslash is just before `pos`: (byte, end) or None.

    Octal `\\ooo`, `\\xHH`, `\\dNNN`, `\\\\`, `\\"` and the control letters, as upstream's
    strn_escseq with no extra characters.
    """
    if pos >= len(data):
        return None
    char = data[pos]
    if char in _OCTAL:
        return _number(data, pos, _OCTAL, 8, 3)
    if char in (ord("\\"), ord('"')):
        return char, pos + 1
    if char == ord("d"):
        return _number(data, pos + 1, _DECIMAL, 10, 3)
    if char == ord("x"):
        return _number(data, pos + 1, _HEX, 16, 2)
    if char in _CONTROL:
        return _CONTROL[char], pos + 1
    return None


Unit = tuple[int, int, int]
"""A byte of processed text with the range [start, end) of the source it came from."""


def _unescape(data: bytes) -> list[Unit]:
    """Step 1, upstream's processunquoted: decode escapes, keeping glob characters escaped."""
    units: list[Unit] = []
    pos = 0
    while pos < len(data):
        decoded = _escape(data, pos + 1) if data[pos] == ord("\\") and pos + 1 < len(data) else None
        if decoded is None:
            units.append((data[pos], pos, pos + 1))
            pos += 1
            continue
        value, end = decoded
        if value == 0:
            units += [(byte, pos, end) for byte in data[pos:end]]
        elif value in _KEPT_ESCAPED:
            units += [(ord("\\"), pos, end), (value, pos, end)]
        else:
            units.append((value, pos, end))
        pos = end
    return units


_SLASH = ord("/")
_STAR = ord("*")


def _filter_slashes(units: list[Unit]) -> list[Unit]:
    """Step 2, upstream's filter_slashes: one `/` for each run, a leading `//` kept."""
    if len(units) < 2:
        return units
    start = 0
    if units[0][0] == _SLASH and units[1][0] == _SLASH and (len(units) == 2 or units[2][0] != _SLASH):
        start = 2
    kept = units[:start]
    for unit in units[start:]:
        if unit[0] == _SLASH and len(kept) > start and kept[-1][0] == _SLASH:
            continue
        kept.append(unit)
    return kept


# Step 3: globs to regex tokens.  A token is (symbol, byte, start, end): symbol "c" is the
# literal byte; the others are the regex grammar's operators "[ ] ^ - ( ) | *".

Token = tuple[str, int, int, int]

_LEXER_ESCAPES = frozenset(b" \t!#()")
"""Escapes the lexer needs in unquoted text (`(` `)` in lists); upstream warns about them."""


@dataclass
class _Converter:
    """The state of one run of step 3 over processed units."""

    units: list[Unit]
    tokens: list[Token]
    errors: list[GlobError]
    first_glob: int | None = None

    def emit(self, symbol: str, byte: int, start: int, end: int) -> None:
        self.tokens.append((symbol, byte, start, end))

    def literal(self, byte: int, start: int, end: int) -> None:
        self.tokens.append(("c", byte, start, end))

    def raw(self, byte: int, start: int, end: int) -> None:
        """Emit a byte copied unchanged into upstream's regex: `-` stays an operator."""
        self.tokens.append(("-" if byte == ord("-") else "c", byte, start, end))

    def not_slash(self, start: int, end: int, *, slash: bool = True) -> None:
        """Emit `[^/\\0]` (or `[^\\0]` when `slash` is False)."""
        self.emit("[", ord("["), start, end)
        self.emit("^", ord("^"), start, end)
        if slash:
            self.literal(_SLASH, start, end)
        self.literal(0, start, end)
        self.emit("]", ord("]"), start, end)

    def star(self, index: int) -> tuple[int, int]:
        """Emit the `*` or `**` at unit `index`; return the index of its last unit and its end.

        A run of stars that is a whole path component (after a `/`, before a `/` or the
        end) must match at least one character, so it starts with one `[^/\\0]`.
        """
        units = self.units
        start, end = units[index][1], units[index][2]
        following = index
        while following < len(units) and units[following][0] == _STAR:
            following += 1
        last = self.tokens[-1] if self.tokens else None
        whole = following == len(units) or units[following][0] == _SLASH
        if last is not None and last[0] == "c" and last[1] == _SLASH and whole:
            self.not_slash(start, end)
        if index + 1 < len(units) and units[index + 1][0] == _STAR:
            index += 1
            end = units[index][2]
            self.not_slash(start, end, slash=False)
        else:
            self.not_slash(start, end)
        self.emit("*", _STAR, start, end)
        return index, end

    def glob_seen(self) -> None:
        """Note that a glob construct starts here, ending the literal prefix."""
        if self.first_glob is None:
            self.first_glob = len(self.tokens)

    def error(self, message: str, start: int, end: int) -> None:
        self.errors.append(GlobError(Code.GLOB_SYNTAX_ERROR, message, start, end))

    def warn(self, code: Code, message: str, start: int, end: int) -> None:
        self.errors.append(GlobError(code, message, start, end))


def _convert(units: list[Unit]) -> _Converter:
    """Step 3, upstream's convert_aaregex_to_pcre: stops at the first grouping error."""
    out = _Converter(units, [], [])
    escaped = False
    escape_start = 0
    depth = 0
    counts = [0] * (MAX_NESTING + 1)
    opens: list[int] = []
    class_start: int | None = None
    failed = False
    index = 0
    while index < len(units):
        byte, start, end = units[index]
        char = chr(byte)
        if escaped:
            start = escape_start
        if char == "\\" and not escaped:
            escaped, escape_start = True, start
            index += 1
            continue
        if escaped and char in "\\*?[]{},":
            out.literal(byte, start, end)
        elif char in "*?":
            if class_start is not None:
                out.warn(
                    Code.GLOB_CHARACTER_IN_CLASS,
                    f"'{char}' inside a character class is expanded as a glob, not matched literally;"
                    f" write '\\{char}'",
                    start,
                    end,
                )
            out.glob_seen()
            if char == "?":
                out.not_slash(start, end)
            else:
                index, end = out.star(index)
        elif char == "[":
            out.glob_seen()
            class_start = start
            out.emit("[", byte, start, end)
        elif char == "]":
            if class_start is None:
                out.error("Invalid close ], no matching open [ detected", start, end)
                failed = True
                break
            class_start = None
            out.emit("]", byte, start, end)
        elif char in "{}," and class_start is not None:
            out.literal(byte, start, end)
        elif char == "{":
            out.glob_seen()
            depth += 1
            if depth >= MAX_NESTING:
                out.error("Exceeded maximum nesting of {}", start, end)
                failed = True
                break
            counts[depth] = 0
            opens.append(start)
            out.emit("(", byte, start, end)
        elif char == "}":
            if depth == 0:
                out.error("Invalid close }, no matching open { detected", start, end)
                failed = True
                break
            if counts[depth] == 0:
                out.error("Invalid number of items between {}", opens[-1], end)
                failed = True
                break
            depth -= 1
            opens.pop()
            out.emit(")", byte, start, end)
        elif char == ",":
            if depth:
                counts[depth] += 1
                out.emit("|", byte, start, end)
            else:
                out.literal(byte, start, end)
        elif char in "^$":
            out.emit("^", byte, start, end) if char == "^" and class_start is not None else out.literal(byte, start, end)
        elif escaped:
            decoded = _escape(bytes(unit[0] for unit in units), index)
            if decoded is not None:
                value, after = decoded
                out.literal(value, start, units[after - 1][2])
                index = after - 1
            else:
                if byte not in _LEXER_ESCAPES:
                    shown = char if char.isprintable() else f"\\x{byte:02x}"
                    out.warn(
                        Code.GLOB_UNNECESSARY_ESCAPE,
                        f"Character {shown} was quoted unnecessarily, dropped preceding quote ('\\') character",
                        start,
                        end,
                    )
                out.raw(byte, start, end)
        else:
            out.raw(byte, start, end)
        escaped = False
        index += 1
    if not failed and (depth > 0 or class_start is not None):
        where = class_start if class_start is not None else opens[-1]
        out.error("Unclosed grouping or character class, expecting close }", where, where + 1)
    elif not failed and escaped:
        out.error("trailing '\\' escape character", escape_start, escape_start + 1)
    return out


# Step 4: the regex grammar of libapparmor_re (parse.y), over the tokens of step 3.

_CLASS_MEMBER = frozenset("c[*|()")
"""Tokens that stand for themselves anywhere in a class (parse.y's cset_char)."""


class _RegexError(Exception):
    """Step 4 met tokens the regex grammar rejects; carries the problem."""

    def __init__(self, error: GlobError) -> None:
        super().__init__(error.message)
        self.error = error


class _RegexReader:
    """A recursive-descent reader for libapparmor_re's regex grammar."""

    def __init__(self, tokens: list[Token], text_end: int) -> None:
        self.tokens = tokens
        self.pos = 0
        self.text_end = text_end

    def peek(self) -> str | None:
        return self.tokens[self.pos][0] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def fail(self, message: str, start: int) -> _RegexError:
        end = self.tokens[self.pos][3] if self.pos < len(self.tokens) else self.text_end
        return _RegexError(GlobError(Code.GLOB_SYNTAX_ERROR, message, start, max(end, start + 1)))

    def regex(self) -> Node:
        alternatives = [self.terms()]
        while self.peek() == "|":
            self.take()
            alternatives.append(self.terms())
        return alternatives[0] if len(alternatives) == 1 else Alt(tuple(alternatives))

    def terms(self) -> Node:
        items: list[Node] = []
        while self.peek() not in (None, "|", ")"):
            item = self.term()
            if self.peek() == "*":
                self.take()
                item = Star(item)
            items.append(item)
        return items[0] if len(items) == 1 else Cat(tuple(items))

    def term(self) -> Node:
        symbol, byte, start, _ = self.take()
        if symbol == "[":
            return self.char_class(start)
        if symbol == "(":
            inner = self.regex()
            if self.peek() != ")":
                raise self.fail("unbalanced group in the compiled glob", start)
            self.take()
            return inner
        if symbol in ("c", "^", "-", "]"):
            return Leaf(1 << byte)
        self.pos -= 1
        raise self.fail(f"unexpected '{chr(byte)}' in the compiled glob", start)

    def member(self, start: int, allowed: frozenset[str]) -> int:
        """Take one class member out of the `allowed` tokens and return its byte."""
        symbol = self.peek()
        if symbol is None:
            raise self.fail(
                "empty character class: apparmor_parser takes the ']' right after '[' or '[^'"
                " as a member and finds no closing ']'; write '\\]' for a literal ']'",
                start,
            )
        if symbol not in allowed:
            raise self.fail(
                "invalid character class: a '-' must come first or join the two ends of a range",
                start,
            )
        return self.take()[1]

    def char_class(self, start: int) -> Leaf:
        negated = self.peek() == "^"
        members = 0
        if negated:
            self.take()
        first: frozenset[str] = _CLASS_MEMBER | {"]", "-"}
        if negated and self.peek() == "^":
            self.take()
            members |= 1 << ord("^")
        else:
            members |= self.range_from(self.member(start, first), start)
        while self.peek() != "]":
            members |= self.range_from(self.member(start, _CLASS_MEMBER | {"^"}), start)
        self.take()
        return Leaf(ALL_BYTES & ~members if negated else members)

    def range_from(self, low: int, start: int) -> int:
        """Return the mask of `low` alone, or of the range `low-high` when a `-` follows."""
        if self.peek() != "-":
            return 1 << low
        self.take()
        high = self.member(start, _CLASS_MEMBER | {"^"})
        low, high = min(low, high), max(low, high)
        return ((1 << (high + 1)) - 1) & ~((1 << low) - 1)


def _variable_errors(data: bytes) -> list[GlobError]:
    errors = []
    start = data.find(b"@{")
    while start != -1:
        close = data.find(b"}", start)
        end = close + 1 if close != -1 else len(data)
        name = data[start:end].decode("utf-8", "surrogateescape")
        errors.append(
            GlobError(Code.GLOB_SYNTAX_ERROR, f"variable {name} must be expanded before globbing", start, end)
        )
        start = data.find(b"@{", end)
    return errors


def read(text: str, *, collapse_slashes: bool = True) -> Syntax:
    """Read the glob `text` (quotes removed, escapes as written, variables expanded).

    `collapse_slashes` applies step 2, which upstream applies to paths but not to labels.
    """
    data = text.encode("utf-8", "surrogateescape")
    unexpanded = _variable_errors(data)
    if unexpanded:
        return Syntax(None, tuple(unexpanded), False, b"")
    units = _unescape(data)
    converted = _convert(_filter_slashes(units) if collapse_slashes else units)
    tokens = converted.tokens
    cut = converted.first_glob if converted.first_glob is not None else len(tokens)
    prefix = bytes(token[1] for token in tokens[:cut])
    errors = converted.errors
    tree: Node | None = None
    if not any(error.severity is Severity.ERROR for error in errors):
        reader = _RegexReader(tokens, len(data))
        try:
            tree = reader.regex()
            if reader.pos != len(tokens):
                raise reader.fail("unbalanced group in the compiled glob", tokens[reader.pos][2])
        except _RegexError as problem:
            errors = [*errors, problem.error]
            tree = None
    return Syntax(tree, tuple(errors), converted.first_glob is None, prefix)
