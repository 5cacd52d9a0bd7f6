"""Who is who in the `people` fixture (tests/conftest.py), by the names tests use for them."""

#: The keys of the `people` fixture: a person per role and relation, around the pairing
#: Munich (mentor) → Athens (implementing) on theme A.
PEOPLE = [
    "officer",
    "other_officer",
    "mentor",
    "other_mentor",
    "facilitator",
    "other_facilitator",
    "coordinator",
    "staff",
    "nobody",
]

#: The same, after a visitor who is not logged in: the rows of a permission matrix.
ROLES = ["anonymous", *PEOPLE]

#: Who sees Athens's private items on theme A (a draft assessment or plan, a draft visit
#: report): its officers, its mentors on A, A's facilitators and the coordinators.
TEAM = {"officer", "mentor", "facilitator", "coordinator"}
