"""A plan's actions as CSV or XLSX files in the JSON API, and their import (issue 7).

The export is the same file as the plan page's (citygrow.plans.transfer), readable by whoever
may see the plan (plans.rules: endorsed plans are public, drafts private to the pairing's team;
404 for others). The import is for the city's officers, as multipart form data with the file;
`dry_run` (default true) only checks it and says what it would change, row by row, with every
error by row and column. Without it, a file with no errors is written in one transaction;
a file with any error is refused (422) and nothing is written. A file that cannot be read (not
CSV or XLSX, too large, more than 1,000 rows, wrong columns) is refused (422) either way.
"""

from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile

from citygrow.api.auth import SIGNED_IN
from citygrow.api.common import file_response
from citygrow.api.plans_core import acting_plan, visible_plan
from citygrow.api.schemas import ErrorOut
from citygrow.plans import services, transfer
from citygrow.plans.documents import export_response
from citygrow.publishing import tables

router = Router(tags=["action plans"])


@router.get(
    "/plans/{plan_id}/actions.csv",
    response={200: None, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra=file_response("The actions, one row each, as UTF-8 CSV.", "text/csv"),
    summary="The plan's actions as CSV",
)
def export_actions_csv(request: HttpRequest, plan_id: int) -> HttpResponse:
    """One row per action in reading order; the columns are those of the import: objective,
    ref ("1.2", "1.2.1" for a sub-action), parent ref, title, description, lead, partners,
    start, end (YYYY-MM-DD), budget, funding, indicator, baseline, target, risks, status,
    progress, weight."""
    return export_response(visible_plan(request, plan_id), "csv")


@router.get(
    "/plans/{plan_id}/actions.xlsx",
    response={200: None, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra=file_response(
        "The actions, one row each, as an Excel workbook.", tables.XLSX_TYPE
    ),
    summary="The plan's actions as XLSX",
)
def export_actions_xlsx(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The same rows and columns as the CSV, in a sheet "Actions": numbers as numbers, dates
    as dates."""
    return export_response(visible_plan(request, plan_id), "xlsx")


class ImportCellError(Schema):
    row: int
    column: str
    message: str


class ImportRow(Schema):
    row: int
    ref: str
    title: str
    change: Literal["create", "update", "unchanged"]
    changed: list[str]
    """The columns an update changes."""


class ImportCounts(Schema):
    create: int
    update: int
    unchanged: int


class ImportOut(Schema):
    dry_run: bool
    applied: bool
    valid: bool
    counts: ImportCounts
    rows: list[ImportRow]
    errors: list[ImportCellError]


class ImportRefusedOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}
    cells: list[ImportCellError] = []


def _report(parsed: transfer.Parsed, *, dry_run: bool, applied: bool) -> dict[str, Any]:
    return {
        "dry_run": dry_run,
        "applied": applied,
        "valid": not parsed.errors,
        "counts": parsed.counts,
        "rows": [
            {
                "row": row.number,
                "ref": row.ref,
                "title": row.values.get("title", ""),
                "change": row.change,
                "changed": row.changed,
            }
            for row in parsed.rows
        ],
        "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in parsed.errors],
    }


def _file_refused(message: str) -> Status:
    """A file that cannot be read: 422 in the import's own shape (ImportRefusedOut, whose
    `cells` a raised `Refused` would not carry)."""
    return Status(422, {"detail": message, "errors": {"file": [message]}})


@router.post(
    "/plans/{plan_id}/actions-import",
    response={
        200: ImportOut,
        401: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        422: ImportRefusedOut,
    },
    auth=SIGNED_IN,
    summary="Import actions from a CSV or XLSX file",
)
def import_actions(
    request: HttpRequest,
    plan_id: int,
    file: File[UploadedFile],
    dry_run: Form[bool] = True,
) -> Any:
    """For the city's officers. The file has the columns of the export; a row whose ref is an
    action's updates it, a new or empty ref adds an action, actions not in the file stay.
    With `dry_run` (the default) nothing is written: the answer says what each row would do and
    lists every error by row and column. With `dry_run` false, a file without errors is
    imported in one transaction (rows that change nothing are not written); with any error,
    422 lists them (`cells`) and nothing is written."""
    plan = acting_plan(
        request, plan_id, "plans.change_plan", _("Only the city's officers import actions.")
    )
    if file.size is not None and file.size > transfer.MAX_BYTES:
        return _file_refused(transfer.too_large())
    try:
        table = transfer.read_table(file.name or "", file)
        parsed = transfer.parse(table, transfer.known_for(plan))
    except transfer.FileRefused as refused:
        return _file_refused(refused.message)
    if dry_run:
        return _report(parsed, dry_run=True, applied=False)
    if parsed.errors:
        errors: dict[str, list[str]] = {}
        for error in parsed.errors:
            errors.setdefault(f"row {error.row}.{error.column}", []).append(error.message)
        return Status(
            422,
            {
                "detail": _("The file has errors; nothing was imported."),
                "errors": errors,
                "cells": _report(parsed, dry_run=False, applied=False)["errors"],
            },
        )
    services.import_actions(plan=plan, parsed=parsed, by=request.user)
    return _report(parsed, dry_run=False, applied=True)
