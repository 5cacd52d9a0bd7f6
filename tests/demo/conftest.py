"""Tests of the demo data (`manage.py seed --demo`: the CITIES GROW programme and Athens's
action plan) and of `manage.py generate_data` (the dataset for load tests). No fixtures of its
own."""
