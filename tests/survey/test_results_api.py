"""The survey's results and files through the API: the same figures as the pages (the small
case of test_results.py), the same access, and publishing by coordinators only."""

from django.test import Client

from tests.support.clients import api_client, web_client
from tests.support.survey import response_of
from tests.survey.test_results import cycles  # noqa: F401  (the fixture)

API = "/api/v1/charter"


def test_a_cycles_results_as_json(people, cycles):  # noqa: F811
    cycle = cycles["2019"]
    body = api_client(people["coordinator"]).get(f"{API}/cycles/{cycle.pk}/results").json()
    assert (body["invited"], body["submitted"], body["response_rate"]) == (3, 2, "66.7")
    assert body["overall"] == "83.3"
    assert body["published"] is False
    pm3 = next(c for c in body["commitments"] if c["code"] == "PM3")
    assert (pm3["fully"], pm3["not_at_all"], pm3["mean"]) == (1, 1, "50.0")
    buyer = next(r for r in body["roles"] if r["code"] == "buyer")
    assert (buyer["mean"], buyer["cities"]) == ("100.0", 1)
    assert body["trend"]["cycles"] == ["2017", "2019"]
    assert body["trend"]["roles"]["policy-maker"] == ["50.0", "75.0"]
    assert body["trend"]["response_rate"] == ["100.0", "66.7"]


def test_results_are_published_by_coordinators_and_then_public(people, cycles):  # noqa: F811
    url = f"{API}/cycles/{cycles['2019'].pk}/results"
    assert Client().get(url).status_code == 404
    assert api_client(people["officer"]).post(f"{url}/publish").status_code == 404
    assert Client().post(f"{url}/publish").status_code == 401
    assert api_client(people["coordinator"], "read").post(f"{url}/publish").status_code == 403
    published = api_client(people["coordinator"]).post(f"{url}/publish")
    assert published.status_code == 200 and published.json()["published"] is True
    assert Client().get(url).status_code == 200
    assert api_client(people["officer"]).post(f"{url}/withdraw").status_code == 403
    assert api_client(people["coordinator"]).post(f"{url}/withdraw").json()["published"] is False


def test_a_citys_scores_as_json_follow_its_response(people, cycles):  # noqa: F811
    athens = response_of(cycles["2019"], "Athens")
    url = f"{API}/responses/{athens.pk}/results"
    body = api_client(people["officer"]).get(url).json()
    assert body["previous_cycle"] == "2017"
    assert body["overall"]["score"] == "66.7" and body["overall"]["change"] == "16.7"
    service = next(r for r in body["roles"] if r["code"] == "service-provider")
    assert (service["score"], service["previous"], service["change"]) == ("100.0", "50.0", "50.0")
    assert body["data_gaps"] == ["EM1"]
    assert api_client(people["other_officer"]).get(url).status_code == 404
    assert Client().get(url).status_code == 404
    pdf = api_client(people["officer"]).get(f"{url}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_answers_file_through_the_api(people, cycles):  # noqa: F811
    url = f"{API}/cycles/{cycles['2019'].pk}/answers"
    client = api_client(people["coordinator"])
    csv = client.get(f"{url}/csv?header=codes")
    assert csv.status_code == 200
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("city,country,status,submitted,PM1,")
    assert [line.split(",")[0] for line in lines[1:]] == ["Athens", "Ghent", "Helsinki"]
    assert client.get(f"{url}/xlsx").content[:2] == b"PK"
    assert client.get(f"{url}/pdf").status_code == 422
    assert Client().get(f"{url}/csv").status_code == 404  # results not published


def test_the_results_as_files(people, cycles):  # noqa: F811
    import io

    from openpyxl import load_workbook

    cycle = cycles["2019"]
    client = api_client(people["coordinator"])
    csv = client.get(f"{API}/cycles/{cycle.pk}/results/csv").content.decode("utf-8-sig")
    lines = csv.splitlines()
    assert lines[0].startswith("Commitment,Text,Fully,Partly,Not at all")
    pm3 = next(line for line in lines if line.startswith("PM3,"))
    assert pm3.endswith(",1,0,1,0,0,0,50.0")
    workbook = load_workbook(
        io.BytesIO(client.get(f"{API}/cycles/{cycle.pk}/results/xlsx").content)
    )
    assert workbook.sheetnames == ["Distribution", "Roles", "Trend"]
    trend = [[cell.value for cell in row] for row in workbook["Trend"].iter_rows()]
    assert trend[0] == ["Role", "2017", "2019"]
    assert ["Network mean", 50, 83.3] in trend
    page = web_client(people["coordinator"]).get(f"/charter/cycles/{cycle.pk}/results.csv")
    assert page.status_code == 200 and page.content.decode("utf-8-sig") == csv
    assert Client().get(f"/charter/cycles/{cycle.pk}/results.csv").status_code == 404
