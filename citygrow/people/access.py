"""Who may see a private item: the rule of DESIGN.md and issue 3, as plain data and logic.

An item that is not published (a self-assessment, an action plan, visit notes) belongs to a city
and a theme. It is private to:
- the officers of that city,
- the mentors of that city for that theme: in a pairing whose implementing city it is, on the
  pairing's theme, the officers of its mentor city (for as long as the pairing exists, with no
  invitation) and the people invited as mentors into that pairing,
- the facilitators of that theme (members of an organisation that facilitates it),
- coordinators.
Published items are public. No Django here: `people.rules` loads a person's `Roles` and asks.

The rule is written once, as a `Scope` (which unpublished items a person may see, as data).
`Scope.contains` is the rule as a predicate, for one item; `people.visibility` turns the same
`Scope` into a database filter, for lists (`Assessment.objects.visible_to(user)`).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Scope:
    """The unpublished items a person may see: all of them, or those of some cities (any theme),
    those on some themes (any city) and those of some (city, theme) pairs."""

    everything: bool = False
    cities: frozenset[int] = field(default_factory=frozenset)
    themes: frozenset[int] = field(default_factory=frozenset)
    city_themes: frozenset[tuple[int, int]] = field(default_factory=frozenset)

    def contains(self, city_id: int | None, theme_id: int | None) -> bool:
        """Whether an unpublished item of `city_id` on `theme_id` is in the scope (an item of
        no city, or of no theme, is reached only through what it has)."""
        if self.everything or (city_id is not None and city_id in self.cities):
            return True
        if theme_id is None:
            return False
        return theme_id in self.themes or (city_id, theme_id) in self.city_themes


@dataclass(frozen=True)
class Roles:
    """The roles one person holds, reduced to what access decisions need."""

    officer_of: frozenset[int] = field(default_factory=frozenset)
    """Ids of the cities the person is an officer of."""
    mentoring: frozenset[tuple[int, int, int]] = field(default_factory=frozenset)
    """(mentor city id, implementing city id, theme id) of the pairings the person was invited
    into as a mentor (a mentor role)."""
    facilitating: frozenset[int] = field(default_factory=frozenset)
    """Ids of the themes the person's organisations facilitate."""
    coordinator: bool = False
    staff: bool = False
    city_pairings: frozenset[tuple[int, int, int]] = field(default_factory=frozenset)
    """(mentor city id, implementing city id, theme id) of pairings whose mentor city may be one
    of the person's cities (`people.rules.roles_of` loads those of `officer_of`). Only those whose
    mentor city is in `officer_of` count: an officer of a mentor city mentors its pairings."""

    @property
    def any(self) -> bool:
        return bool(self.officer_of or self.mentoring or self.facilitating or self.coordinator)

    def is_officer_of(self, city_id: int) -> bool:
        return city_id in self.officer_of

    def mentees(self) -> frozenset[tuple[int, int]]:
        """(implementing city id, theme id) of every pairing the person mentors in: those they
        were invited into as a mentor, and those whose mentor city they are an officer of."""
        as_officer = frozenset(
            pairing for pairing in self.city_pairings if pairing[0] in self.officer_of
        )
        return frozenset(
            (implementing, theme) for _mentor, implementing, theme in self.mentoring | as_officer
        )

    def mentors(self, city_id: int, theme_id: int) -> bool:
        """Whether the person mentors `city_id` (as implementing city) on `theme_id`: invited
        into a pairing of the two as a mentor, or an officer of the pairing's mentor city."""
        return (city_id, theme_id) in self.mentees()

    def facilitates(self, theme_id: int) -> bool:
        return theme_id in self.facilitating

    def private_scope(self) -> Scope:
        """The unpublished items of cities the person may see: everything for coordinators;
        their cities' items; their mentees' items on the pairing's theme (as invited mentors, or
        as officers of the mentor city); their themes' items."""
        return Scope(
            everything=self.coordinator,
            cities=self.officer_of,
            themes=self.facilitating,
            city_themes=self.mentees(),
        )

    def draft_scope(self) -> Scope:
        """The draft benchmarks (toolkit editions, which belong to a theme and no city) the
        person may see: all for staff and coordinators; their themes' for facilitators."""
        return Scope(everything=self.staff or self.coordinator, themes=self.facilitating)

    def may_see_private(self, city_id: int, theme_id: int | None) -> bool:
        """Whether the person may see an unpublished item of `city_id` on `theme_id`.

        An item with no theme (theme_id None) is seen by the city's officers and coordinators.
        """
        return self.private_scope().contains(city_id, theme_id)

    def may_edit(self, city_id: int) -> bool:
        """Whether the person may change a city's own items (its officers may)."""
        return self.is_officer_of(city_id)
