"""Tests of the catalogue app: toolkit files (checking, loading, fidelity to the sources) and
the toolkit pages, PDF and downloads.

No fixtures of its own: `seeded`, `toolkit_a`, `toolkit_c` and `toolkit_a_text` are in
tests/conftest.py; the toolkit files' folder and `write` are in tests/support/toolkits.py."""
