"""The shapes of the API's answers (documented in the OpenAPI schema at /api/v1/openapi.json)."""

from datetime import datetime

from ninja import Field, Schema


class CountryOut(Schema):
    code: str = Field(description="ISO 3166-1 alpha-2 code")
    name: str


class CityOut(Schema):
    name: str
    slug: str
    country: CountryOut
    population: int | None
    population_year: int | None
    foreign_born_share: float | None = Field(description="Residents born abroad, in per cent")
    charter_signatory: bool | None = Field(description="None when not known")
    charter_signed_on: str | None
    url: str


class EditionRef(Schema):
    theme: str = Field(description="Theme code, e.g. A")
    year: int
    title: str


class KeyFactorRef(Schema):
    number: int
    heading: str


class PracticeOut(Schema):
    id: int
    title: str
    city: str
    city_slug: str
    country: str = Field(description="ISO 3166-1 alpha-2 code")
    toolkit: EditionRef | None
    key_factor: KeyFactorRef | None
    text: str
    links: list[str]
    year: int | None
    source: str
    url: str


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


class ExampleOut(Schema):
    id: int
    city: str
    country: str
    text: str
    links: list[str]


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
