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


class ActionKind(StrEnum):
    """What a call to action asks of the reader."""

    PETITION = "petition"
    LETTER = "letter"
    CONTACT = "contact"
    DONATE = "donate"
    EVENT = "event"


@dataclass(frozen=True, slots=True)
class Action:
    """A way for a reader to act for a strike: sign, write, call, give, come."""

    kind: ActionKind
    label: str
    url: str  # https only


@dataclass(frozen=True, slots=True)
class StrikeText:
    """A strike's own words in one more language; "" or () where that language has none.
    `actions` are the labels of the strike's actions, in their order."""

    name: str = ""
    place: str = ""
    demands: tuple[str, ...] = ()
    summary: str = ""
    actions: tuple[str, ...] = ()


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
class Words:
    """A strike's words in one reader's language; each *_translated says whether they are
    in it (False: the original, written in the strikes file's own language)."""

    name: str
    name_translated: bool
    place: str
    place_translated: bool
    demands: tuple[str, ...]
    demands_translated: bool
    summary: str
    summary_translated: bool
    actions: tuple[Action, ...]
    actions_translated: bool


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
    actions: tuple[Action, ...] = ()
    # The strike's words in other languages than the file's own: (language, text) pairs.
    texts: tuple[tuple[str, StrikeText], ...] = ()

    def text(self, lang: str) -> StrikeText | None:
        return next((text for code, text in self.texts if code == lang), None)

    def words(self, lang: str) -> Words:
        """The strike's words as a reader of `lang` gets them: that language's where the
        file gives them, else the original (widget.render marks those with their own
        language)."""
        t = self.text(lang) or StrikeText()
        labels = t.actions if len(t.actions) == len(self.actions) else ()
        return Words(
            name=t.name or self.name, name_translated=bool(t.name),
            place=t.place or self.place, place_translated=bool(t.place),
            demands=t.demands or self.demands, demands_translated=bool(t.demands),
            summary=t.summary or self.summary, summary_translated=bool(t.summary),
            actions=tuple(Action(a.kind, label, a.url) for a, label in
                          zip(self.actions, labels or (a.label for a in self.actions),
                              strict=False)),
            actions_translated=bool(labels))

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
