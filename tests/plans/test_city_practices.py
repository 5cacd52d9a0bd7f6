"""The city page's practices (issue 13, part 5): the practices it gave (its examples in the
toolkits and its published contributions, marked) and those it adopted in its plans, with the
plan and its year, in a fixed number of queries."""

from django.utils import timezone

from citygrow.catalogue.models import Theme
from citygrow.people.models import City
from citygrow.plans import services
from citygrow.practices.models import Practice
from tests.support.budgets import assert_flat, count_queries
from tests.support.plans import endorse, key_factor


def contributed(city: str, name: str, status: str = "published") -> Practice:
    practice = Practice.objects.create(
        city=City.objects.get(name=city),
        origin=Practice.Origin.CONTRIBUTED,
        status=status,
        name=name,
        text=f"How {city} does it.",
        source="",
        published_at=timezone.now() if status == "published" else None,
    )
    practice.themes.add(Theme.objects.get(code="A"))
    return practice


def munich_example() -> Practice:
    return Practice.objects.get(
        city__name="Munich", toolkit__theme__code="A", toolkit__year=2018, key_factor__position=1
    )


def test_the_city_page_lists_the_practices_it_gave_marking_its_contributions(client, people):
    contributed("Munich", "Welcome desks in every district")
    contributed("Munich", "A draft of ours", status="draft")
    contributed("Munich", "Gone", status="withdrawn")

    page = client.get("/cities/munich/").content.decode()

    given = page.split('id="practices-given"')[1].split("</section>")[0]
    assert "Welcome desks in every district" in given and "Contributed by the city" in given
    assert munich_example().key_factor.heading in given and "toolkit A, 2018" in given
    assert "A draft of ours" not in given and "Gone" not in given


def test_the_city_page_lists_the_practices_it_adopted_in_the_plans_the_reader_sees(
    client, people, plan
):
    practice = contributed("Munich", "Welcome desks in every district")
    shop = plan.objectives.get(title="Open a one-stop shop")
    services.save_objective(
        plan=plan,
        objective=shop,
        title=shop.title,
        key_factors=[key_factor(1).pk],
        practices=[practice.pk],
        by=people["officer"],
    )
    # A draft plan: its team sees the adoption, the public does not.
    client.force_login(people["officer"])
    page = client.get("/cities/athens/").content.decode()
    adopted = page.split('id="practices-adopted"')[1].split("</section>")[0]
    assert f'href="{practice.get_absolute_url()}"' in adopted
    assert f'href="{plan.get_absolute_url()}"' in adopted and "Athens welcomes" in adopted
    assert f"adapted in its plan of {plan.created_at.year}" in adopted
    client.logout()
    page = client.get("/cities/athens/").content.decode()
    assert "Welcome desks" not in page.split('id="practices-adopted"')[1]
    # Once endorsed, everyone sees it.
    endorse(plan)
    page = client.get("/cities/athens/").content.decode()
    assert "Welcome desks" in page.split('id="practices-adopted"')[1]


def test_the_city_page_keeps_a_flat_query_count(client, people, plan):
    officer = people["officer"]
    shop = plan.objectives.get(title="Open a one-stop shop")
    shop.practices.set([munich_example()])
    plan.actions.first().practices.set([contributed("Munich", "Cited by an action")])
    endorse(plan)
    client.force_login(officer)
    small = count_queries(client, "/cities/athens/")
    # More contributions of Athens, more practices adopted through objectives and actions.
    for n in range(5):
        mine = contributed("Athens", f"Athens practice {n}")
        other = contributed("Munich", f"Munich practice {n}")
        objective = services.save_objective(
            plan=plan, title=f"More {n}", key_factors=[key_factor(n + 2).pk], by=officer
        )
        objective.practices.set([other])
        action = plan.actions.all()[n % 4]
        action.practices.add(contributed("Munich", f"Action practice {n}"))
        assert mine.pk
    large = count_queries(client, "/cities/athens/")
    assert_flat(small, large)
    page = large.response.content.decode()
    assert "Athens practice 4" in page and "Action practice 4" in page
