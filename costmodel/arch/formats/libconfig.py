"""libconfig (``.cfg``) text: confined, inert ``@include``, and parsing with the line of every key.

``@include "FILE"`` is libconfig's directive, honoured ONLY as a directive: at the start of a line, outside
strings and comments (a quoted ``@include`` is text, a commented one is a comment). FILE is resolved in the
top file's folder and, with symlinks followed, must stay inside it (``allow_outside`` lifts this: CLI
``--allow-include-outside`` / ``$COSTMODEL_ALLOW_INCLUDE_OUTSIDE=1``); it must be a regular file; includes nest at
most `MAX_DEPTH` deep (libconfig's own limit) and all files together hold at most `MAX_TOTAL_BYTES`.
`expand` gives the text with each directive replaced by the file it names (what a registered copy stores).
Errors name the file, line and column, never the text: no included content reaches a message. After
inlining, a line number counts in the inlined text (what a registered copy holds).
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from ...errors import CostModelError
from ...validate import read_text
from .schema import shown

MAX_DEPTH = 10
MAX_TOTAL_BYTES = 4 << 20
_DIRECTIVE = re.compile(r'@include[ \t]+"((?:[^"\\\n]|\\.)*)"[ \t]*(?=\n|$)')


def _libconf():
    from ...extras import require                 # one error line naming the [timeloop] extra and the command
    return require("libconf", "reading a libconfig .cfg")


def _scan(text: str, where: str):
    """Yield ('token', Token) and ('include', name, line, (start, end)) of libconfig text, in order."""
    libconf = _libconf()
    pos, row, col = 0, 1, 1
    while pos < len(text):
        line_start = text.rfind("\n", 0, pos) + 1
        if text.startswith("@include", pos) and not text[line_start:pos].strip():
            m = _DIRECTIVE.match(text, pos)
            if not m:
                raise CostModelError(f"{where}: line {row}: malformed @include (write @include \"FILE\" alone on "
                                     f"its line)")
            yield "include", m.group(1), row, (m.start(), m.end())
            col += m.end() - pos
            pos = m.end()
            continue
        m = libconf.SKIP_RE.match(text, pos)
        if m:
            skipped = m.group(0).split("\n")
            row, col = row + len(skipped) - 1, (col + len(skipped[0]) if len(skipped) == 1 else 1 + len(skipped[-1]))
            pos = m.end()
            continue
        for cls, kind, regex in libconf.Tokenizer.token_map:
            m = regex.match(text, pos)
            if m:
                try:
                    token = cls(kind, m.group(0), where, row, col)
                except Exception:            # e.g. an integer with a leading zero, a bad escape in a string
                    raise CostModelError(f"{where}: line {row}, column {col}: not valid libconfig (a malformed "
                                         f"{kind})") from None
                yield "token", token
                col, pos = col + len(m.group(0)), m.end()
                break
        else:
            raise CostModelError(f"{where}: line {row}, column {col}: not valid libconfig (unexpected character)")


def expand(path, allow_outside: bool = False) -> str:
    """The text of a ``.cfg`` with its ``@include`` directives replaced by the files they name (see above)."""
    path = Path(path)
    allow = allow_outside or os.environ.get("COSTMODEL_ALLOW_INCLUDE_OUTSIDE") == "1"
    root = path.resolve().parent
    budget = [MAX_TOTAL_BYTES]
    return _expand(path, root, allow, (), budget)


def _expand(path: Path, root: Path, allow: bool, seen: tuple, budget: list) -> str:
    real = path.resolve()
    if real in seen:
        raise CostModelError(f"{seen[-1]}: circular @include of {path.name}")
    text = read_text(path, "Timeloop config")
    budget[0] -= len(text.encode())
    if budget[0] < 0:
        raise CostModelError(f"{path}: the config and its @include files exceed {MAX_TOTAL_BYTES:,} bytes")
    out, last = [], 0
    for item in _scan(text, str(path)):
        if item[0] != "include":
            continue
        _, name, row, (start, end) = item
        where = f"{path}: line {row}: @include {shown(name)}"
        if len(seen) + 1 > MAX_DEPTH:
            raise CostModelError(f"{where}: includes nest deeper than {MAX_DEPTH}")
        target = root / name
        real_target = target.resolve()
        if not allow and not real_target.is_relative_to(root):
            raise CostModelError(f"{where}: the file is outside the config's folder {root} (includes are "
                                 f"confined to it; --allow-include-outside or $COSTMODEL_ALLOW_INCLUDE_OUTSIDE=1 "
                                 f"allows more)")
        try:
            mode = real_target.stat().st_mode
        except OSError:
            raise CostModelError(f"{where}: no such file in {root}") from None
        if not stat.S_ISREG(mode):
            raise CostModelError(f"{where}: not a regular file")
        body = _expand(real_target, root, allow, (*seen, real), budget)   # the file checked is the file read
        out += [text[last:start], body if body.endswith("\n") or not body else body + "\n"]
        last = end + (1 if text[end:end + 1] == "\n" and (body.endswith("\n") or not body) else 0)
    return "".join(out) + text[last:]


def parse(text: str, where: str) -> tuple[dict, dict]:
    """(settings as plain dicts/lists, {key path: line}) of libconfig text without @include directives."""
    libconf = _libconf()
    tokens = []
    for item in _scan(text, where):
        if item[0] == "include":
            raise CostModelError(f"{where}: line {item[2]}: @include in text that should stand alone (read the file "
                                 f"by its path)")
        tokens.append(item[1])
    parser = _Parser(libconf.TokenStream(tokens))
    try:
        data = parser.parse()
    except (libconf.ConfigParseError, RecursionError):
        t = parser.tokens.peek()
        at = f"line {t.row}, column {t.column}: unexpected {t.type}" if t is not None else "unexpected end of input"
        raise CostModelError(f"{where}: not valid libconfig: {at}") from None
    return _plain(data), parser.lines


def _plain(v):
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    if isinstance(v, int) and not isinstance(v, bool):
        return int(v)
    return v


def _parser_class():
    libconf = _libconf()

    class Parser(libconf.Parser):
        """libconf's parser, recording the line of each setting and list item by its key path."""

        def __init__(self, tokens):
            super().__init__(tokens)
            self.path, self.lines = [], {}

        def setting(self):
            t = self.tokens.peek()
            if t is None or t.type != "name":
                return None
            self.path.append(t.text)
            self.lines.setdefault(tuple(self.path), t.row)
            try:
                return super().setting()
            finally:
                self.path.pop()

        def _comma_separated_list_or_empty(self, nonterminal):
            values = []
            while True:
                t = self.tokens.peek()
                self.path.append(len(values))
                if t is not None:
                    self.lines.setdefault(tuple(self.path), t.row)
                try:
                    v = nonterminal()
                finally:
                    self.path.pop()
                if v is None:
                    return values
                values.append(v)
                if not self.tokens.accept(","):
                    return values

    return Parser


def _Parser(tokens):
    return _parser_class()(tokens)
