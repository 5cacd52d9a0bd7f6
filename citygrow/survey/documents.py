"""The Charter survey's results as they are shown: the figures of a city's results page (its
page and its PDF share them) and the PDF itself. The API's files come from here too, so that
the pages and the API give the same document."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from citygrow.publishing import tables
from citygrow.publishing.charts import Series, bar_chart
from citygrow.publishing.pdf import PdfUnavailable, pdf_from_html
from citygrow.survey import export_table, links, results, scoring
from citygrow.survey.models import (
    CharterRole,
    CommitmentAnswer,
    Cycle,
    Questionnaire,
    Response,
)

#: The trend chart shows at most this many cycles (the chart's limit of series); the table
#: shows them all.
TREND_CHART_CYCLES = 4


def as_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def shown(value: Fraction | None) -> Any:
    return scoring.rounded(value)


def role_score(scores: scoring.CityScores | None, code: str) -> Fraction | None:
    """The score of role `code` in `scores`; None when there are no scores or no such role (an
    earlier edition may have had other roles)."""
    if scores is None or code not in scores.roles_by_code:
        return None
    return scores.role(code).score


def content(questionnaire_id: int) -> tuple[Questionnaire, list[CharterRole]]:
    edition = Questionnaire.objects.with_content().get(pk=questionnaire_id)
    return edition, list(edition.roles.all())


@dataclass
class DistributionRow:
    code: str
    text: str
    is_summary: bool
    counts: list[int]
    mean: Any


def cycle_context(cycle: Cycle) -> dict[str, Any]:
    """What a cycle's results page shows. `cycle` needs `with_counts` and its questionnaire."""
    found = results.cycle_results(cycle)
    aggregate, trend = found.aggregate, found.trend
    edition, roles = content(cycle.questionnaire_id)
    commitments = [c for role in roles for c in role.commitments.all()]
    rows = []
    for commitment in commitments:
        item = aggregate.commitment(commitment.code)
        rows.append(
            DistributionRow(
                code=commitment.code,
                text=commitment.text,
                is_summary=commitment.is_summary,
                counts=[
                    item.fully,
                    item.partly,
                    item.not_at_all,
                    item.dont_know,
                    item.not_applicable,
                    item.unanswered,
                ],
                mean=shown(item.mean),
            )
        )
    answered = aggregate.submitted

    def share(count: int) -> float | None:
        return 100 * count / answered if answered else None

    distribution_chart = bar_chart(
        [f"{c.code} {c.text}" for c in commitments],
        [
            Series(_("Fully"), [share(aggregate.commitment(c.code).fully) for c in commitments]),
            Series(_("Partly"), [share(aggregate.commitment(c.code).partly) for c in commitments]),
            Series(
                _("Not at all"),
                [share(aggregate.commitment(c.code).not_at_all) for c in commitments],
            ),
        ],
        title=_("Share of responding cities (%) rating each commitment fully, partly, not at all"),
    )
    role_titles = {role.code: role.title for role in roles}
    shown_cycles = trend.labels[-TREND_CHART_CYCLES:]
    first = len(trend.labels) - len(shown_cycles)
    trend_chart = bar_chart(
        [role.title for role in roles],
        [
            Series(
                label,
                [as_float(trend.roles.get(role.code, ())[first + k]) for role in roles],
            )
            for k, label in enumerate(shown_cycles)
        ],
        title=_("Mean score per role, by cycle"),
    )
    trend_rows = [
        {
            "title": role_titles.get(code, code),
            "values": [shown(value) for value in values],
        }
        for code, values in trend.roles.items()
    ]
    return {
        "cycle": cycle,
        "questionnaire": edition,
        "aggregate": aggregate,
        "response_percent": shown(aggregate.response_percent),
        "overall": shown(aggregate.overall),
        "roles": [
            {
                "title": role.title,
                "mean": shown(aggregate.role(role.code).mean),
                "cities": aggregate.role(role.code).cities,
            }
            for role in roles
        ],
        "rows": rows,
        "distribution_chart": distribution_chart,
        "trend": trend,
        "trend_rows": trend_rows,
        "trend_overall": [shown(value) for value in trend.overall],
        "trend_rates": [
            shown(None if rate is None else rate * 100) for rate in trend.response_rate
        ],
        "trend_chart": trend_chart,
    }


def city_context(response: Response, *, user: Any) -> dict[str, Any]:
    """What the city's results page and its PDF show, as `user` may read it (the assessments
    and other cities' responses that the linked commitments' section draws on)."""
    found = results.city_results(response)
    edition, roles = content(response.cycle.questionnaire_id)
    comparison = found.comparison
    has_similar = found.similar_count > 0
    rows = []
    for role in roles:
        standing = comparison.roles[role.code]
        score = found.scores.role(role.code)
        rows.append(
            {
                "title": role.title,
                "score": shown(score.score),
                "scored": score.scored,
                "total": score.total,
                "previous": shown(role_score(found.previous_scores, role.code)),
                "change": shown(found.change.roles.get(role.code)),
                "network": shown(standing.network),
                "similar": shown(standing.similar),
            }
        )
    series = [
        Series(response.city.name, [as_float(comparison.roles[r.code].city) for r in roles]),
        Series(_("Network mean"), [as_float(comparison.roles[r.code].network) for r in roles]),
    ]
    if has_similar:
        series.append(
            Series(_("Similar cities"), [as_float(comparison.roles[r.code].similar) for r in roles])
        )
    if found.previous_scores is not None and found.previous is not None:
        series.append(
            Series(
                found.previous.cycle.label,
                [as_float(role_score(found.previous_scores, r.code)) for r in roles],
            )
        )
    chart = bar_chart(
        [role.title for role in roles],
        series,
        title=_("%(city)s's score per role beside the network") % {"city": response.city.name},
    )
    texts = {c.code: c for role in roles for c in role.commitments.all()}
    return {
        "response": response,
        "cycle": response.cycle,
        "questionnaire": edition,
        "found": found,
        "rows": rows,
        "overall": {
            "score": shown(found.scores.overall),
            "previous": shown(found.previous_scores.overall if found.previous_scores else None),
            "change": shown(found.change.overall),
            "network": shown(comparison.overall.network),
            "similar": shown(comparison.overall.similar),
        },
        "has_similar": has_similar,
        "chart": chart,
        "data_gaps": [texts[code] for code in found.scores.data_gaps if code in texts],
        "unrated": found.scores.total - found.scores.answered,
        "texts": texts,
        "suggestions": links.city_suggestions(response, user=user),
    }


def city_pdf_response(response: Response, *, request: HttpRequest) -> HttpResponse:
    """`city_pdf` as the page's and the API's answer; 503 with a plain message on a server that
    cannot make PDFs."""
    try:
        pdf = city_pdf(response, request=request)
    except PdfUnavailable:
        return HttpResponse(
            _("This server cannot make PDFs (the Pango library is missing): print the page."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    name = slugify(f"charter-{response.city.name}-{response.cycle.label}")
    return HttpResponse(
        pdf,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}.pdf"'},
    )


def city_pdf(response: Response, *, request: HttpRequest) -> bytes:
    """The city's results page as a PDF, with every rating and its evidence. Raises
    publishing.pdf.PdfUnavailable on a server that cannot make PDFs."""
    context = city_context(response, user=request.user)
    stored = {
        answer.commitment_id: answer
        for answer in CommitmentAnswer.objects.filter(response=response)
    }
    context["ratings"] = [
        {
            "commitment": commitment,
            "rating": stored[commitment.pk].get_rating_display()
            if commitment.pk in stored
            else None,
            "evidence": stored[commitment.pk].evidence if commitment.pk in stored else "",
        }
        for commitment in context["texts"].values()
    ]
    html = render_to_string("survey/response_results_pdf.html", context, request=request)
    return pdf_from_html(html, base_url=request.build_absolute_uri("/"))


#: The cycle export's formats and their media types.
EXPORT_TYPES = {"csv": tables.CSV_TYPE, "xlsx": tables.XLSX_TYPE}


def cycle_file(user: Any, cycle: Cycle, *, fmt: str, header: str) -> tuple[bytes, str]:
    """The cycle's answers as `user` may see them, as a CSV or XLSX file (`fmt`), with its
    file name. `header`: codes, labels or both (anything else: both)."""
    try:
        chosen = export_table.Header(header)
    except ValueError:
        chosen = export_table.Header.BOTH
    heads, rows = results.export(user, cycle, chosen)
    if fmt == "csv":
        content = tables.csv_bytes([*heads, *rows])
    else:
        content = tables.xlsx_bytes(
            [tables.Sheet(title=cycle.label, header=heads, rows=rows, widths={0: 24, 1: 16})]
        )
    return content, slugify(f"charter-survey-{cycle.label}") + f".{fmt}"


def results_file(cycle: Cycle, *, fmt: str) -> tuple[bytes, str]:
    """The cycle's results as a file, with its name: CSV, the distribution of every commitment
    (a row each); XLSX, that and two more sheets, the mean per role and the trend across
    cycles. The same figures as the results page (`cycle_context`)."""
    context = cycle_context(cycle)
    distribution_head = [
        _("Commitment"),
        _("Text"),
        _("Fully"),
        _("Partly"),
        _("Not at all"),
        _("Don't know"),
        _("Not applicable"),
        _("Not rated"),
        _("Mean"),
    ]
    distribution = [[row.code, row.text, *row.counts, row.mean] for row in context["rows"]]
    name = slugify(f"charter-survey-{cycle.label}-results")
    if fmt == "csv":
        return tables.csv_bytes([distribution_head, *distribution]), f"{name}.csv"
    aggregate = context["aggregate"]
    roles = [[role["title"], role["mean"], role["cities"]] for role in context["roles"]]
    roles.append([_("Network mean"), context["overall"], aggregate.scored_cities])
    roles.append([_("Response rate (%)"), context["response_percent"], aggregate.invited])
    trend = [[row["title"], *row["values"]] for row in context["trend_rows"]]
    trend.append([_("Network mean"), *context["trend_overall"]])
    trend.append([_("Response rate (%)"), *context["trend_rates"]])
    sheets = [
        tables.Sheet(
            title=_("Distribution"), header=[distribution_head], rows=distribution, widths={1: 60}
        ),
        tables.Sheet(
            title=_("Roles"),
            header=[[_("Role"), _("Mean"), _("Cities with a score")]],
            rows=roles,
            widths={0: 40},
        ),
        tables.Sheet(
            title=_("Trend"),
            header=[[_("Role"), *context["trend"].labels]],
            rows=trend,
            widths={0: 40},
        ),
    ]
    return tables.xlsx_bytes(sheets), f"{name}.xlsx"
