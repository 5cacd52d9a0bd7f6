"""Tests of the practices app: the good-practice library, its filters, search and pages.

No fixtures of its own: `seeded` (tests/conftest.py) loads the practices of toolkits A and C."""
