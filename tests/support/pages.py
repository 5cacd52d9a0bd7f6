"""Using the pages as a person does: read a page's links and forms, fill in a form as it stands
and submit it, and read what the page says.

    page = officer.web.get(url)
    form = form_on(page, containing="Start the plan")      # or action=reverse(...)
    response = form.submit(officer.web, {"title": "Our plan"}, follow=True)
    assert "Plan started." in text_of(response)
    page = officer.web.get(link_on(page, "Measured change"))

A form is sent as a browser would send it: its text, hidden and date inputs and textareas as
they are, its ticked boxes and radios, each select's chosen option (or its first). A change
names its field by name ("title"), by the end of a prefixed name ("-value" for "q12-value"),
or by its label ("Title"). A change to a field the form does not have, or to a choice it does
not offer, fails the test: what is sent is what the page lets a person send. `Choice("text")`
picks an option, radio or checkbox by (part of) its visible label.
"""

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

from django.test import Client

#: Inputs a person types into (or that the page fills): sent as they are.
_TYPED = {"text", "hidden", "date", "number", "email", "url", "search", "password", "tel"}
_BUTTONS = {"submit", "button", "image", "reset"}


@dataclass(frozen=True)
class Choice:
    """An option, radio or checkbox chosen by (part of) its visible label."""

    label: str


@dataclass
class _Field:
    name: str
    kind: str  # one of _TYPED, "textarea", "select", "checkbox", "radio", "file"
    value: str = ""
    on: bool = False  # checked, or selected for an option
    label: str = ""
    multiple: bool = False
    options: list["_Field"] = field(default_factory=list)  # of a select


@dataclass
class Form:
    """A form of a page, as a browser reads it."""

    action: str
    method: str
    fields: list[_Field] = field(default_factory=list)
    text: str = ""

    @property
    def names(self) -> set[str]:
        return {f.name for f in self.fields}

    def choices(self, name: str) -> list[tuple[str, str]]:
        """The (value, label) pairs a person may choose for `name`."""
        result = []
        for f in self.fields:
            if f.name != name:
                continue
            if f.kind == "select":
                result += [(option.value, option.label) for option in f.options]
            elif f.kind in ("checkbox", "radio"):
                result.append((f.value, f.label))
        return result

    def defaults(self) -> dict[str, list[str]]:
        """What the browser sends for the form as the page shows it."""
        data: dict[str, list[str]] = {}
        for f in self.fields:
            values = data.setdefault(f.name, [])
            if f.kind in ("checkbox", "radio"):
                if f.on:
                    values.append(f.value)
            elif f.kind == "select":
                chosen = [o.value for o in f.options if o.on]
                if not chosen and f.options and not f.multiple:
                    chosen = [f.options[0].value]
                values.extend(chosen)
            elif f.kind != "file":
                values.append(f.value)
        return data

    def data(self, changes: dict[str, Any] | None = None) -> dict[str, Any]:
        """The defaults with `changes`: a value (or a list of them, for several boxes) per
        field name; a choice by its value or as `Choice(label)`; [] or None unticks all."""
        data: dict[str, Any] = dict(self.defaults())
        for key, value in (changes or {}).items():
            name = self.name_of(key)
            kinds = {f.kind for f in self.fields if f.name == name}
            if kinds == {"file"}:
                data[name] = value
                continue
            values = [] if value is None else value if isinstance(value, list) else [value]
            if kinds & {"select", "checkbox", "radio"}:
                data[name] = [self._choose(name, v) for v in values]
            else:
                data[name] = [str(v) for v in values]
        return data

    def name_of(self, key: str) -> str:
        """The name of the field `key` stands for: its name, the end of its name (a key that
        starts with "-", for prefixed names such as "new-question-12-text"), or its label."""
        if key in self.names:
            return key
        if key.startswith("-"):
            found = {name for name in self.names if name.endswith(key)}
        else:
            found = {
                f.name
                for f in self.fields
                if f.kind not in ("checkbox", "radio") and f.label.rstrip(":").strip() == key
            }
        assert len(found) == 1, (
            f"The form has {len(found)} fields for {key!r}; it has "
            f"{sorted((f.name, f.label) for f in self.fields)}"
        )
        return found.pop()

    def _choose(self, name: str, wanted: Any) -> str:
        offered = self.choices(name)
        if isinstance(wanted, Choice):
            found = [value for value, label in offered if wanted.label in label]
            assert len(found) == 1, f"{name}: {wanted.label!r} is not one choice of {offered}"
            return found[0]
        assert str(wanted) in [value for value, _label in offered], (
            f"{name}: {wanted!r} is not offered; the choices are {offered}"
        )
        return str(wanted)

    def submit(
        self, client: Client, changes: dict[str, Any] | None = None, *, follow: bool = False
    ) -> Any:
        """Send the form with `changes`, as its button does."""
        data = self.data(changes)
        if self.method == "get":
            return client.get(self.action, data, follow=follow)
        return client.post(self.action, data, follow=follow)


class _Reader(HTMLParser):
    """The forms, links and visible text of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[tuple[str, str]] = []
        self.text: list[str] = []
        self._form: Form | None = None
        self._form_text: list[str] = []
        self._labels: list[tuple[list[str], list[_Field]]] = []  # open labels, innermost last
        self._label_for: dict[str, str] = {}
        self._ids: dict[str, _Field] = {}
        self._select: _Field | None = None
        self._option: _Field | None = None
        self._textarea: _Field | None = None
        self._link: tuple[str, list[str]] | None = None
        self._hidden_depth = 0  # inside <script> or <style>

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag in ("script", "style"):
            self._hidden_depth += 1
        elif tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self._form_text = []
            self.forms.append(self._form)
        elif tag == "a" and "href" in a:
            self._link = (a["href"], [])
        elif tag == "label":
            self._labels.append(([], []))
            if a.get("for"):
                self._labels[-1][1].append(_Field(name=f"for:{a['for']}", kind="label"))
        elif self._form is not None and "disabled" not in a:
            self._form_field(tag, a)

    def _form_field(self, tag: str, a: dict[str, str]) -> None:
        assert self._form is not None
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in _BUTTONS or not a.get("name"):
                return
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            self._add(_Field(a["name"], kind, value, on="checked" in a), a.get("id"))
        elif tag == "textarea" and a.get("name"):
            self._textarea = _Field(a["name"], "textarea")
            self._add(self._textarea, a.get("id"))
        elif tag == "select" and a.get("name"):
            self._select = _Field(a["name"], "select", multiple="multiple" in a)
            self._add(self._select, a.get("id"))
        elif tag == "option" and self._select is not None:
            self._option = _Field("", "option", a.get("value", "\0"), on="selected" in a)
            self._select.options.append(self._option)

    def _add(self, found: _Field, id_: str | None) -> None:
        assert self._form is not None
        self._form.fields.append(found)
        if id_:
            self._ids[id_] = found
        if self._labels:
            self._labels[-1][1].append(found)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden_depth = max(0, self._hidden_depth - 1)
        elif tag == "form" and self._form is not None:
            self._form.text = " ".join(" ".join(self._form_text).split())
            self._form = None
        elif tag == "a" and self._link is not None:
            href, words = self._link
            self.links.append((href, " ".join(" ".join(words).split())))
            self._link = None
        elif tag == "label" and self._labels:
            words, fields = self._labels.pop()
            label = " ".join(" ".join(words).split())
            for found in fields:
                if found.kind == "label":
                    self._label_for[found.name[4:]] = label
                else:
                    found.label = label
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            if self._textarea.value.startswith("\n"):
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None
        elif tag == "option" and self._option is not None:
            self._close_option()
        elif tag == "select":
            if self._option is not None:
                self._close_option()
            self._select = None

    def _close_option(self) -> None:
        assert self._option is not None
        self._option.label = " ".join(self._option.label.split())
        if self._option.value == "\0":
            self._option.value = self._option.label
        self._option = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data
            return
        if self._option is not None:
            self._option.label += data
        if self._hidden_depth:
            return
        self.text.append(data)
        if self._form is not None:
            self._form_text.append(data)
        if self._link is not None:
            self._link[1].append(data)
        for words, _fields in self._labels:
            words.append(data)

    def close(self) -> None:
        super().close()
        for id_, label in self._label_for.items():
            if id_ in self._ids and not self._ids[id_].label:
                self._ids[id_].label = label


def _read(response: Any) -> _Reader:
    reader = _Reader()
    reader.feed(response.content.decode())
    reader.close()
    return reader


def _address(response: Any) -> str:
    """The address of the page `response` answers (a form without action posts back to it)."""
    request = response.request
    query = request.get("QUERY_STRING", "")
    return request["PATH_INFO"] + (f"?{query}" if query else "")


def text_of(response: Any) -> str:
    """The page's text as a person reads it: no tags, one space between words."""
    return " ".join(" ".join(_read(response).text).split())


def forms_on(response: Any) -> list[Form]:
    forms = _read(response).forms
    for form in forms:
        form.action = urljoin(_address(response), form.action)
    return forms


def form_on(response: Any, *, action: str | None = None, containing: str | None = None) -> Form:
    """The one form of the page that posts to `action` and whose text (labels, legends,
    buttons) contains `containing`."""
    forms = forms_on(response)
    found = [
        form
        for form in forms
        if (action is None or form.action.split("#")[0] == action)
        and (containing is None or containing in form.text)
    ]
    assert len(found) == 1, (
        f"{len(found)} forms match action={action!r} containing={containing!r}; the page has "
        f"{[(form.action, form.text[:80]) for form in forms]}"
    )
    return found[0]


def link_on(response: Any, text: str) -> str:
    """The address of the one link of the page whose text contains `text`."""
    links = _read(response).links
    found = {urljoin(_address(response), href) for href, words in links if text in words}
    assert len(found) == 1, f"{len(found)} links say {text!r}; the page has {links}"
    return found.pop()


def has_link(response: Any, text: str) -> bool:
    return any(text in words for _href, words in _read(response).links)


def row_of(response: Any, heading: str, *, linked: bool = False) -> str:
    """The text of the table row whose heading cell starts with `heading` (`linked`: with
    `heading` the text of a link that starts the cell)."""
    rows = re.findall(r"<tr\b.*?</tr>", response.content.decode(), flags=re.S)
    link = r"<a\b[^>]*>\s*" if linked else ""
    found = [row for row in rows if re.search(rf"<th[^>]*>\s*{link}{re.escape(heading)}", row)]
    assert len(found) == 1, f"{len(found)} rows start with {heading!r}"
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", found[0])).split())
