"""Tables that read at any terminal width: no header or id split mid-word, no column dropped, no line too long.

:class:`Grid` is what :func:`csto.cli.common.table` returns. It chooses its layout when it is printed,
for the width it is printed at:

1. a boxed table whose columns are as wide as their widest line, when that fits;
2. else the same table with narrower columns, each at least as wide as its longest word (headers, ids,
   dates and prose alike are never split; only a URL or path longer than :data:`WORD_MAX` breaks, after
   a slash, its parts longer than that folded), the room left given first to the columns that want
   least (:func:`share`);
3. else the same without the box (a rule under the header and spaces between columns);
4. else one block per row: ``column: value`` items, the key (first column) first, as many to a line
   as fit, the lines after the first indented.

Cells are wrapped here, not by Rich, so that a word breaks only where these rules allow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

#: A URL or path longer than this breaks after a slash, and a part of it longer than this is folded.
#: Every other word is kept whole.
WORD_MAX = 16
_AFTER_SLASH = re.compile(r"[^/]*/+|[^/]+")
_INDENT = 2
_BETWEEN = " · "  # between two items of a block line


def pieces(word: str) -> list[str]:
    """``word`` cut where it may break: after each slash of a long URL or path; any other word whole."""
    return _AFTER_SLASH.findall(word) if "/" in word and len(word) > WORD_MAX else [word]


def narrowest(text: str) -> int:
    """The narrowest width ``text`` can be wrapped to: its longest word, or of a long URL its longest part."""
    widest = 0
    for word in text.split():
        parts = pieces(word)
        widest = max(widest, *(min(cell_len(p), WORD_MAX) if len(parts) > 1 else cell_len(p) for p in parts))
    return widest


def _spans(line: str, width: int) -> list[tuple[int, int]]:
    """Where to cut one line of text to wrap it at ``width``: (start, end) of each output line."""
    out: list[tuple[int, int]] = []
    start: int | None = None  # the output line being filled: its start (None: no line), its end
    end = 0
    for m in re.finditer(r"\S+", line):
        word, at = m.group(), m.start()
        if start is not None and cell_len(line[start:m.end()]) <= width:
            end = m.end()
            continue
        if start is not None:
            out.append((start, end))
            start = None
        if cell_len(word) <= width:
            start, end = at, m.end()
            continue
        for part in pieces(word):  # a word wider than the column: break it where it may break
            while part:
                take = _fit(part, width)
                if start is not None and cell_len(line[start:at + len(take)]) > width:
                    out.append((start, end))
                    start = None
                if start is None:
                    start = at
                end, at, part = at + len(take), at + len(take), part[len(take):]
    if start is not None:
        out.append((start, end))
    return out or [(0, 0)]


def _fit(part: str, width: int) -> str:
    """The longest head of ``part`` that fits in ``width`` cells (at least one character)."""
    used = 0
    for i, ch in enumerate(part):
        if used + cell_len(ch) > width and i:
            return part[:i]
        used += cell_len(ch)
    return part


def wrap(text: Text, width: int) -> Text:
    """``text`` with line breaks where it must break to fit ``width``; styles kept."""
    lines: list[Text] = []
    offset = 0
    for line in text.plain.split("\n"):
        lines += [text[offset + a:offset + b] for a, b in _spans(line, max(width, 1))]
        offset += len(line) + 1
    return Text("\n").join(lines)


def hanging(text: Text, width: int, indent: int) -> list[Text]:
    """``text`` as lines of at most ``width`` cells, every line after the first indented by ``indent``."""
    if "\n" in text.plain:
        text = Text(" ").join(text.split("\n"))
    spans = _spans(text.plain, width)
    lines = [text[spans[0][0]:spans[0][1]]]
    if len(spans) > 1:
        rest = wrap(text[spans[1][0]:], max(width - indent, 1))
        lines += [Text(" " * indent) + line for line in rest.split("\n")]
    return lines


def share(minimum: list[int], natural: list[int], room: int) -> list[int]:
    """Column widths from ``minimum`` up, ``room`` extra cells shared fairly: the columns that want least get
    all they want first (a date, a code), the rest split what is left evenly (the long texts wrap)."""
    widths = list(minimum)
    hungry = sorted((i for i in range(len(widths)) if natural[i] > minimum[i]), key=lambda i: natural[i] - minimum[i])
    while hungry and room > 0:
        each = room // len(hungry)
        i = hungry[0]
        if natural[i] - widths[i] <= each:  # satisfied in full
            room -= natural[i] - widths[i]
            widths[i] = natural[i]
            hungry.pop(0)
            continue
        for k, i in enumerate(hungry):  # the rest split evenly, the remainder to the first
            widths[i] += each + (1 if k < room - each * len(hungry) else 0)
        break
    return widths


@dataclass
class Grid:
    """A table (title, column headers, rows of :class:`Text` cells) laid out when it is printed."""

    title: Text | None
    columns: list[Text]
    rows: list[list[Text]]
    compact: bool = False

    @cached_property
    def _measures(self) -> tuple[list[int], list[int]]:
        """Each column's natural width (its widest line) and narrowest width (its longest unbreakable piece)."""
        cols = list(zip(self.columns, *self.rows)) if self.rows else [(c,) for c in self.columns]
        natural = [max(cell_len(line) for t in col for line in t.plain.split("\n")) for col in cols]
        return natural, [max(narrowest(t.plain) for t in col) for col in cols]

    def widths(self, room: int) -> list[int] | None:
        """Column widths that fit ``room`` cells of text, or None."""
        natural, minimum = self._measures
        if sum(minimum) > room:
            return None
        return share(minimum, natural, room - sum(minimum))

    def table(self, widths: list[int], boxed: bool) -> Table:
        if boxed:
            t = Table(show_lines=False)
        else:
            t = Table(show_lines=False, box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
        for header, w in zip(self.columns, widths):
            t.add_column(wrap(header, w), width=w, no_wrap=True, overflow="crop")
        for row in self.rows:
            t.add_row(*(wrap(c, w) for c, w in zip(row, widths)))
        return t

    def blocks(self, width: int) -> list[Text]:
        """One block per row (the last resort for narrow terminals): ``column: value`` items, the key's first,
        as many to a line as fit; every line after the key's first is indented."""
        out: list[Text] = []
        for row in self.rows:
            lines = hanging(Text.assemble(self.columns[0], ": ", row[0]), width, _INDENT)
            open_end = len(lines) == 1  # may the next item join the last line?
            for header, value in zip(self.columns[1:], row[1:]):
                if not value.plain.strip():
                    continue
                item = Text.assemble(header, ": ", value)
                if open_end and "\n" not in item.plain and cell_len(lines[-1].plain + _BETWEEN + item.plain) <= width:
                    lines[-1] = Text.assemble(lines[-1], _BETWEEN, item)
                    continue
                wrapped = hanging(item, width - _INDENT, _INDENT)
                lines += [Text(" " * _INDENT) + line for line in wrapped]
                open_end = len(wrapped) == 1
            out += lines
        return out

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        if self.title is not None:
            title = wrap(self.title, width)
            title.stylize("table.title")
            yield title
        n = len(self.columns)
        for boxed, overhead in ((True, 3 * n + 1), (False, 3 * n - 3)):
            if boxed and self.compact:
                continue
            widths = self.widths(width - overhead)
            if widths is not None:
                yield self.table(widths, boxed)
                return
        yield from self.blocks(width)


@dataclass
class Paragraph:
    """Text wrapped to the width it is printed at: every line indented by ``indent``, and the lines after the
    first of each paragraph (a line of the text) by ``hang`` more; blank lines kept."""

    text: Text
    indent: int = 0
    hang: int = 2

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        room = max(options.max_width - self.indent, 1)
        for line in self.text.split("\n", allow_blank=True):
            for part in hanging(line, room, self.hang) if line.plain.strip() else [Text("")]:
                yield Text(" " * self.indent) + part
