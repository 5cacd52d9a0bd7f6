"""Tests of the JSON API under /api/v1/: its OpenAPI document, each area's routes, tokens, and
the Schemathesis fuzzing (test_api_fuzz.py, run on its own without xdist: see bin/test).

No fixtures of its own: API clients come from tests/support/clients.py (`api_client`, `bearer`)
or from a person's fixture (`officer.api`, ...; tests/support/people.py)."""
