"""Who may see a private item: the rule of DESIGN.md and issue 3, as plain data and logic.

An item that is not published (a self-assessment, an action plan, visit notes) belongs to a city
and a theme. It is private to:
- the officers of that city,
- the mentors of that city for that theme (mentors in a pairing whose implementing city it is),
- the facilitators of that theme (members of an organisation that facilitates it),
- coordinators.
Published items are public. No Django here: `people.rules` loads a person's `Roles` and asks.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Roles:
    """The roles one person holds, reduced to what access decisions need."""

    officer_of: frozenset[int] = field(default_factory=frozenset)
    """Ids of the cities the person is an officer of."""
    mentoring: frozenset[tuple[int, int, int]] = field(default_factory=frozenset)
    """(mentor city id, implementing city id, theme id) of the pairings the person mentors in."""
    facilitating: frozenset[int] = field(default_factory=frozenset)
    """Ids of the themes the person's organisations facilitate."""
    coordinator: bool = False
    staff: bool = False

    @property
    def any(self) -> bool:
        return bool(self.officer_of or self.mentoring or self.facilitating or self.coordinator)

    def is_officer_of(self, city_id: int) -> bool:
        return city_id in self.officer_of

    def mentors(self, city_id: int, theme_id: int) -> bool:
        """Whether the person mentors `city_id` (as implementing city) on `theme_id`."""
        return any(
            implementing == city_id and theme == theme_id
            for _mentor, implementing, theme in self.mentoring
        )

    def facilitates(self, theme_id: int) -> bool:
        return theme_id in self.facilitating

    def may_see_private(self, city_id: int, theme_id: int | None) -> bool:
        """Whether the person may see an unpublished item of `city_id` on `theme_id`.

        An item with no theme (theme_id None) is seen by the city's officers and coordinators.
        """
        if self.coordinator or self.is_officer_of(city_id):
            return True
        if theme_id is None:
            return False
        return self.mentors(city_id, theme_id) or self.facilitates(theme_id)

    def may_edit(self, city_id: int) -> bool:
        """Whether the person may change a city's own items (its officers may)."""
        return self.is_officer_of(city_id)
