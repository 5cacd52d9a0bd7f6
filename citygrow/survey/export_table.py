"""A survey cycle's answers as one table: a row per city, columns per commitment, the way
survey tools (KoboToolbox, LimeSurvey) export them. Plain Python: no Django here.

Columns, in order (docs/charter.md, "Exports"):

- `city`, `country`, `status`, `submitted` (ISO date or empty);
- per commitment, in questionnaire order: `<code>` (the rating's code: fully, partly,
  not_at_all, not_applicable, dont_know, or empty when not rated), `<code>_evidence`,
  `<code>_links` (one per line), then one column `<code>.<question>` per extra question;
- per role: `<role>_note`;
- per role: `<role>_score`, then `overall_score` (0-100, one decimal; empty when none).

Header rows: "codes" (one row of column codes), "labels" (one row of readable labels) or
"both" (codes, then labels), as the reader chooses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any


class Header(StrEnum):
    CODES = "codes"
    LABELS = "labels"
    BOTH = "both"


@dataclass(frozen=True)
class Question:
    code: str
    text: str


@dataclass(frozen=True)
class CommitmentColumn:
    code: str
    text: str
    questions: Sequence[Question] = ()


@dataclass(frozen=True)
class RoleColumn:
    code: str
    title: str
    commitments: Sequence[CommitmentColumn]


@dataclass(frozen=True)
class Answer:
    rating: str
    evidence: str = ""
    links: Sequence[str] = ()
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CityRow:
    city: str
    country: str
    status: str
    submitted: date | None
    answers: Mapping[str, Answer]
    """Commitment code -> its answer (a commitment not rated is missing)."""
    notes: Mapping[str, str]
    """Role code -> the city's note."""
    scores: Mapping[str, Decimal | None]
    """Role code -> score, and "overall"."""


@dataclass(frozen=True)
class Labels:
    """The readable labels of the fixed columns, in the reader's language."""

    city: str = "City"
    country: str = "Country"
    status: str = "Status"
    submitted: str = "Submitted"
    evidence: str = "evidence"
    links: str = "links"
    note: str = "note"
    score: str = "score"
    overall: str = "Overall score"


def columns(roles: Sequence[RoleColumn], labels: Labels) -> list[tuple[str, str]]:
    """(code, label) of every column, in order."""
    result = [
        ("city", labels.city),
        ("country", labels.country),
        ("status", labels.status),
        ("submitted", labels.submitted),
    ]
    for role in roles:
        for commitment in role.commitments:
            name = f"{commitment.code}: {commitment.text}"
            result += [
                (commitment.code, name),
                (f"{commitment.code}_evidence", f"{commitment.code}: {labels.evidence}"),
                (f"{commitment.code}_links", f"{commitment.code}: {labels.links}"),
            ]
            result += [
                (f"{commitment.code}.{question.code}", f"{commitment.code}: {question.text}")
                for question in commitment.questions
            ]
    result += [(f"{role.code}_note", f"{role.title}: {labels.note}") for role in roles]
    result += [(f"{role.code}_score", f"{role.title}: {labels.score}") for role in roles]
    result.append(("overall_score", labels.overall))
    return result


def _extra(value: Any) -> Any:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def row(city: CityRow, roles: Sequence[RoleColumn]) -> list[Any]:
    """One city's cells, in the order of `columns`."""
    cells: list[Any] = [city.city, city.country, city.status, city.submitted]
    for role in roles:
        for commitment in role.commitments:
            answer = city.answers.get(commitment.code)
            if answer is None:
                cells += [None, None, None]
                cells += [None for _question in commitment.questions]
                continue
            cells += [answer.rating, answer.evidence, "\n".join(answer.links)]
            cells += [_extra(answer.extra.get(q.code)) for q in commitment.questions]
    cells += [city.notes.get(role.code) or None for role in roles]
    cells += [city.scores.get(role.code) for role in roles]
    cells.append(city.scores.get("overall"))
    return cells


def table(
    roles: Sequence[RoleColumn],
    cities: Sequence[CityRow],
    *,
    header: Header = Header.BOTH,
    labels: Labels | None = None,
) -> tuple[list[list[Any]], list[list[Any]]]:
    """(header rows, rows) of the cycle's table."""
    named = columns(roles, labels or Labels())
    heads: list[list[Any]] = []
    if header in (Header.CODES, Header.BOTH):
        heads.append([code for code, _label in named])
    if header in (Header.LABELS, Header.BOTH):
        heads.append([label for _code, label in named])
    return heads, [row(city, roles) for city in cities]
