"""Tests of the plans app: action plans, their pages, documents, import and export, versions
and endorsements, follow-up, and the pure roll-up, comparison and Gantt modules.

The fixtures `athens_assessment`, `plan` and `endorsed_plan`, shared with the API and permission
tests, are in tests/support/plans.py (a plugin listed in tests/conftest.py; no import needed),
with the helpers `assess_athens`, `athens_pairing`, `key_factor`, `add_actions` and `endorse`."""
