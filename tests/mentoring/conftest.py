"""Tests of the mentoring app: programmes and schemes, the pairing recommender, visits and
their reports, calendar files, and the workload.

No fixtures of its own: `people` and `pairing` (Munich → Athens on theme A, in scheme A of "Test
programme") and a fixture per person are in tests/conftest.py and tests/support/people.py."""
