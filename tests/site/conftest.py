"""Checks that span the apps: the permission matrix of every route, query budgets of every
page, the security baseline, migrations, the admin and the city pages.

No fixtures of its own: the matrix's roles are in tests/support/roles.py, the query-budget
helpers in tests/support/budgets.py."""
