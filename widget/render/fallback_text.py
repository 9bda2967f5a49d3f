"""What a snippet's link says before the loader runs, and where no script runs at all.

Written once, when a blogger copies the snippet, and read for years after: so it says
only what stays true (that a strike began on a date, what it demands), never a day count
or "still on strike".
"""

from __future__ import annotations

from widget import i18n
from widget.model import Status, Strike
from widget.render import phrases


def strike_text(strike: Strike, lang: str) -> str:
    """"NAME began a hunger strike on DATE. Demand: …" in `lang`."""
    t = i18n.translations(lang)
    date = i18n.long_date(strike.start_date, lang)
    if strike.status is Status.ANNOUNCED:
        text = t.gettext("%(name)s: hunger strike") % {"name": strike.name} + ". " \
            + phrases.announced(t) % {"date": date} + "."
    elif strike.start_known:
        text = t.gettext("%(name)s began a hunger strike on %(date)s.") % {
            "name": strike.name, "date": date}
    else:
        text = t.gettext("%(name)s: hunger strike") % {"name": strike.name} + "."
    if strike.demands:  # the first, as the widget shows it
        text += " " + t.gettext("Demand:") + " " + strike.demands[0]
    return " ".join(text.split())


def list_text(title: str, site: str) -> str:
    """The news and strikes widgets: their title and the organisation."""
    return f"{title} · {site}"
