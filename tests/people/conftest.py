"""Tests of the people app: accounts and log-in, invitations, API tokens on the account page,
personal data, the audit trail and the rule for private items (people.access).

No fixtures of its own: `people`, a fixture per person (`officer`, ..., `nobody`) and `pairing`
are in tests/conftest.py and tests/support/people.py."""
