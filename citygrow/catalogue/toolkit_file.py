"""Reading, checking and writing toolkit files (see docs/toolkit-format.md).

No Django here: `parse_toolkit` turns the text of a file into a checked `ToolkitDocument` or
raises `ToolkitFileError` with every problem found; `dump_toolkit` writes a document back out.
What is known only to the database (which cities exist) is passed in.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

FORMAT_VERSION = 1

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Link = Annotated[
    str,
    StringConstraints(
        strip_whitespace=True, max_length=500, pattern=r"^(https?://[^\s/]+\S*|mailto:[^\s@]+@\S+)$"
    ),
]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ThemeSpec(_Part):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z]$")]
    title: Line


class EditionSpec(_Part):
    year: Annotated[int, Field(ge=1990, le=2100)]
    status: Literal["draft", "published", "withdrawn"]


class SourceSpec(_Part):
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    publisher: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)
    ]
    year: Annotated[int, Field(ge=1900, le=2100)]
    url: Link | None = None
    credit: Text


class StandardSpec(_Part):
    statement: Text
    introduction: Text | None = None


class TermSpec(_Part):
    term: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    definition: Text | None = None


class GuideQuestionSpec(_Part):
    text: Text
    sub_items: list[Text] = []
    note: Text | None = None


class ExampleSpec(_Part):
    city: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    title: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    text: Text
    links: list[Link] = []
    note: Text | None = None


class KeyFactorSpec(_Part):
    heading: Line
    summary: Text | None = None
    why: Text
    guide_questions: Annotated[list[GuideQuestionSpec], Field(min_length=1)]
    examples: list[ExampleSpec] = []


class ContextFactorSpec(_Part):
    category: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    examples: Annotated[list[Text], Field(min_length=1)]


class ToolkitDocument(_Part):
    format: Literal[1]
    theme: ThemeSpec
    edition: EditionSpec
    source: SourceSpec
    standard: StandardSpec
    coverage_notes: Text | None = None
    terms: list[TermSpec] = []
    key_factors: Annotated[list[KeyFactorSpec], Field(min_length=1)]
    context_factors: list[ContextFactorSpec] = []

    def as_data(self) -> dict[str, Any]:
        """The document as plain data in file order, without empty optional fields."""
        data: dict[str, Any] = prune(self.model_dump(mode="json"))
        return data

    def fingerprint(self) -> str:
        """A SHA-256 of the content: equal for two files that say the same thing."""
        canonical = json.dumps(self.as_data(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def cities(self) -> set[str]:
        return {example.city for factor in self.key_factors for example in factor.examples}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (a path such as `key_factors[3].why`) and what."""

    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.path or "(the file)"
        if self.line is not None:
            where = f"{where} (line {self.line})"
        return f"{where}: {self.message}"


class ToolkitFileError(Exception):
    """A toolkit file that cannot be loaded, with every problem found in it."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        heading = f"{self.source}: {count} problem{'s' if count != 1 else ''}"
        return "\n".join([heading, *(f"  {self.source}: {problem}" for problem in self.problems)])


#: libyaml's safe loader where PyYAML was built with it (its wheels are): the same documents and
#: marks as the pure-Python one, about ten times faster on a toolkit file.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_toolkit(
    text: str, *, source: str = "<toolkit>", known_cities: Collection[str] | None = None
) -> ToolkitDocument:
    """Read and check a toolkit file.

    `known_cities`, when given, is the set of city names an example may name; any other city is
    a problem. Raises ToolkitFileError listing every problem; returns the document otherwise.
    """
    lines, data = _read_yaml(text, source)
    try:
        document = ToolkitDocument.model_validate(data)
    except ValidationError as error:
        raise ToolkitFileError(source, _validation_problems(error, lines)) from None
    problems = _consistency_problems(document, lines, known_cities)
    if problems:
        raise ToolkitFileError(source, problems)
    return document


@functools.lru_cache(maxsize=16)
def _read_yaml(text: str, source: str) -> tuple[dict[str, int], dict[str, Any]]:
    """The file's data and the line of each path in it, or ToolkitFileError. Kept for the last
    few texts read: the same file is read again at each load (the tests seed a site hundreds of
    times). The result is only read by parse_toolkit, never changed."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        raise ToolkitFileError(source, [_yaml_problem(error)]) from None
    if root is None:
        raise ToolkitFileError(source, [Problem("", "the file is empty")])
    lines: dict[str, int] = {}
    problems = list(_walk(root, "", lines))
    if problems:
        raise ToolkitFileError(source, problems)
    try:
        # Composing checks the syntax; constructing can still refuse a tag (e.g. "!!value").
        data = yaml.load(text, Loader=_Loader)  # a safe loader (_Loader)
    except yaml.YAMLError as error:
        raise ToolkitFileError(source, [_yaml_problem(error)]) from None
    if not isinstance(data, dict):
        raise ToolkitFileError(
            source, [Problem("", "a toolkit file is a mapping of keys (format, theme, ...)", 1)]
        )
    return lines, data


def dump_toolkit(data: dict[str, Any], *, fmt: Literal["yaml", "json"] = "yaml") -> str:
    """Write toolkit data (as from `ToolkitDocument.as_data`) as YAML or JSON text."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)


# -- reading ---------------------------------------------------------------------------------


def _yaml_problem(error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    what = getattr(error, "problem", None) or str(error)
    return Problem("", f"this is not valid YAML: {what}", line)


def _walk(node: yaml.Node, path: str, lines: dict[str, int]) -> Iterator[Problem]:
    """Record the line of every path, and report keys given twice in one mapping."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            child = f"{path}.{key}" if path else key
            if key in seen:
                yield Problem(
                    child,
                    f"the key '{key}' is given twice (lines {seen[key]} and {line}); "
                    "keep one of them",
                    line,
                )
                continue
            seen[key] = line
            lines[child] = line
            yield from _walk(value_node, child, lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _walk(item, f"{path}[{index}]", lines)


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


_MESSAGES = {
    "missing": "this field is required",
    "extra_forbidden": "unknown key: it is not part of the toolkit format (misspelt?)",
    "string_type": "should be text",
    "int_type": "should be a whole number",
    "list_type": "should be a list",
    "model_type": "should be a mapping of keys",
    "dict_type": "should be a mapping of keys",
}


def problem_message(error: Any) -> str:
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"is too long (at most {context.get('max_length')} characters)"
    if kind == "too_short":
        return "needs at least one item" if context.get("min_length") == 1 else str(error["msg"])
    if kind == "greater_than_equal":
        return f"must be at least {context.get('ge')}"
    if kind == "less_than_equal":
        return f"must be at most {context.get('le')}"
    if kind == "literal_error":
        return f"must be one of: {context.get('expected')}"
    if kind == "string_pattern_mismatch":
        pattern = str(context.get("pattern", ""))
        if "mailto" in pattern:
            return "is not a web address (http:// or https://) or a mailto: link"
        if "[A-Z]" in pattern:
            return "must be one capital letter, e.g. A"
    return str(error["msg"])


def _validation_problems(error: ValidationError, lines: dict[str, int]) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        path = _path(loc)
        line = lines.get(path)
        # For a missing key, point at its parent.
        probe = loc
        while line is None and probe:
            probe = probe[:-1]
            line = lines.get(_path(probe))
        problems.append(Problem(path, problem_message(item), line))
    return problems


def _duplicates(values: list[str]) -> Iterator[tuple[int, str]]:
    seen: set[str] = set()
    for index, value in enumerate(values):
        folded = value.casefold()
        if folded in seen:
            yield index, value
        seen.add(folded)


def _consistency_problems(
    document: ToolkitDocument, lines: dict[str, int], known_cities: Collection[str] | None
) -> list[Problem]:
    problems: list[Problem] = []

    def add(path: str, message: str) -> None:
        problems.append(Problem(path, message, lines.get(path)))

    for index, heading in _duplicates([factor.heading for factor in document.key_factors]):
        add(f"key_factors[{index}].heading", f"the heading '{heading}' is used twice")
    for index, term in _duplicates([term.term for term in document.terms]):
        add(f"terms[{index}].term", f"the term '{term}' is defined twice")
    categories = [factor.category for factor in document.context_factors]
    for index, category in _duplicates(categories):
        add(f"context_factors[{index}].category", f"the category '{category}' is listed twice")
    if known_cities is not None:
        known = set(known_cities)
        for i, factor in enumerate(document.key_factors):
            for k, example in enumerate(factor.examples):
                if example.city not in known:
                    add(
                        f"key_factors[{i}].examples[{k}].city",
                        f"unknown city '{example.city}': add it to data/cities.yaml "
                        "(and load it) first, or use the name it has there",
                    )
    return problems


# -- writing ---------------------------------------------------------------------------------


def prune(value: Any) -> Any:
    """Drop None, empty lists and empty texts from mappings, recursively."""
    if isinstance(value, dict):
        return {key: prune(item) for key, item in value.items() if item not in (None, [], "")}
    if isinstance(value, list):
        return [prune(item) for item in value]
    return value


class _Dumper(yaml.SafeDumper):
    pass


_NEEDS_QUOTES = re.compile(r"[\n]")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _NEEDS_QUOTES.search(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)
