"""What changed between two editions of a toolkit: added, removed and reworded.

No Django here. `compare_editions(old, new)` takes two editions' data in the toolkit file's
shape (`Toolkit.as_data()`, docs/toolkit-format.md) and lists the changes, in the order of the
file: the edition's own fields, its terms, its key factors (each with its fields, guide
questions and examples), its context factors. The edition's year and status are not compared
(they always differ).

How items are matched, from the old edition to the new:
- terms by the term, context factors by category (ignoring case);
- key factors by heading (ignoring case); a key factor left unmatched is paired with the one
  left unmatched at the same position, if any (its heading was reworded); the rest are added
  or removed;
- guide questions of a matched key factor by their text, then by position as key factors;
- examples of a matched key factor by city (the first example of a city with the first, ...).
A matched item whose text differs is "reworded", with a word-by-word diff of the text.
Comparing an edition with itself finds nothing; swapping the editions swaps added and removed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["added", "removed", "reworded"]


@dataclass(frozen=True)
class Piece:
    """A run of words of a reworded text: kept ("same"), or only in the old or the new one."""

    kind: Literal["same", "added", "removed"]
    text: str


@dataclass(frozen=True)
class Where:
    """Where a change is, as keys the pages put in words.

    `area` is "edition" (its own fields), "terms", "key_factors" (a whole key factor added or
    removed), "key_factor" (inside a matched key factor: `number` and `name` are its number
    and heading in the new edition) or "context_factors". `part` names what changed: one of
    FIELD_PARTS' keys, or "term", "key_factor", "question", "question_sub_items",
    "question_note", "example", "example_links", "example_note", "category"; `part_number`
    is a key factor's or question's number (from 1), `part_name` a term, a key factor's
    heading, an example's city or a category.
    """

    area: Literal["edition", "terms", "key_factors", "key_factor", "context_factors"]
    part: str
    number: int | None = None
    name: str = ""
    part_number: int | None = None
    part_name: str = ""


@dataclass(frozen=True)
class Change:
    """One difference: where, and the texts before and after ("" for the missing side of an
    added or removed item); `words` is the word diff of a reworded text."""

    kind: Kind
    where: Where
    old: str = ""
    new: str = ""
    words: tuple[Piece, ...] = ()


@dataclass(frozen=True)
class Comparison:
    old_year: int | None
    new_year: int | None
    changes: tuple[Change, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return not self.changes

    def of_kind(self, kind: Kind) -> list[Change]:
        return [change for change in self.changes if change.kind == kind]

    def sections(self) -> list[tuple[Where, list[Change]]]:
        """The changes grouped by area (and key factor), in order; the `Where` of a group is
        that of its first change."""
        grouped: dict[tuple[str, int | None], list[Change]] = {}
        for change in self.changes:
            grouped.setdefault((change.where.area, change.where.number), []).append(change)
        return [(changes[0].where, changes) for changes in grouped.values()]


_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def word_diff(old: str, new: str) -> tuple[Piece, ...]:
    """The word-by-word difference of two texts: joining the "same" and "removed" pieces gives
    `old`, joining the "same" and "added" ones gives `new`."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    pieces: list[Piece] = []

    def add(kind: Literal["same", "added", "removed"], tokens: Sequence[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if pieces and pieces[-1].kind == kind:
            pieces[-1] = Piece(kind, pieces[-1].text + text)
        else:
            pieces.append(Piece(kind, text))

    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("same", a[i1:i2])
        else:
            add("removed", a[i1:i2])
            add("added", b[j1:j2])
    return tuple(pieces)


def _text(value: Any) -> str:
    """A field's value as text: lists (sub-items, links, examples) one item a line."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(_text(item) for item in value)
    return str(value)


def _get(data: dict[str, Any], path: str) -> Any:
    value: Any = data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


class _Collector:
    def __init__(self) -> None:
        self.changes: list[Change] = []

    def field(self, where: Where, old: Any, new: Any) -> None:
        before, after = _text(old), _text(new)
        if before == after:
            return
        if not before:
            self.changes.append(Change("added", where, "", after))
        elif not after:
            self.changes.append(Change("removed", where, before, ""))
        else:
            self.changes.append(Change("reworded", where, before, after, word_diff(before, after)))

    def item(self, kind: Kind, where: Where, text: str) -> None:
        if kind == "added":
            self.changes.append(Change("added", where, "", text))
        else:
            self.changes.append(Change("removed", where, text, ""))


Pair = tuple[int | None, int | None]


def match(
    old: Sequence[Any], new: Sequence[Any], key: Callable[[Any], str], *, by_position: bool
) -> list[Pair]:
    """Pairs of indexes (old, new) of matched items, then (old, None) for removed and
    (None, new) for added ones. Items match by `key` (the n-th of a key with the n-th); with
    `by_position`, an item left over is paired with the one left over at the same index."""
    waiting: dict[str, list[int]] = {}
    for j, item in enumerate(new):
        waiting.setdefault(key(item), []).append(j)
    matched: dict[int, int] = {}
    for i, item in enumerate(old):
        queue = waiting.get(key(item))
        if queue:
            matched[i] = queue.pop(0)
    taken = set(matched.values())
    left_old = [i for i in range(len(old)) if i not in matched]
    left_new = [j for j in range(len(new)) if j not in taken]
    if by_position:
        for i in list(left_old):
            if i in left_new:
                matched[i] = i
                left_old.remove(i)
                left_new.remove(i)
    pairs: list[Pair] = [(i, j) for i, j in sorted(matched.items(), key=lambda p: p[1])]
    pairs += [(i, None) for i in left_old]
    pairs += [(None, j) for j in left_new]
    return pairs


def _folded(value: Any) -> str:
    return " ".join(_text(value).split()).casefold()


#: The edition's own fields compared, by their path in the data: the `part` of their changes.
FIELD_PARTS = (
    "theme.title",
    "source.title",
    "source.publisher",
    "source.year",
    "source.url",
    "source.credit",
    "standard.statement",
    "standard.introduction",
    "coverage_notes",
)


def compare_editions(old: dict[str, Any], new: dict[str, Any]) -> Comparison:
    """Everything added, removed and reworded from edition `old` to edition `new`."""
    out = _Collector()
    for path in FIELD_PARTS:
        out.field(Where("edition", path), _get(old, path), _get(new, path))
    _terms(out, old.get("terms") or [], new.get("terms") or [])
    _key_factors(out, old.get("key_factors") or [], new.get("key_factors") or [])
    _context_factors(out, old.get("context_factors") or [], new.get("context_factors") or [])
    return Comparison(
        old_year=_get(old, "edition.year"),
        new_year=_get(new, "edition.year"),
        changes=tuple(out.changes),
    )


def _terms(out: _Collector, old: list[Any], new: list[Any]) -> None:
    for i, j in match(old, new, lambda t: _folded(t.get("term")), by_position=False):
        if i is not None and j is not None:
            where = Where("terms", "term", part_name=str(new[j].get("term", "")))
            out.field(where, old[i].get("definition"), new[j].get("definition"))
        elif i is None or j is None:
            kind: Kind = "added" if i is None else "removed"
            term = new[j] if j is not None else old[i] if i is not None else {}
            where = Where("terms", "term", part_name=str(term.get("term", "")))
            out.item(kind, where, _text(term.get("definition")))


def _factor_text(factor: dict[str, Any]) -> str:
    questions = [_text(q.get("text")) for q in factor.get("guide_questions") or []]
    return "\n".join([_text(factor.get("why")), *questions])


def _key_factors(out: _Collector, old: list[Any], new: list[Any]) -> None:
    for i, j in match(old, new, lambda f: _folded(f.get("heading")), by_position=True):
        if i is not None and j is not None:
            before, after = old[i], new[j]
            area: dict[str, Any] = {
                "area": "key_factor",
                "number": j + 1,
                "name": str(after.get("heading", "")),
            }
            for part in ("heading", "summary", "why"):
                out.field(Where(part=part, **area), before.get(part), after.get(part))
            _questions(
                out, area, before.get("guide_questions") or [], after.get("guide_questions") or []
            )
            _examples(out, area, before.get("examples") or [], after.get("examples") or [])
        else:
            kind: Kind = "added" if i is None else "removed"
            index = j if j is not None else i if i is not None else 0
            factor = (new if j is not None else old)[index]
            where = Where(
                "key_factors",
                "key_factor",
                part_number=index + 1,
                part_name=str(factor.get("heading", "")),
            )
            out.item(kind, where, _factor_text(factor))


def _question_text(question: dict[str, Any]) -> str:
    return "\n".join([_text(question.get("text")), *map(_text, question.get("sub_items") or [])])


def _questions(out: _Collector, area: dict[str, Any], old: list[Any], new: list[Any]) -> None:
    for i, j in match(old, new, lambda q: _folded(q.get("text")), by_position=True):
        if i is not None and j is not None:
            for part, key in (
                ("question", "text"),
                ("question_sub_items", "sub_items"),
                ("question_note", "note"),
            ):
                where = Where(part=part, part_number=j + 1, **area)
                out.field(where, old[i].get(key), new[j].get(key))
        else:
            kind: Kind = "added" if i is None else "removed"
            index = j if j is not None else i if i is not None else 0
            question = (new if j is not None else old)[index]
            out.item(
                kind,
                Where(part="question", part_number=index + 1, **area),
                _question_text(question),
            )


def _examples(out: _Collector, area: dict[str, Any], old: list[Any], new: list[Any]) -> None:
    for i, j in match(old, new, lambda e: _folded(e.get("city")), by_position=False):
        if i is not None and j is not None:
            city = str(new[j].get("city", ""))
            for part, key in (
                ("example", "text"),
                ("example_links", "links"),
                ("example_note", "note"),
            ):
                out.field(
                    Where(part=part, part_name=city, **area), old[i].get(key), new[j].get(key)
                )
        else:
            kind: Kind = "added" if i is None else "removed"
            example = new[j] if j is not None else old[i] if i is not None else {}
            where = Where(part="example", part_name=str(example.get("city", "")), **area)
            out.item(kind, where, _text(example.get("text")))


def _context_factors(out: _Collector, old: list[Any], new: list[Any]) -> None:
    for i, j in match(old, new, lambda c: _folded(c.get("category")), by_position=False):
        if i is not None and j is not None:
            where = Where("context_factors", "category", part_name=str(new[j].get("category", "")))
            out.field(where, old[i].get("examples"), new[j].get("examples"))
        else:
            kind: Kind = "added" if i is None else "removed"
            factor = new[j] if j is not None else old[i] if i is not None else {}
            where = Where("context_factors", "category", part_name=str(factor.get("category", "")))
            out.item(kind, where, _text(factor.get("examples")))


def changes_in_words(comparison: Comparison) -> Iterator[str]:
    """The comparison as lines of plain text (for a log or a test's message)."""
    for change in comparison.changes:
        where = change.where
        place = " ".join(
            str(p)
            for p in (where.area, where.number, where.part, where.part_number, where.part_name)
            if p
        )
        yield f"{change.kind}: {place}"
