"""Reading, checking and writing Charter questionnaire files (see docs/questionnaire-format.md).

No Django here: `parse_questionnaire` turns the text of a file into a checked
`QuestionnaireDocument` or raises `QuestionnaireFileError` with every problem found (each with
its path in the file and its line); `dump_questionnaire` writes a document back out. The way of
working is the toolkit file's (citygrow.catalogue.toolkit_file), whose `Problem` and `prune` are
shared.

The rules a file must keep beyond its shape:
- a role code and a commitment code are used once in a file (compared without case);
- every commitment names a role of the file, and every role has at least one commitment;
- an extra question's code is used once within its commitment; a `choice` question has at
  least two distinct choices, and only a `choice` question has choices;
- the scale scores `fully` 100 > `partly` > `not_at_all` 0 ("not applicable" is left out of
  every average, "don't know" scores 0 and is counted as a data gap: fixed, not in the file).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from citygrow.catalogue.toolkit_file import Problem, prune

FORMAT_VERSION = 1

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5_000)]
Line = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Link = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=500, pattern=r"^https?://[^\s/]+\S*$")
]
RoleCode = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,39}$")]
Code = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")]
Score = Annotated[int, Field(ge=0, le=100)]

QuestionKind = Literal["yes_no", "number", "choice", "text"]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class EditionSpec(_Part):
    label: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")]
    year: Annotated[int, Field(ge=2000, le=2100)]
    status: Literal["published", "withdrawn"]


class SourceSpec(_Part):
    title: Line
    publisher: Line
    year: Annotated[int, Field(ge=1990, le=2100)]
    date: Line | None = None
    url: Link | None = None
    credit: Text


class ScaleSpec(_Part):
    fully: Score
    partly: Score
    not_at_all: Score


class RoleSpec(_Part):
    code: RoleCode
    title: Line


class QuestionSpec(_Part):
    code: Code
    kind: QuestionKind
    text: Text
    choices: list[Line] = []


class CommitmentSpec(_Part):
    code: Code
    role: RoleCode
    text: Text
    summary: bool
    questions: list[QuestionSpec] = []


class QuestionnaireDocument(_Part):
    format: Literal[1]
    edition: EditionSpec
    title: Line
    source: SourceSpec
    scale: ScaleSpec
    roles: Annotated[list[RoleSpec], Field(min_length=1)]
    commitments: Annotated[list[CommitmentSpec], Field(min_length=1)]

    def as_data(self) -> dict[str, Any]:
        """The document as plain data in file order, without empty optional fields (but with
        `summary: false` and a score of 0, which say something)."""
        data: dict[str, Any] = prune(self.model_dump(mode="json"))
        return data

    def fingerprint(self) -> str:
        """A SHA-256 of the content: equal for two files that say the same thing."""
        canonical = json.dumps(self.as_data(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(canonical.encode()).hexdigest()


class QuestionnaireFileError(Exception):
    """A questionnaire file that cannot be loaded, with every problem found in it."""

    def __init__(self, source: str, problems: list[Problem]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        heading = f"{self.source}: {count} problem{'s' if count != 1 else ''}"
        return "\n".join([heading, *(f"  {self.source}: {problem}" for problem in self.problems)])


#: libyaml's safe loader where PyYAML was built with it, as for toolkit files.
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def parse_questionnaire(text: str, *, source: str = "<questionnaire>") -> QuestionnaireDocument:
    """Read and check a questionnaire file. Raises QuestionnaireFileError listing every problem;
    returns the document otherwise."""
    lines, data = _read_yaml(text, source)
    try:
        document = QuestionnaireDocument.model_validate(data)
    except ValidationError as error:
        raise QuestionnaireFileError(source, _validation_problems(error, lines)) from None
    problems = _consistency_problems(document, lines)
    if problems:
        raise QuestionnaireFileError(source, problems)
    return document


def dump_questionnaire(data: dict[str, Any], *, fmt: Literal["yaml", "json"] = "yaml") -> str:
    """Write questionnaire data (as from `QuestionnaireDocument.as_data`) as YAML or JSON."""
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100, indent=2)


# -- reading ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _read_yaml(text: str, source: str) -> tuple[dict[str, int], dict[str, Any]]:
    """The file's data and the line of each path in it, or QuestionnaireFileError. Cached for
    the last few texts (never changed by the caller)."""
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as error:
        raise QuestionnaireFileError(source, [_yaml_problem(error)]) from None
    if root is None:
        raise QuestionnaireFileError(source, [Problem("", "the file is empty")])
    lines: dict[str, int] = {}
    problems = list(_walk(root, "", lines))
    if problems:
        raise QuestionnaireFileError(source, problems)
    try:
        data = yaml.load(text, Loader=_Loader)  # a safe loader (_Loader)
    except yaml.YAMLError as error:
        raise QuestionnaireFileError(source, [_yaml_problem(error)]) from None
    if not isinstance(data, dict):
        raise QuestionnaireFileError(
            source,
            [Problem("", "a questionnaire file is a mapping of keys (format, edition, ...)", 1)],
        )
    return lines, data


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
    "extra_forbidden": "unknown key: it is not part of the questionnaire format (misspelt?)",
    "string_type": "should be text",
    "int_type": "should be a whole number",
    "bool_type": "should be true or false",
    "list_type": "should be a list",
    "model_type": "should be a mapping of keys",
    "dict_type": "should be a mapping of keys",
    "string_too_short": "must not be empty",
}


def problem_message(error: Any) -> str:
    """A pydantic error of the document in the words of the format."""
    kind = error["type"]
    context = error.get("ctx") or {}
    if kind in _MESSAGES:
        return _MESSAGES[kind]
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
        if "https?" in pattern:
            return "is not a web address (http:// or https://)"
        if pattern.startswith("^[a-z]"):
            return "must be a code in small letters, digits and hyphens, e.g. policy-maker"
        return "must be a code of letters, digits, '.', '_' or '-', e.g. PM1"
    return str(error["msg"])


def _validation_problems(error: ValidationError, lines: dict[str, int]) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        path = _path(loc)
        line = lines.get(path)
        probe = loc
        while line is None and probe:  # a missing key: point at its parent
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


def _consistency_problems(document: QuestionnaireDocument, lines: dict[str, int]) -> list[Problem]:
    problems: list[Problem] = []

    def add(path: str, message: str) -> None:
        problems.append(Problem(path, message, lines.get(path)))

    scale = document.scale
    if scale.fully != 100:
        add("scale.fully", "must be 100: a commitment delivered fully scores 100")
    if scale.not_at_all != 0:
        add("scale.not_at_all", "must be 0: a commitment not delivered at all scores 0")
    if not scale.not_at_all < scale.partly < scale.fully:
        add("scale.partly", "must lie between not_at_all and fully (e.g. 50)")
    for index, code in _duplicates([role.code for role in document.roles]):
        add(f"roles[{index}].code", f"the role code '{code}' is used twice")
    for index, code in _duplicates([item.code for item in document.commitments]):
        add(
            f"commitments[{index}].code",
            f"the commitment code '{code}' is used twice: each commitment needs its own code",
        )
    roles = {role.code for role in document.roles}
    for index, commitment in enumerate(document.commitments):
        here = f"commitments[{index}]"
        if commitment.role not in roles:
            add(
                f"{here}.role",
                f"unknown role '{commitment.role}': use one of the codes under roles "
                f"({', '.join(role.code for role in document.roles)})",
            )
        codes = [question.code for question in commitment.questions]
        for k, code in _duplicates(codes):
            add(f"{here}.questions[{k}].code", f"the question code '{code}' is used twice here")
        for k, question in enumerate(commitment.questions):
            choices = f"{here}.questions[{k}].choices"
            if question.kind == "choice":
                if len(question.choices) < 2:
                    add(choices if question.choices else f"{here}.questions[{k}]",
                        "a choice question needs at least two choices")  # fmt: skip
                for c, choice in _duplicates(question.choices):
                    add(f"{choices}[{c}]", f"the choice '{choice}' is given twice")
            elif question.choices:
                add(choices, f"only a choice question has choices (this one is {question.kind})")
    used = {commitment.role for commitment in document.commitments}
    for index, role in enumerate(document.roles):
        if role.code not in used:
            add(f"roles[{index}].code", f"the role '{role.code}' has no commitment")
    return problems


# -- writing ---------------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    pass


_NEEDS_BLOCK = re.compile(r"\n")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if _NEEDS_BLOCK.search(value):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)
