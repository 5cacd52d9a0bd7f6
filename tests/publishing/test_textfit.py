# ruff: noqa: RUF001 (Greek and Cyrillic letters: the text of the pages is the point)
"""Measuring and wrapping text in DejaVu Sans (publishing.textfit), without loading a font.

The widths come from a generated table (bin/font-metrics); these tests hold the measure to what
is known of the fonts, and wrap() to its promises: no line wider than asked, every word kept, in
order.
"""

import ast
import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citygrow.publishing import textfit
from citygrow.publishing.textfit import ELLIPSIS, clean, fit, measure, truncate, widest, wrap

ROOT = Path(__file__).resolve().parents[2]
FONTS = Path("/usr/share/fonts/truetype/dejavu")
SENTENCES = [
    "The city council set up a one-stop shop where newcomers meet employers and advisers.",
    "Η Αθήνα μαθαίνει από το Μόναχο πώς να συνδέει αγοραστές και προμηθευτές.",
    "Työllisyyspalveluiden kehittäminen yhteistyössä maahanmuuttajajärjestöjen kanssa.",
    "Rīgas pašvaldība izveidoja konsultāciju centru, kurā jaunpienācēji saņem palīdzību.",
    "Муниципалитет открыл центр для новых жителей города.",
]


def test_known_widths_of_dejavu_sans():
    # DejaVu Sans: "A" is 1401/2048 em, a space 651/2048, a digit 1303/2048 (rounded up).
    assert measure("A") == pytest.approx(0.685)
    assert measure(" ") == pytest.approx(0.318)
    assert measure("0123456789") == pytest.approx(6.37)
    assert measure("") == 0
    assert measure("iiii") < measure("WWWW")
    assert measure("Athens", 10) == pytest.approx(10 * measure("Athens"))
    assert measure("Athens", 9, bold=True) > measure("Athens", 9)


@pytest.mark.parametrize("sentence", SENTENCES)
def test_bold_text_is_at_least_as_wide_as_regular_text(sentence):
    assert measure(sentence, bold=True) >= measure(sentence)


@pytest.mark.parametrize("bold", [False, True])
@pytest.mark.parametrize(
    "char",
    ["中", "😀", "\u0300", "\u0627", "\u05d0", "\t", "\x00", "\ufffd"],
    ids=["han", "emoji", "combining-grave", "arabic", "hebrew", "tab", "nul", "replacement"],
)
def test_a_character_not_in_the_table_measures_as_the_widest(char, bold):
    assert measure(char, bold=bold) == widest(bold=bold)
    assert widest(bold=bold) == measure("\u2031", bold=bold)  # the per ten thousand sign
    assert measure("W", bold=bold) < widest(bold=bold)


def test_the_table_covers_the_scripts_of_the_pairings():
    for sentence in SENTENCES:
        assert all(measure(char) < widest() for char in sentence), sentence


def test_clean_removes_what_xml_cannot_hold_and_collapses_white_space():
    assert (
        clean("  Athens\x00 \ud800learns\n\tfrom\r\n  Munich\ufffe ") == "Athens learns from Munich"
    )
    assert clean("1\u00a0000") == "1\u00a0000"  # a no-break space is a character, kept


def test_wrap_breaks_at_spaces_by_measured_width():
    lines = wrap("Athens learns from Munich how to match buyers and suppliers", 100, 9)
    assert lines == ["Athens learns from", "Munich how to match", "buyers and suppliers"]
    assert all(measure(line, 9) <= 100 for line in lines)


def test_a_word_longer_than_the_line_starts_a_new_line_and_is_broken():
    lines = wrap("Uusi Työllisyyspalveluiden malli", 60, 8.5)
    assert lines[0] == "Uusi"
    assert "".join(lines[1:-1]) + lines[-1].split(" ")[0] == "Työllisyyspalveluiden"
    assert all(measure(line, 8.5) <= 60 for line in lines)


def test_a_word_is_not_broken_between_a_letter_and_its_accent():
    word = "e\u0301" * 12  # é as e + combining acute (the accent is measured as the widest)
    lines = wrap(word, 20, 8.5)
    assert all(not line.startswith("\u0301") for line in lines)
    assert "".join(lines) == word


def test_empty_text_gives_no_lines():
    assert wrap("", 100, 9) == []
    assert wrap(" \n\t ", 100, 9) == []
    assert fit("", 100, 9, 2).lines == []


def test_a_line_narrower_than_the_widest_character_is_refused():
    with pytest.raises(ValueError, match="cannot hold"):
        wrap("Athens", widest(9) - 0.1, 9)
    assert wrap("中", widest(9), 9) == ["中"]


def test_fit_cuts_the_last_line_with_an_ellipsis():
    text = "Athens learns from Munich how to match buyers and suppliers"
    fitted = fit(text, 100, 9, 2)
    assert fitted.cut
    assert len(fitted.lines) == 2
    assert fitted.lines == ["Athens learns from", f"Munich how to{ELLIPSIS}"]  # whole words
    assert all(measure(line, 9) <= 100 for line in fitted.lines)
    assert fitted.kept == len("Athens learns from Munich how to")
    assert fit(text, 400, 9, 2) == textfit.Fitted(wrap(text, 400, 9), cut=False, kept=len(text))
    assert (
        truncate("Työllisyyspalveluiden", 60, 9) == f"Työllisyysp{ELLIPSIS}"
    )  # one word: cut in it
    assert truncate("Athens", 100, 9) == "Athens"


def _non_space(text: str) -> str:
    return "".join(text.split(" "))


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(max_size=300) | st.text(st.characters(categories=["Cc", "Cs", "Zs", "Mn"])),
    width=st.floats(min_value=17, max_value=600),
    size=st.sampled_from([7.5, 8.5, 9, 10.5, 14, 18]),
    bold=st.booleans(),
)
def test_wrap_never_returns_a_line_wider_than_asked_and_keeps_every_word(text, width, size, bold):
    if width < widest(size, bold=bold):
        width = widest(size, bold=bold)
    lines = wrap(text, width, size, bold=bold)
    assert all(measure(line, size, bold=bold) <= width for line in lines)
    assert all(line and line == line.strip(" ") for line in lines)
    assert _non_space("".join(lines)) == _non_space(clean(text))  # all of it, in order
    words = clean(text).split(" ")
    if all(measure(word, size, bold=bold) <= width for word in words):
        assert " ".join(lines) == clean(text)  # no word broken when every word fits a line


@settings(max_examples=100, deadline=None)
@given(
    text=st.text(max_size=300) | st.text(st.characters(categories=["Cc", "Cs", "Zs", "Mn"])),
    width=st.floats(min_value=40, max_value=600),
    max_lines=st.integers(min_value=1, max_value=4),
    bold=st.booleans(),
)
def test_fit_never_returns_more_lines_or_wider_lines_than_asked(text, width, max_lines, bold):
    fitted = fit(text, width, 9, max_lines, bold=bold)
    assert len(fitted.lines) <= max_lines
    assert all(measure(line, 9, bold=bold) <= width for line in fitted.lines)
    assert fitted.cut == (len(wrap(text, width, 9, bold=bold)) > max_lines)
    if fitted.cut:
        assert fitted.lines[-1].endswith(ELLIPSIS)


def test_the_metrics_module_is_small():
    assert (ROOT / "citygrow/publishing/_dejavu_metrics.py").stat().st_size < 60_000


@pytest.mark.skipif(
    not (FONTS / "DejaVuSans.ttf").exists() or importlib.util.find_spec("fontTools") is None,
    reason="needs the DejaVu fonts and fontTools",
)
def test_the_metrics_module_is_what_bin_font_metrics_makes(tmp_path):
    output = tmp_path / "metrics.py"
    subprocess.run(
        [sys.executable, str(ROOT / "bin/font-metrics"), "--output", str(output)],
        check=True,
        capture_output=True,
    )
    expected = (ROOT / "citygrow/publishing/_dejavu_metrics.py").read_text(encoding="utf-8")
    assert output.read_text(encoding="utf-8") == expected


@pytest.mark.parametrize("module", ["textfit.py", "infographic.py", "_dejavu_metrics.py"])
def test_the_modules_import_no_django(module):
    tree = ast.parse((ROOT / "citygrow/publishing" / module).read_text(encoding="utf-8"))
    imported = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    imported += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not [name for name in imported if name.split(".")[0] == "django"]
    assert set(imported) <= {
        "citygrow.publishing",
        "citygrow.publishing.charts",
        "collections.abc",
        "dataclasses",
        "hashlib",
        "json",
        "re",
        "types",
        "unicodedata",
    }
