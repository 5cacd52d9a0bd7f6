"""The shapes of the API's answers (documented in the OpenAPI schema at /api/v1/openapi.json),
and of the parameters in its paths."""

from datetime import datetime
from typing import Annotated, Any

from ninja import Field, Path, Schema

#: Path parameters in the formats the database keeps (Theme.code, City.slug). Anything else gets
#: 422 before a query is made: a NUL character, for one, makes PostgreSQL fail the query.
ThemeCode = Annotated[str, Path(pattern=r"^[A-Z]$", description="Theme code, e.g. A")]
#: A toolkit edition's year in a path (a larger number is refused with 422, not a 500).
Year = Annotated[int, Path(ge=1990, le=2100, description="The edition's year")]
CitySlug = Annotated[str, Path(pattern=r"^[-a-zA-Z0-9_]+$", max_length=100)]


#: Text sent in a body: no NUL character (PostgreSQL refuses it in a query), as Django's form
#: fields refuse it; a request with one gets 422, like any other invalid field.
NO_NUL = r"^[^\x00]*$"

#: An id or version as the database stores it (larger ones are refused with 422, not a 500).
Id = Annotated[int, Field(ge=0, le=2_147_483_647)]


def text_field(default: Any = ..., *, max_length: int, description: str | None = None) -> Any:
    """A text input: no NUL character, at most `max_length` characters."""
    return Field(default, pattern=NO_NUL, max_length=max_length, description=description)


class CountryOut(Schema):
    code: str = Field(description="ISO 3166-1 alpha-2 code")
    name: str


class FigureOut(Schema):
    indicator: str = Field(description="The indicator's code")
    indicator_name: str
    kind: str = Field(description="count or percentage")
    value: float
    shown: str = Field(description="The value as the pages show it, e.g. 27.5%")
    year: int = Field(description="The year the figure is about")
    source: str
    recorded_at: datetime


class CityOut(Schema):
    name: str
    slug: str
    country: CountryOut
    population: int | None = Field(description="The latest population figure (key_figures)")
    population_year: int | None = Field(description="The year of that population figure")
    foreign_born_share: float | None = Field(
        description="The latest share of residents born abroad, in per cent (key_figures)"
    )
    key_figures: list[FigureOut] = Field(
        description="The latest figure of each indicator, with year and source (as "
        "GET /cities/{slug}/figures gives them)"
    )
    charter_signatory: bool | None = Field(description="None when not known")
    charter_signed_on: str | None
    charter_signed_by: str = Field(description="Who signed for the city; empty when not known")
    url: str


class EditionRef(Schema):
    theme: str = Field(description="Theme code, e.g. A")
    year: int
    title: str


class KeyFactorRef(Schema):
    number: int
    heading: str


class ServedKeyFactorOut(Schema):
    id: int
    theme: str = Field(description="Theme code, e.g. A")
    year: int = Field(description="The year of the toolkit edition it belongs to")
    number: int
    heading: str


class OutcomeOut(Schema):
    description: str = Field(description="What was measured")
    value: float
    unit: str
    year: int | None


class PracticeAttachmentOut(Schema):
    id: int
    name: str
    url: str = Field(description="Where to download it")


class ContactOut(Schema):
    name: str
    email: str


class PracticeOut(Schema):
    id: int
    title: str = Field(description="Its own name, else its city and key factor")
    name: str = Field(description="Its own name; empty when it has none")
    city: str
    city_slug: str
    country: str = Field(description="ISO 3166-1 alpha-2 code")
    origin: str = Field(description="toolkit (a toolkit's example) or contributed (by its city)")
    status: str = Field(
        description="draft, submitted, returned, published or withdrawn (a toolkit's example: "
        "published)"
    )
    source_label: str = Field(description="Where it comes from, in words")
    toolkit: EditionRef | None
    key_factor: KeyFactorRef | None = Field(description="A toolkit example's key factor")
    themes: list[str] = Field(description="A contributed practice: the codes of its themes")
    key_factors: list[ServedKeyFactorOut] = Field(
        description="A contributed practice: the key factors it serves"
    )
    adapted_from: list[int] = Field(description="Ids of the practices it builds on")
    summary: str
    text: str
    results: str
    outcomes: list[OutcomeOut] = Field(description="Its results in figures")
    attachments: list[PracticeAttachmentOut]
    links: list[str]
    contact: ContactOut | None = Field(
        description="Whom to ask about it; null when there is none, or for callers not signed in"
    )
    note: str = Field(
        "", description="An editor's note for readers (e.g. a restoration); empty when none"
    )
    year: int | None
    source: str
    published_at: datetime | None = Field(description="When a contributed practice was published")
    withdrawn_reason: str = Field(description="Why it was withdrawn; empty unless it was")
    version: int = Field(description="Send it back when changing the practice")
    url: str


class CitedPracticeOut(Schema):
    id: int
    title: str
    status: str = Field(description="published, or withdrawn since it was cited")
    url: str


def cited_practice_out(request: Any, practice: Any) -> dict[str, Any]:
    """A practice as a plan or an adoption names it, in CitedPracticeOut's shape (its city and
    key factor loaded, for its title)."""
    return {
        "id": practice.pk,
        "title": practice.title,
        "status": practice.status,
        "url": request.build_absolute_uri(practice.get_absolute_url()),
    }


class ThemeOut(Schema):
    code: str
    title: str
    current_edition: int | None = Field(
        description="Year of the edition shown; None: no content yet"
    )
    editions: list[int]


class ToolkitSummary(Schema):
    theme: str
    title: str
    year: int
    status: str
    key_factors: int
    practices: int
    url: str


class TermOut(Schema):
    term: str
    definition: str


class GuideQuestionOut(Schema):
    number: int
    text: str
    sub_items: list[str]
    note: str = Field(
        "", description="An editor's note for readers (e.g. a restoration); empty when none"
    )


class ExampleOut(Schema):
    id: int
    city: str
    country: str
    text: str
    links: list[str]
    note: str = Field(
        "", description="An editor's note for readers (e.g. a restoration); empty when none"
    )


class KeyFactorOut(Schema):
    number: int
    heading: str
    summary: str
    why: str
    guide_questions: list[GuideQuestionOut]
    examples: list[ExampleOut]


class ContextFactorOut(Schema):
    category: str
    examples: list[str]


class SourceOut(Schema):
    title: str
    publisher: str
    year: int
    url: str
    credit: str


class ToolkitOut(Schema):
    theme: str
    title: str
    year: int
    status: str
    source: SourceOut
    standard: str
    standard_introduction: str
    coverage_notes: str
    terms: list[TermOut]
    key_factors: list[KeyFactorOut]
    context_factors: list[ContextFactorOut]
    url: str


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class MeOut(Schema):
    username: str
    name: str
    roles: list[str]
    token_scope: str | None = Field(description="The scope of the token used, if a token was")


class ApiTokenOut(Schema):
    id: int
    name: str
    scope: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None


class AssessmentSummary(Schema):
    id: int
    city: str
    city_slug: str
    theme: str
    toolkit_year: int
    title: str
    assessed_on: str
    status: str
    overall: float | None = Field(description="0..100; None when nothing is scored yet")
    url: str


class AnswerOut(Schema):
    question_id: int
    number: str = Field(description="key factor number . question number, e.g. 3.2")
    value: str | None = Field(
        description="yes, partly, no, not_applicable, dont_know; None: no answer"
    )
    evidence: str
    links: list[str]
    version: int | None = Field(description="Send it back when changing the answer")


def answer_out(factor_position: int, question: Any, answer: Any) -> dict[str, Any]:
    """An answer (or its absence) to a guide question, in AnswerOut's shape."""
    return {
        "question_id": question.pk,
        "number": f"{factor_position}.{question.position}",
        "value": answer.value if answer else None,
        "evidence": answer.evidence if answer else "",
        "links": answer.links if answer else [],
        "version": answer.version if answer else None,
    }


class FactorOut(Schema):
    # Read from a row of the assessment's sheet (assessments.sheet.FactorRow).
    number: int = Field(alias="key_factor.position")
    heading: str = Field(alias="key_factor.heading")
    score: float | None = Field(alias="score.score")
    distance: float | None = Field(alias="score.distance")
    target: float = Field(alias="score.target")
    gap: float = Field(alias="score.gap")
    answered: int = Field(alias="score.answered")
    total: int = Field(alias="score.total")
    not_applicable: int = Field(alias="score.not_applicable")
    dont_know: int = Field(alias="score.dont_know")
    note: str
    answers: list[AnswerOut]

    @staticmethod
    def resolve_note(row: Any) -> str:
        return row.note.note if row.note else ""

    @staticmethod
    def resolve_answers(row: Any) -> list[dict[str, Any]]:
        return [
            answer_out(row.key_factor.position, line.question, line.answer)
            for line in row.questions
        ]


class MentorOut(Schema):
    # Read from assessments.insights.Mentor.
    city: str = Field(alias="city.name")
    score: float
    assessment_id: int = Field(alias="assessment.pk")


class LearnOut(Schema):
    key_factor: int
    mentors: list[MentorOut] = Field(description="Cities scoring high on it, best first")
    practices: list[int] = Field(description="Ids of practices to read, best first")


class ComparedOut(Schema):
    # Read from the report's comparisons (assessments.insights.Insights).
    previous_assessment_id: int | None
    previous: dict[int, float | None] = Field(
        description="Score per key factor number", alias="previous_scores"
    )
    change: dict[int, float | None]
    network_mean: dict[int, float | None]
    network_cities: int = Field(alias="network_count")
    similar_mean: dict[int, float | None]
    similar_cities: int = Field(alias="similar_count")

    @staticmethod
    def resolve_previous_assessment_id(insights: Any) -> int | None:
        return insights.previous.pk if insights.previous else None


class AssessmentOut(AssessmentSummary):
    distance: float | None
    answered: int
    total: int
    dont_know: int
    gaps: list[int] = Field(
        description="Numbers of the key factors below target, largest gap first"
    )
    key_factors: list[FactorOut]
    context: dict[str, str] = Field(description="Context factors that apply, with how")
    compared: ComparedOut
    learn: list[LearnOut] = Field(description="For each gap, whom and what to learn from")


class AnswerIn(Schema):
    value: str = Field(description="yes, partly, no, not_applicable or dont_know")
    evidence: str = ""
    links: list[str] = []
    version: int | None = Field(
        None, description="The version you read; leave out for a question not answered yet"
    )


class ConflictOut(Schema):
    detail: str
    current: AnswerOut
