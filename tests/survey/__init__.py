"""Tests of the Charter survey app: questionnaire files (checking, loading, round trip), the
questionnaire pages and the API."""
