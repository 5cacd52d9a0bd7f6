"""Measuring and wrapping text set in DejaVu Sans, without loading a font (for SVG on the server).

SVG drawn on the server has no text layout of its own: every line break is decided here, by the
advance widths of DejaVu Sans and DejaVu Sans Bold (the fonts the pages and the PDFs use), read
from the generated table in _dejavu_metrics.py (bin/font-metrics). Widths are in the unit of the
font size: measure("Athens", 9) is the width in points of "Athens" set in 9 pt.

The measure is conservative: widths are rounded up, kerning (which in DejaVu Sans mostly brings
letters closer) is ignored, and a character that is not in the table (another script, an emoji,
a combining mark) counts as the widest glyph of the table, so that a line measured to fit its box
fits it when printed, whatever font the renderer falls back to for such a character.

Pure Python: no Django, no I/O.
"""

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from citygrow.publishing import _dejavu_metrics

ELLIPSIS = "\u2026"

#: Characters that XML 1.0 cannot hold (controls, lone surrogates, U+FFFE/U+FFFF): removed.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: The white space an SVG renderer collapses into one space (xml:space="default", CSS "normal").
_SPACES = re.compile("[ \t\n\r]+")
#: Joiners and variation selectors: they belong to the character before them.
_JOINING = frozenset("\u200d\u034f") | frozenset(map(chr, range(0xFE00, 0xFE10)))


def _table(lines: Sequence[str]) -> dict[int, int]:
    """Decode one table of _dejavu_metrics: code point -> advance width in 1/1000 em."""
    widths: dict[int, int] = {}
    for line in lines:
        first, *tokens = line.split()
        code_point = int(first, 16)
        for token in tokens:
            width, _, count = token.partition("*")
            for _ in range(int(count or 1)):
                widths[code_point] = int(width)
                code_point += 1
    return widths


_WIDTHS = {False: _table(_dejavu_metrics.REGULAR), True: _table(_dejavu_metrics.BOLD)}
#: The widest glyph of each table, in 1/1000 em: the width of a character not in the table.
WIDEST = {bold: max(table.values()) for bold, table in _WIDTHS.items()}


@dataclass(frozen=True)
class Fitted:
    """Text fitted into a box of so many lines: the lines, whether it was cut, what was kept."""

    lines: list[str]
    cut: bool  # True when the text did not fit and the last line ends with an ellipsis
    kept: int  # characters of the text shown (all of them when not cut)


def clean(text: str) -> str:
    """The text as it will be drawn: without characters XML cannot hold, white space collapsed."""
    return _SPACES.sub(" ", _NOT_XML.sub("", str(text))).strip(" ")


def measure(text: str, size: float = 1.0, *, bold: bool = False) -> float:
    """The width of `text` set in `size` (in the unit of `size`; in em by default)."""
    return _scaled(_units(text, bold), size)


def _units(text: str, bold: bool) -> int:
    """The width of `text` in 1/1000 em (an integer: sums of widths are exact)."""
    table = _WIDTHS[bold]
    widest = WIDEST[bold]
    return sum(table.get(ord(char), widest) for char in text)


def _scaled(units: int, size: float) -> float:
    # One expression for every comparison, so that wrap() and measure() never disagree.
    return units * size / 1000


def widest(size: float = 1.0, *, bold: bool = False) -> float:
    """The width of the widest character, in the unit of `size`: the narrowest box `wrap` takes."""
    return WIDEST[bold] * size / 1000


def wrap(text: str, width: float, size: float, *, bold: bool = False) -> list[str]:
    """The cleaned text broken into lines no wider than `width`, words kept whole where they fit.

    Lines break at spaces; a word wider than a whole line starts a new line and is broken between
    characters (never between a letter and the accents, joiners or variation selectors that
    follow it, unless that one cluster is itself wider than the line). Every word is kept, in
    order. Empty text gives no lines. Raises ValueError when `width` cannot hold the widest
    character (see widest()).
    """
    if width < widest(size, bold=bold):
        raise ValueError(f"A line of {width:g} cannot hold every character at size {size:g}.")
    space = _units(" ", bold)
    lines: list[str] = []
    current, current_units = "", 0
    for word in clean(text).split(" "):
        if not word:
            continue
        word_units = _units(word, bold)
        if current and _scaled(current_units + space + word_units, size) <= width:
            current, current_units = f"{current} {word}", current_units + space + word_units
            continue
        if current:
            lines.append(current)
        if _scaled(word_units, size) <= width:
            current, current_units = word, word_units
            continue
        pieces = _break_word(word, width, size, bold)
        lines.extend(pieces[:-1])
        current = pieces[-1]
        current_units = _units(current, bold)
    if current:
        lines.append(current)
    return lines


def fit(text: str, width: float, size: float, max_lines: int, *, bold: bool = False) -> Fitted:
    """The text wrapped into at most `max_lines` lines of `width`; cut with "…" when too long.

    When the text needs more lines, the last line kept is shortened until it and an ellipsis fit
    the width: by whole words where it has more than one, otherwise by characters.
    """
    lines = wrap(text, width, size, bold=bold)
    if len(lines) <= max(max_lines, 0):
        return Fitted(lines, cut=False, kept=len(" ".join(lines)))
    if max_lines <= 0:
        return Fitted([], cut=True, kept=0)
    kept = lines[:max_lines]
    last = kept[-1]
    clusters = list(_clusters(last))
    while clusters and measure("".join(clusters) + ELLIPSIS, size, bold=bold) > width:
        clusters.pop()
    shortened = "".join(clusters)
    if shortened != last and last[len(shortened)] != " " and " " in shortened.strip(" "):
        shortened = shortened.rstrip(" ").rsplit(" ", 1)[0]  # cut between words, not in one
    last = shortened.rstrip(" ")
    kept[-1] = last + ELLIPSIS
    return Fitted(kept, cut=True, kept=len(" ".join([*kept[:-1], last])))


def truncate(text: str, width: float, size: float, *, bold: bool = False) -> str:
    """The cleaned text on one line of `width`, cut with "…" when it does not fit."""
    lines = fit(text, width, size, 1, bold=bold).lines
    return lines[0] if lines else ""


def _clusters(word: str) -> Iterator[str]:
    """The word in pieces that are not to be split: a character and the marks joined to it."""
    cluster = ""
    for char in word:
        joined = cluster and (
            unicodedata.combining(char) or char in _JOINING or cluster[-1] == "\u200d"
        )
        if cluster and not joined:
            yield cluster
            cluster = ""
        cluster += char
    if cluster:
        yield cluster


def _break_word(word: str, width: float, size: float, bold: bool) -> list[str]:
    """A word wider than the line in pieces that each fit it (the last one possibly short)."""
    pieces: list[str] = []
    current, current_units = "", 0
    for cluster in _clusters(word):
        # A letter with a pile of marks wider than the line is split by code point.
        parts = [cluster] if _scaled(_units(cluster, bold), size) <= width else list(cluster)
        for part in parts:
            part_units = _units(part, bold)
            if current and _scaled(current_units + part_units, size) > width:
                pieces.append(current)
                current, current_units = "", 0
            current, current_units = current + part, current_units + part_units
    pieces.append(current)
    return pieces
