"""Turning what a person typed into search terms.

Pure functions, no Django: the queryset in models.py decides how the terms are matched
(PostgreSQL full-text search, or a word-by-word match on SQLite).
"""

import re
import unicodedata

#: More words than this add nothing to a search of this library; the rest are dropped.
MAX_TERMS = 12
#: A single word longer than this is not a word anyone is looking for.
MAX_TERM_LENGTH = 40

_WORD = re.compile(r"\w+", re.UNICODE)


def search_terms(query: str) -> list[str]:
    """The distinct words of `query`, in order, lower-cased, punctuation dropped.

    Returns an empty list when nothing searchable is left (only punctuation, or blank).
    Words over MAX_TERM_LENGTH are cut, and only the first MAX_TERMS words are kept.
    """
    text = unicodedata.normalize("NFKC", query).casefold()
    terms: list[str] = []
    for match in _WORD.finditer(text):
        word = match.group().strip("_")[:MAX_TERM_LENGTH]
        if word and word not in terms:
            terms.append(word)
        if len(terms) == MAX_TERMS:
            break
    return terms
