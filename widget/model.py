"""The content model: plain, immutable records that flow from sources to renderers.

There is deliberately nowhere to put a date of birth, a relative's name or a
contact detail: what is not stored cannot leak.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    INDEFINITE = "indefinite"
    TIME_LIMITED = "time-limited"
    ROTATING = "rotating"
    SOLIDARITY = "solidarity"
    DEATH_FAST = "death-fast"


class Status(StrEnum):
    ANNOUNCED = "announced"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    ENDED = "ended"


# A suspended strike is paused on its end date: its count freezes like an ended one.
STOPPED = frozenset({Status.ENDED, Status.SUSPENDED})
# What the API's `status=` and the list widget's `status` option choose between:
# "active" lists strikes that are ongoing or announced, "ended" those that stopped.
STATUS_FILTERS = ("active", "ended", "all")


class Outcome(StrEnum):
    VICTORY = "victory"
    PARTIAL = "partial"
    AGREEMENT = "agreement"
    RELEASED = "released"
    NO_RESULT = "ended-without-result"
    DIED = "died"


@dataclass(frozen=True, slots=True)
class Image:
    url: str
    width: int | None = None
    height: int | None = None
    alt: str = ""
    thumbnail: str | None = None  # a smaller rendition upstream, when the source offers one
    local: str | None = None  # this service's copy of the thumbnail (/media/NAME), if any


@dataclass(frozen=True, slots=True)
class Media:
    """An image copied at sync time, served under /media/NAME."""

    url: str
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Post:
    id: str
    source: str
    url: str
    title: str
    excerpt: str
    content_html: str
    published: dt.datetime
    modified: dt.datetime
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    image: Image | None = None
    lang: str | None = None


@dataclass(frozen=True, slots=True)
class Strike:
    slug: str
    name: str
    country: str
    place: str
    timezone: str
    start_date: dt.date
    kind: Kind
    status: Status
    outcome: Outcome | None = None
    end_date: dt.date | None = None
    demands: tuple[str, ...] = ()
    summary: str = ""
    sources: tuple[str, ...] = ()
    related_posts: tuple[str, ...] = ()
    day_offset: int = 0
    last_confirmed: dt.date | None = None
    participants: int | None = None
    # This strike's own unverified_after_days (the config's when None).
    unverified_after_days: int | None = None
    # False when no source gives the first day: start_date is then the first day a
    # source reports the strike going on, and no day number is shown anywhere.
    start_known: bool = True

    @property
    def read_more(self) -> str:
        """Where a reader reads more: the organisation's post about this strike, else its
        first source; "" when there is neither (the organisation's site, then)."""
        return next(iter((*self.related_posts, *self.sources)), "")

    @property
    def stopped(self) -> bool:
        """Ended or suspended: the day count froze on `end_date`."""
        return self.status in STOPPED

    @property
    def stopped_on(self) -> dt.date | None:
        """The date the count froze on; None while it still runs."""
        return self.end_date if self.stopped else None

    def listed_under(self, status_filter: str) -> bool:
        """Whether a `status=` filter (one of STATUS_FILTERS) chooses this strike."""
        return status_filter == "all" or self.stopped == (status_filter == "ended")


@dataclass(frozen=True, slots=True)
class SourceStatus:
    name: str
    kind: str
    last_attempt: dt.datetime | None = None
    last_success: dt.datetime | None = None
    last_error: str | None = None
    posts: int = 0
    extra: dict[str, str] = field(default_factory=dict)
