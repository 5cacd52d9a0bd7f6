"""iCalendar (RFC 5545) files of visits and programme events, as bytes.

Pure: no Django here, so the format can be tested on its own. Visits and meetings last whole
days, so every event is an all-day event: DTSTART and DTEND are dates, and DTEND is the day
*after* the last day (RFC 5545 3.6.1: the end is exclusive), which is what calendar programs
expect for "2 to 4 May". A cancelled event stays in the file with STATUS:CANCELLED, so calendar
programs that have it remove or strike it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from icalendar import Calendar, Event

PRODID = "-//CityGrow//Mentoring//EN"
UID_DOMAIN = "citygrow"


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day event: a visit or a programme meeting."""

    uid: str
    """Stable across changes (the part before "@citygrow"), so calendar programs update the
    event instead of adding a second one."""
    summary: str
    first_day: datetime.date
    last_day: datetime.date
    """Inclusive: a one-day event has first_day == last_day."""
    sequence: int = 0
    """Raised on every change; a calendar program keeps the version with the highest."""
    description: str = ""
    location: str = ""
    url: str = ""
    last_modified: datetime.datetime | None = None
    """Timezone-aware; None when not known."""
    cancelled: bool = False
    """Called off: written as STATUS:CANCELLED (RFC 5545 3.8.1.11), which calendar programs
    show struck through or drop; raise `sequence` with it so they take the change."""

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError("an event cannot end before it starts")
        if self.sequence < 0:
            raise ValueError("the sequence cannot be negative")


def _vevent(event: CalendarEvent, stamp: datetime.datetime) -> Event:
    vevent = Event()
    vevent.add("uid", f"{event.uid}@{UID_DOMAIN}")
    vevent.add("sequence", event.sequence)
    vevent.add("dtstamp", stamp)
    vevent.add("dtstart", event.first_day)
    vevent.add("dtend", event.last_day + datetime.timedelta(days=1))
    vevent.add("summary", event.summary)
    if event.description:
        vevent.add("description", event.description)
    if event.location:
        vevent.add("location", event.location)
    if event.url:
        vevent.add("url", event.url)
    if event.last_modified is not None:
        vevent.add("last-modified", event.last_modified.astimezone(datetime.UTC))
    if event.cancelled:
        vevent.add("status", "CANCELLED")
    vevent.add("transp", "TRANSPARENT")  # all-day events do not block the day's hours
    return vevent


def calendar_bytes(
    events: Iterable[CalendarEvent],
    *,
    name: str | None = None,
    stamp: datetime.datetime | None = None,
) -> bytes:
    """A VCALENDAR with one all-day VEVENT per event, as UTF-8 bytes with CRLF line ends.

    `name` becomes X-WR-CALNAME (the name calendar programs show for a subscribed feed).
    `stamp` is the DTSTAMP of every event: when this file was made (now, in UTC, by default).
    """
    stamp = (stamp or datetime.datetime.now(datetime.UTC)).astimezone(datetime.UTC)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(_vevent(event, stamp))
    content: bytes = calendar.to_ical()
    return content
