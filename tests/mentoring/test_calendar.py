"""The iCalendar files (mentoring.calendar), read back with a real iCalendar parser."""

import datetime

import pytest
from icalendar import Calendar

from citygrow.mentoring.calendar import PRODID, CalendarEvent, calendar_bytes

STAMP = datetime.datetime(2017, 4, 1, 9, 30, tzinfo=datetime.UTC)
CHANGED = datetime.datetime(
    2017, 3, 20, 14, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=2))
)


def study_visit(**changes: object) -> CalendarEvent:
    fields: dict = {
        "uid": "5d0c7c2a-visit",
        "sequence": 3,
        "summary": "Study visit: Athens to Munich",
        "description": "Day 1: city hall\nDay 2: chamber of commerce",
        "location": "Munich",
        "first_day": datetime.date(2017, 5, 2),
        "last_day": datetime.date(2017, 5, 4),
        "url": "https://citygrow.example/visits/1/",
        "last_modified": CHANGED,
    }
    return CalendarEvent(**(fields | changes))


def parse(content: bytes) -> Calendar:
    assert content.endswith(b"\r\n"), "lines end with CRLF"
    return Calendar.from_ical(content)


def test_the_calendar_says_who_made_it_and_how_to_read_it():
    calendar = parse(calendar_bytes([study_visit()], name="Visits of Munich", stamp=STAMP))
    assert str(calendar["PRODID"]) == PRODID == "-//CityGrow//Mentoring//EN"
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "Visits of Munich"


def test_the_calendar_name_is_left_out_when_not_given():
    calendar = parse(calendar_bytes([study_visit()], stamp=STAMP))
    assert "X-WR-CALNAME" not in calendar


def test_every_field_of_an_event_is_written():
    calendar = parse(calendar_bytes([study_visit()], stamp=STAMP))
    [event] = calendar.walk("VEVENT")
    assert str(event["UID"]) == "5d0c7c2a-visit@citygrow"
    assert event.decoded("SEQUENCE") == 3
    assert event.decoded("DTSTAMP") == STAMP
    assert str(event["SUMMARY"]) == "Study visit: Athens to Munich"
    assert str(event["DESCRIPTION"]) == "Day 1: city hall\nDay 2: chamber of commerce"
    assert str(event["LOCATION"]) == "Munich"
    assert str(event["URL"]) == "https://citygrow.example/visits/1/"
    assert event.decoded("LAST-MODIFIED") == CHANGED
    assert event.decoded("LAST-MODIFIED").utcoffset() == datetime.timedelta(0)


def test_an_event_lasts_whole_days_and_ends_the_day_after_its_last_day():
    calendar = parse(calendar_bytes([study_visit()], stamp=STAMP))
    [event] = calendar.walk("VEVENT")
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert event["DTEND"].params["VALUE"] == "DATE"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert type(start) is datetime.date and type(end) is datetime.date
    assert start == datetime.date(2017, 5, 2)
    assert end == datetime.date(2017, 5, 5)  # exclusive: the visit's last day is 4 May
    assert b"DTSTART;VALUE=DATE:20170502" in calendar_bytes([study_visit()], stamp=STAMP)


def test_a_one_day_event_ends_the_next_day():
    one_day = study_visit(
        first_day=datetime.date(2017, 12, 31), last_day=datetime.date(2017, 12, 31)
    )
    [event] = parse(calendar_bytes([one_day], stamp=STAMP)).walk("VEVENT")
    assert event.decoded("DTEND") == datetime.date(2018, 1, 1)


def test_commas_semicolons_and_new_lines_are_escaped_and_read_back_intact():
    text = "Hall A, floor 2; then lunch\nAfternoon: visits, talks; dinner"
    event = study_visit(summary="Visit; Athens, Munich", description=text, location="Rathaus, 1")
    content = calendar_bytes([event], stamp=STAMP)
    assert b"Hall A\\, floor 2\\; then lunch\\nAfternoon" in content.replace(b"\r\n ", b"")
    [parsed] = parse(content).walk("VEVENT")
    assert str(parsed["SUMMARY"]) == "Visit; Athens, Munich"
    assert str(parsed["DESCRIPTION"]) == text
    assert str(parsed["LOCATION"]) == "Rathaus, 1"


def test_long_and_non_ascii_text_survives_line_folding():
    text = "Ελληνικά και Deutsch: Straße " * 20
    [parsed] = parse(calendar_bytes([study_visit(description=text)], stamp=STAMP)).walk("VEVENT")
    assert str(parsed["DESCRIPTION"]) == text


def test_optional_fields_are_left_out_when_empty():
    bare = CalendarEvent(
        uid="meeting-1",
        summary="Launch meeting",
        first_day=datetime.date(2017, 2, 1),
        last_day=datetime.date(2017, 2, 2),
    )
    [event] = parse(calendar_bytes([bare], stamp=STAMP)).walk("VEVENT")
    for name in ("DESCRIPTION", "LOCATION", "URL", "LAST-MODIFIED"):
        assert name not in event
    assert event.decoded("SEQUENCE") == 0


def test_several_events_each_get_their_own_vevent():
    events = [study_visit(uid=f"visit-{n}") for n in range(3)]
    parsed = parse(calendar_bytes(events, stamp=STAMP)).walk("VEVENT")
    assert [str(event["UID"]) for event in parsed] == [
        "visit-0@citygrow",
        "visit-1@citygrow",
        "visit-2@citygrow",
    ]


def test_an_empty_calendar_is_still_a_calendar():
    calendar = parse(calendar_bytes([], name="Nothing yet", stamp=STAMP))
    assert calendar.walk("VEVENT") == []
    assert str(calendar["PRODID"]) == PRODID
    assert str(calendar["X-WR-CALNAME"]) == "Nothing yet"


def test_the_stamp_defaults_to_now_in_utc():
    before = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    [event] = parse(calendar_bytes([study_visit()])).walk("VEVENT")
    stamp = event.decoded("DTSTAMP")
    assert stamp.utcoffset() == datetime.timedelta(0)
    assert before <= stamp <= datetime.datetime.now(datetime.UTC)


def test_an_event_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="end before it starts"):
        study_visit(first_day=datetime.date(2017, 5, 4), last_day=datetime.date(2017, 5, 2))


def test_a_cancelled_event_says_so_and_a_standing_one_has_no_status():
    calendar = parse(
        calendar_bytes([study_visit(cancelled=True), study_visit(uid="other")], stamp=STAMP)
    )
    cancelled, standing = calendar.walk("VEVENT")
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert "STATUS" not in standing
