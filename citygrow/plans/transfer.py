"""A plan's actions to and from CSV and XLSX files (issue 7: cities keep their actions in a
spreadsheet, and bring the changes back).

The export has one row per action, in reading order, with plain column names (`COLUMNS`). The
`ref` column holds the action's reference as the PDF and Word file number it ("1.2", "1.2.1"
for a sub-action: see plans.numbering.numbered); `parent ref` the reference of the action it is
part of. An import matches rows to the plan's actions by `ref`: a known reference updates that
action, a new (or empty) one creates an action. Actions missing from the file are left alone.

Importing is in two steps. `read_table` reads the file (refusing early, without reading it all,
a file that is too large or has more than `MAX_ROWS` rows), `check_columns` checks its header
and `parse` checks every cell against what the plan knows (`Known`): it returns each row's
typed values and what it would change, and every error as "row N, column X: message". Nothing
is written while any error remains. `plans.services.import_actions` then writes the rows in one
transaction through `services.save_action`. Rows that change nothing are not written: an
export imported back unchanged leaves the plan (and its versions) untouched, and exports the
same file again.

Reading and parsing are plain Python with no database access; `known_for` and `export_rows`
are the parts that read the database. Nothing here writes.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from citygrow.plans.compare import ACTION_HEAD, ACTION_PLANNING
from citygrow.plans.numbering import numbered
from citygrow.publishing.tables import defuse, undefuse

COLUMNS: tuple[str, ...] = (
    "objective",
    "ref",
    "parent ref",
    "title",
    "description",
    "lead",
    "partners",
    "start",
    "end",
    "budget",
    "funding",
    "indicator",
    "baseline",
    "target",
    "risks",
    "status",
    "progress",
    "weight",
)

#: Text columns: the Action field each fills, and its longest length.
TEXT: dict[str, tuple[str, int]] = {
    "title": ("title", 300),
    "description": ("description", 10_000),
    "lead": ("lead", 200),
    "partners": ("partners", 2_000),
    "funding": ("funding", 200),
    "indicator": ("indicator", 300),
    "baseline": ("baseline", 100),
    "target": ("target", 100),
    "risks": ("risks", 2_000),
}
#: The fields of an action an import sets, as compared to see what a row changes.
FIELDS: tuple[str, ...] = (*ACTION_HEAD, *ACTION_PLANNING, "status_id", "progress", "weight")
#: The column each field comes from (for the preview's list of changed columns).
COLUMN_OF = {
    **{name: column for column, (name, _limit) in TEXT.items()},
    "starts_on": "start",
    "ends_on": "end",
    "budget": "budget",
    "status_id": "status",
    "progress": "progress",
    "weight": "weight",
    "objective_id": "objective",
    "parent": "parent ref",
}

MAX_ROWS = 1_000
"""The most actions one file may hold (a plan has tens)."""
MAX_BYTES = 2 * 1024 * 1024
"""The largest file accepted (1,000 full rows of CSV fit in less than 1 MB)."""
MAX_UNPACKED = 20 * 1024 * 1024
"""The most an XLSX file (a zip) may unpack to: a small file can hide a huge sheet."""
MAX_BUDGET = Decimal("9999999999.99")  # Action.budget: 12 digits, 2 decimals
MAX_WEIGHT = Decimal("99999.99")  # Action.weight: 7 digits, 2 decimals


Cell = str | int | float | None
"""A cell as read: text, a number, or empty (dates become ISO text)."""


class FileRefused(Exception):
    """The file cannot be read as a table of actions; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Reading a file ------------------------------------------------------------------------------


def read_table(name: str, file: IO[bytes]) -> list[tuple[int, list[Cell]]]:
    """The rows of a CSV or XLSX file as (row number in the file, cells), the header first;
    blank rows are left out. Refuses (FileRefused) a file of another kind, one larger than
    MAX_BYTES, and one with more than MAX_ROWS rows of actions, without reading the rest."""
    data = file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileRefused(too_large())
    if not data.strip():
        raise FileRefused(_("The file is empty."))
    lowered = name.lower()
    if lowered.endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if lowered.endswith((".csv", ".txt")) or not lowered.rpartition(".")[1]:
        return _read_csv(data)
    raise FileRefused(
        _("Upload a CSV or an XLSX file, as the actions export makes (this one is %(name)s).")
        % {"name": name}
    )


def too_large() -> str:
    return _("The file is larger than %(size)s MB; an actions file is much smaller.") % {
        "size": MAX_BYTES // (1024 * 1024)
    }


def _too_many_rows() -> FileRefused:
    return FileRefused(
        _("The file has more than %(count)s rows of actions; import at most %(count)s at a time.")
        % {"count": f"{MAX_ROWS:,}"}
    )


def _kept(rows: Iterator[tuple[int, list[Cell]]]) -> list[tuple[int, list[Cell]]]:
    """The rows that are not blank, stopping as soon as there are too many."""
    kept: list[tuple[int, list[Cell]]] = []
    for number, cells in rows:
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            continue
        kept.append((number, cells))
        if len(kept) > MAX_ROWS + 1:  # the header and MAX_ROWS actions
            raise _too_many_rows()
    return kept


def _read_csv(data: bytes) -> list[tuple[int, list[Cell]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
            _(
                'The file is not UTF-8 text. Save it as "CSV UTF-8" (or as XLSX) and upload '
                "it again."
            )
        ) from error
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)  # spreadsheets in many languages use ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return _kept(
            (reader.line_num, [cell if cell != "" else None for cell in row]) for row in reader
        )
    except csv.Error as error:
        raise FileRefused(
            _("The file is not a readable CSV file (%(error)s).") % {"error": error}
        ) from error


def _read_xlsx(data: bytes) -> list[tuple[int, list[Cell]]]:
    from openpyxl import load_workbook

    refused = FileRefused(_("The file is not a readable XLSX workbook."))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise refused from error
    if unpacked > MAX_UNPACKED:
        raise FileRefused(
            _("The workbook unpacks to more than %(size)s MB; an actions file is much smaller.")
            % {"size": MAX_UNPACKED // (1024 * 1024)}
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken workbook
        raise refused from error
    try:
        names = workbook.sheetnames
        sheet = workbook["Actions"] if "Actions" in names else workbook[names[0]]
        return _kept(
            (number, [_cell(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
    except FileRefused:
        raise
    except Exception as error:
        raise refused from error
    finally:
        workbook.close()


def _cell(value: Any) -> Cell:
    """A cell as plain JSON-able data: dates as ISO text, numbers as numbers."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, int | float):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


# Columns -------------------------------------------------------------------------------------


def _column_name(cell: Cell) -> str:
    return re.sub(r"[\s_]+", " ", str(cell or "")).strip().casefold()


def check_columns(header: Sequence[Cell]) -> dict[str, int]:
    """The index of each column in the file; refuses, in one message naming them, columns
    missing, unknown or given twice."""
    names = [_column_name(cell) for cell in header]
    missing = [column for column in COLUMNS if column not in names]
    unknown = [  # empty header cells (trailing separators, formatted columns) are ignored
        str(cell) for cell, name in zip(header, names, strict=True) if name and name not in COLUMNS
    ]
    twice = sorted({name for name in names if name in COLUMNS and names.count(name) > 1})
    problems = []
    if missing:
        problems.append(_("Missing: %(columns)s.") % {"columns": ", ".join(missing)})
    if unknown:
        problems.append(_("Not expected: %(columns)s.") % {"columns": ", ".join(unknown)})
    if twice:
        problems.append(_("Given twice: %(columns)s.") % {"columns": ", ".join(twice)})
    if problems:
        raise FileRefused(
            " ".join(
                [
                    _("The first row does not name the columns of an actions file."),
                    *problems,
                    _("The columns are: %(columns)s.") % {"columns": ", ".join(COLUMNS)},
                ]
            )
        )
    return {name: names.index(name) for name in COLUMNS}


# Checking the rows ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Existing:
    """An action the plan has, as an import compares it."""

    id: int
    ref: str
    objective_id: int
    parent_ref: str | None
    values: dict[str, Any]
    """FIELDS -> the stored value."""


@dataclass(frozen=True)
class Known:
    """What the plan has, for checking a file against it."""

    objectives: dict[str, int]
    """Objective title (casefolded, trimmed) -> id."""
    objective_titles: dict[int, str]
    statuses: dict[str, int]
    """Status name (casefolded) -> id."""
    status_names: list[str]
    actions: dict[str, Existing]
    """Reference -> action."""


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class Row:
    """One checked row: its values and what importing it does."""

    number: int
    ref: str
    parent_ref: str | None
    objective_id: int | None
    values: dict[str, Any]
    existing: Existing | None = None
    change: str = "create"
    """"create", "update" or "unchanged"."""
    changed: list[str] = field(default_factory=list)
    """The columns an update changes."""


@dataclass
class Parsed:
    rows: list[Row]
    errors: list[CellError]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0}
        for row in self.rows:
            counts[row.change] += 1
        return counts


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    return undefuse(str(cell)).strip()


def _decimal(cell: Cell, column: str, most: Decimal) -> Decimal | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    if isinstance(cell, int | float):
        value = Decimal(repr(cell)) if isinstance(cell, float) else Decimal(cell)
    else:
        text = cell.strip()
        if not re.fullmatch(r"[0-9]+(\.[0-9]+)?", text):
            raise ValueError(
                _("write a number with a point for decimals, e.g. 12500.50 (no text or signs).")
                if column == "budget"
                else _("write a number with a point for decimals, e.g. 1.5 (no text).")
            )
        value = Decimal(text)
    if not value.is_finite() or value < 0:
        raise ValueError(_("it cannot be negative."))
    if value != value.quantize(Decimal("0.01")):
        raise ValueError(_("give at most two decimals."))
    if value > most:
        raise ValueError(_("it is too large (at most %(most)s).") % {"most": f"{most:,}"})
    return value.quantize(Decimal("0.01"))


def _date(cell: Cell) -> datetime.date | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    text = str(cell).strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}(T00:00:00)?", text):
        try:
            return datetime.date.fromisoformat(text[:10])
        except ValueError:
            pass
    raise ValueError(_("write the date as YYYY-MM-DD, e.g. 2026-03-31."))


def _progress(cell: Cell) -> int | None:
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    message = _("progress is a whole percentage, from 0 to 100.")
    if isinstance(cell, float):
        if not cell.is_integer():
            raise ValueError(message)
        cell = int(cell)
    if isinstance(cell, str):
        text = cell.strip().removesuffix("%").strip()
        if not text.isascii() or not text.isdigit():
            raise ValueError(message)
        cell = int(text)
    if not 0 <= cell <= 100:
        raise ValueError(message)
    return cell


def parse(rows: Sequence[tuple[int, list[Cell]]], known: Known) -> Parsed:
    """Check every row of a table (its header first) against the plan; each problem becomes
    a CellError and every row's change is worked out. Refuses (FileRefused) wrong columns and
    a file with no actions."""
    if not rows:
        raise FileRefused(_("The file is empty."))
    (_header_number, header), *body = rows
    columns = check_columns(header)
    if not body:
        raise FileRefused(_("The file has the columns but no actions."))
    errors: list[CellError] = []
    parsed: list[Row] = []
    seen: dict[str, int] = {}
    for number, cells in body:

        def cell(column: str, cells: list[Cell] = cells) -> Cell:
            index = columns[column]
            return cells[index] if index < len(cells) else None

        def error(column: str, message: str, number: int = number) -> None:
            errors.append(CellError(number, column, message))

        values: dict[str, Any] = {}
        for column, (name, limit) in TEXT.items():
            text = _text(cell(column))
            if len(text) > limit:
                error(column, _("at most %(limit)s characters.") % {"limit": f"{limit:,}"})
            values[name] = text
        if not values["title"]:
            error("title", _("give the action a title."))
        for column, name in (("start", "starts_on"), ("end", "ends_on")):
            try:
                values[name] = _date(cell(column))
            except ValueError as problem:
                error(column, str(problem))
                values[name] = None
        if values["starts_on"] and values["ends_on"] and values["ends_on"] < values["starts_on"]:
            error("end", _("the end cannot be before the start."))
        for column, most in (("budget", MAX_BUDGET), ("weight", MAX_WEIGHT)):
            try:
                values[column] = _decimal(cell(column), column, most)
            except ValueError as problem:
                error(column, str(problem))
                values[column] = None
        try:
            values["progress"] = _progress(cell("progress"))
        except ValueError as problem:
            error("progress", str(problem))
            values["progress"] = None
        status = _text(cell("status"))
        values["status_id"] = None
        if status:
            values["status_id"] = known.statuses.get(status.casefold())
            if values["status_id"] is None:
                error(
                    "status",
                    _('no status is called "%(status)s"; the statuses are: %(names)s.')
                    % {"status": status, "names": ", ".join(known.status_names)},
                )
        objective = _text(cell("objective"))
        objective_id = known.objectives.get(" ".join(objective.split()).casefold())
        if not objective:
            error("objective", _("name the objective the action is under."))
        elif objective_id is None:
            error(
                "objective",
                _(
                    'the plan has no objective "%(title)s"; use an objective\'s title as in the '
                    "export."
                )
                % {"title": objective[:100]},
            )
        ref = _text(cell("ref"))
        if ref and ref in seen:
            error("ref", _("row %(row)s has the same ref.") % {"row": seen[ref]})
        elif ref:
            seen[ref] = number
        parent_ref = _text(cell("parent ref")) or None
        if parent_ref is not None and parent_ref == ref:
            error("parent ref", _("an action cannot be part of itself."))
            parent_ref = None
        parsed.append(
            Row(
                number=number,
                ref=ref,
                parent_ref=parent_ref,
                objective_id=objective_id,
                values=values,
                existing=known.actions.get(ref) if ref else None,
            )
        )
    errors.extend(_check_parents(parsed, known))
    for row in parsed:
        _work_out_change(row, known)
    errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column)))
    return Parsed(rows=parsed, errors=errors)


def _check_parents(rows: list[Row], known: Known) -> list[CellError]:
    """Each parent ref names an action of the file or of the plan, under the same objective,
    and no action ends up part of itself."""
    errors: list[CellError] = []
    in_file = {row.ref: row for row in rows if row.ref}
    parent_of: dict[str, str | None] = {
        ref: action.parent_ref for ref, action in known.actions.items()
    }
    objective_of: dict[str, int | None] = {
        ref: action.objective_id for ref, action in known.actions.items()
    }
    for row in rows:
        if row.ref:
            parent_of[row.ref] = row.parent_ref
            objective_of[row.ref] = row.objective_id
    for row in rows:
        if row.parent_ref is None:
            continue
        if row.parent_ref not in in_file and row.parent_ref not in known.actions:
            errors.append(
                CellError(
                    row.number,
                    "parent ref",
                    _('no action has the ref "%(ref)s", in the file or in the plan.')
                    % {"ref": row.parent_ref},
                )
            )
            continue
        parent_objective = objective_of.get(row.parent_ref)
        if row.objective_id is not None and parent_objective not in (None, row.objective_id):
            errors.append(
                CellError(
                    row.number,
                    "parent ref",
                    _(
                        "action %(ref)s is under another objective; a sub-action is under the "
                        "objective of its action."
                    )
                    % {"ref": row.parent_ref},
                )
            )
            continue
        seen = {row.ref}
        ancestor: str | None = row.parent_ref
        while ancestor is not None:
            if ancestor in seen:
                errors.append(
                    CellError(
                        row.number,
                        "parent ref",
                        _("this makes the action part of itself (through %(ref)s).")
                        % {"ref": ancestor},
                    )
                )
                break
            seen.add(ancestor)
            ancestor = parent_of.get(ancestor)
    # An action moved to another objective takes its sub-actions along only if they move too.
    for row in rows:
        if row.existing is None or row.objective_id in (None, row.existing.objective_id):
            continue
        left = [
            ref
            for ref, parent in parent_of.items()
            if parent == row.ref and objective_of.get(ref) != row.objective_id
        ]
        if left:
            errors.append(
                CellError(
                    row.number,
                    "objective",
                    ngettext(
                        "its sub-action %(refs)s stays under the old objective; move it too.",
                        "its sub-actions %(refs)s stay under the old objective; move them too.",
                        len(left),
                    )
                    % {"refs": ", ".join(sorted(left))},
                )
            )
    return errors


def _work_out_change(row: Row, known: Known) -> None:
    if row.existing is None:
        row.change, row.changed = "create", []
        return
    existing = row.existing
    changed = [
        COLUMN_OF[name] for name in FIELDS if row.values.get(name) != existing.values.get(name)
    ]
    if row.objective_id != existing.objective_id:
        changed.insert(0, COLUMN_OF["objective_id"])
    if row.parent_ref != existing.parent_ref:
        changed.insert(0, COLUMN_OF["parent"])
    row.changed = sorted(changed, key=COLUMNS.index)
    row.change = "update" if changed else "unchanged"


# The database side ---------------------------------------------------------------------------


def _plan_actions(plan: Any) -> tuple[list[Any], list[tuple[Any, str, int]]]:
    """The plan's objectives and its actions in reading order with their refs (3 queries)."""
    from citygrow.plans.models import Action

    objectives = list(plan.objectives.all())
    actions = list(Action.objects.filter(plan=plan).select_related("status", "objective"))
    return objectives, numbered([o.pk for o in objectives], actions)


def known_for(plan: Any) -> Known:
    """What `parse` checks a file against: the plan's objectives and actions, the statuses."""
    from citygrow.plans.models import ActionStatus

    objectives, actions = _plan_actions(plan)
    refs = {action.pk: ref for action, ref, _level in actions}
    statuses = list(ActionStatus.objects.all())
    return Known(
        objectives={
            " ".join(o.title.split()).casefold(): o.pk for o in reversed(objectives)
        },  # the first of two objectives with one title wins
        objective_titles={o.pk: o.title for o in objectives},
        statuses={s.name.casefold(): s.pk for s in statuses},
        status_names=[s.name for s in statuses],
        actions={
            ref: Existing(
                id=action.pk,
                ref=ref,
                objective_id=action.objective_id,
                parent_ref=refs.get(action.parent_id) if action.parent_id else None,
                values={name: getattr(action, name) for name in FIELDS},
            )
            for action, ref, _level in actions
        },
    )


def export_rows(plan: Any) -> list[list[Any]]:
    """One row per action, in reading order, typed (dates, Decimals, ints, text)."""
    _objectives, actions = _plan_actions(plan)
    refs = {action.pk: ref for action, ref, _level in actions}
    return [
        [
            action.objective.title,
            ref,
            refs.get(action.parent_id, "") if action.parent_id else "",
            action.title,
            action.description,
            action.lead,
            action.partners,
            action.starts_on,
            action.ends_on,
            action.budget,
            action.funding,
            action.indicator,
            action.baseline,
            action.target,
            action.risks,
            action.status.name if action.status else "",
            action.progress,
            action.weight,
        ]
        for action, ref, _level in actions
    ]


def csv_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    """The rows as UTF-8 CSV (with a byte order mark, so that spreadsheet programs read it as
    UTF-8), dates in ISO form, formula-like text defused."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if v is None else _csv_value(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_value(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return defuse(value)


def xlsx_bytes(rows: Sequence[Sequence[Any]]) -> bytes:
    """The rows as an XLSX workbook (sheet "Actions"): numbers as numbers, dates as dates shown
    in ISO form, formula-like text defused; the header bold and frozen."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Actions"
    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    formats = {
        COLUMNS.index("start"): "yyyy-mm-dd",
        COLUMNS.index("end"): "yyyy-mm-dd",
        COLUMNS.index("budget"): "#,##0.00",
        COLUMNS.index("weight"): "0.00",
        COLUMNS.index("progress"): "0",
    }
    for row in rows:
        sheet.append([defuse(value) for value in row])
        for index, number_format in formats.items():
            sheet.cell(row=sheet.max_row, column=index + 1).number_format = number_format
    sheet.freeze_panes = "A2"
    widths = {"objective": 30, "title": 40, "description": 50, "partners": 30, "risks": 30}
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = widths.get(
            column, 14
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
