"""The demo pairing's infographic (issue 14, part 6): composed by the demo facilitator from the
pairing's findings and Athens's plan, and published; and the demo programme's deliverables, as
the CITIES GROW concept note promised them.

Illustrative: the strengths and challenges beyond the demo report's findings are made up for the
demo, not those of the CITIES GROW infographic of this pairing; the infographic's notice says so
on the page itself.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction

from citygrow.mentoring.models import Pairing, Programme
from citygrow.people.models import User
from citygrow.reporting import services
from citygrow.reporting.models import Infographic, InfographicItem

NOTICE = "Illustrative: made up for the demo, not the CITIES GROW infographic"
# Items of at most 80 characters (publishing.infographic.LIMITS["item"]).
STRENGTHS = [
    "Migrant community organisations already reach immigrant entrepreneurs",
    "Political support for a more inclusive use of public procurement",
    "Officers in procurement and economic development willing to work together",
]
CHALLENGES = [
    "No common data on immigrant entrepreneurs across the city's departments",
    "Long and complex tender documents for micro and small businesses",
    "Little trust between migrant-owned businesses and the administration",
]


@transaction.atomic
def create_demo_infographic(pairing: Pairing, people: Mapping[str, User]) -> Infographic | None:
    """Compose and publish the pairing's infographic as its facilitator (fatima) would: the
    future actions are the first of Athens's plan actions. Does nothing when the pairing has an
    infographic already."""
    if Infographic.objects.filter(pairing=pairing).exists():
        return None
    author = people["fatima"]
    draft = services.start_infographic(pairing=pairing, by=author)
    actions = [
        services.ItemIn(text=item.text, action=item.action_id, finding=item.finding_id)
        for item in draft.items.filter(section=InfographicItem.Section.ACTION).order_by("position")[
            :4
        ]
    ]
    services.save_infographic(
        infographic=draft,
        data=services.InfographicIn(
            title=draft.title,
            subtitle=draft.subtitle,
            notice=NOTICE,
            credits=draft.credit_lines(),
            key_factors=list(draft.key_factors.values_list("pk", flat=True)),
            practices=list(draft.practices.values_list("pk", flat=True)),
            strengths=[services.ItemIn(text=text) for text in STRENGTHS],
            challenges=[services.ItemIn(text=text) for text in CHALLENGES],
            actions=actions,
        ),
        by=author,
    )
    return services.publish_infographic(infographic=draft, by=author)


#: What CITIES GROW promised to deliver, in the concept note's words (seed 002, "The main
#: deliverables of the project will include").
DELIVERABLES = [
    ("action_plans", 8, "8 local implementation strategies (action plans)"),
    ("toolkits", 4, "4 new Integrating Cities Toolkits"),
    ("infographics", 8, "8 Infographics illustrating each mentoring scheme in each thematic area"),
    ("videos", 4, "4 videos showcasing good practices"),
    ("conferences", 1, "The Integrating Cities Conference VIII"),
]


def create_demo_deliverables(programme: Programme, people: Mapping[str, User]) -> None:
    """Record the programme's promises as its coordinator (cora) would, once."""
    if programme.deliverables.exists():
        return
    services.save_deliverables(
        programme=programme,
        rows=[
            services.DeliverableIn(kind=kind, promised=count, note=note)
            for kind, count, note in DELIVERABLES
        ],
        by=people["cora"],
    )
