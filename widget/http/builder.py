"""The widget builder at / and the API overview at /api.

The builder is a plain GET form: every choice is a query parameter of `/`, and the
server renders the preview and every snippet for it, so it works without JavaScript,
and a builder state is a URL that can be shared. builder.js only makes it live: it
asks this same page for the new choices and swaps the results in.

`ui` is the builder's own language; `lang` stays the widget's language option.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

import falcon

from widget import i18n, routes
from widget.http.errors import InvalidParameter
from widget.http.openapi import openapi_document
from widget.http.params import Params
from widget.http.services import Services
from widget.model import Status, Strike
from widget.render import fallback_text
from widget.render.badge.renderer import BadgeRenderer
from widget.render.badge.svg import THEMES
from widget.render.badge.text import BadgeOptions
from widget.render.frames import DEFAULT_HEIGHT, MAX_HEIGHT, MIN_HEIGHT, SANDBOX
from widget.render.options import (
    ACCENT_PATTERN,
    LIMIT,
    OPTIONS,
    EmbedOptions,
    OptionError,
    parse_options,
)
from widget.render.snippets import (
    BADGE_STYLES,
    FIT_PAIRS,
    KINDS,
    Badge,
    Embed,
    Fit,
    Size,
    Snippet,
    badge_snippets,
    fit_text,
    parse_fit,
    widget_snippets,
)
from widget.values import whole_number

HTML = "text/html; charset=utf-8"
# The builder's own choices, then the embed options it offers (a subset of OPTIONS).
# `fit` is not typed by anyone: builder.js fills it in with the heights the preview
# measured of itself (see snippets.Fit). It is MEASURED, not chosen: it stays out of the
# state's URL (Choices.query), which is shared and kept short.
CHOICES = ("ui", "widget", "strike", "style", "width", "height", "fit")
MEASURED = ("fit",)
EMBED_CHOICES = ("theme", "accent", "lang", "layout", "background", "limit", "images")
PARAMS = CHOICES + EMBED_CHOICES
WIDTH = (120, 2000)
HEIGHT = (MIN_HEIGHT, MAX_HEIGHT)  # the loader clamps heights to the same range
# Defaults of the builder's own choices; "lang" follows "ui" (see _default).
_BADGE = BadgeOptions()
_DEFAULTS = {"ui": i18n.DEFAULT_LANGUAGE, "widget": "strike", "strike": "", "style": _BADGE.style,
             "width": "", "height": "", "fit": "",
             **{o.name: o.default for o in OPTIONS}}


@dataclass(frozen=True, slots=True)
class Choices:
    """One state of the builder, valid and normalised."""

    ui: str = i18n.DEFAULT_LANGUAGE
    kind: str = "strike"  # news | strikes | strike | badge
    strike: str = ""
    options: EmbedOptions = field(default_factory=EmbedOptions)
    size: Size = field(default_factory=Size)
    style: str = _BADGE.style

    @property
    def widget(self) -> str:
        """The embed page behind this choice: a badge links to its strike's counter."""
        return "strike" if self.kind == "badge" else self.kind

    def form(self) -> dict[str, str]:
        """The value of every control of the form."""
        values = {name: str(getattr(self.options, name)) for name in EMBED_CHOICES}
        width, height = self.size.width, self.size.height
        values.update(ui=self.ui, widget=self.kind, strike=self.strike, style=self.style,
                      width="" if width is None else str(width),
                      height="" if height is None else str(height),
                      fit=fit_text(self.size.fit))
        return values

    def query(self, **changes: str) -> str:
        """The canonical query of this state: what differs from the defaults."""
        values = {**self.form(), **changes}
        shown = _shown(values["widget"])
        pairs = [(name, values[name]) for name in PARAMS
                 if name in shown and name not in MEASURED
                 and values[name] not in ("", _default(name, values))]
        return ("?" + urlencode(pairs)) if pairs else ""


def _default(name: str, values: Mapping[str, str]) -> str:
    # The widget speaks the builder's language unless told otherwise.
    return values["ui"] if name == "lang" else _DEFAULTS[name]


def _shown(kind: str) -> set[str]:
    """The choices that matter for a kind of widget; the form hides the others."""
    widget = "strike" if kind == "badge" else kind
    shown = {"ui", "widget", "theme", "lang"}
    if kind in ("strike", "badge"):
        shown.add("strike")
    if kind == "badge":
        return shown | {"style"}
    shown |= {"accent", "layout", "background", "width", "height", "fit"}
    shown |= {o.name for o in OPTIONS if o.name in EMBED_CHOICES and widget in o.widgets}
    return shown


def _pixels(raw: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    value = raw.get(name, "")
    if not value:
        return None
    number = whole_number(value, low, high, digits=5)
    if number is None:
        raise OptionError(name, f"must be a whole number of pixels from {low} to {high}")
    return number


def _fit(value: str) -> Fit:
    if not value:
        return ()
    try:
        return parse_fit(value)
    except ValueError as exc:
        raise OptionError("fit", str(exc)) from None


def _one_of(raw: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = raw.get(name) or default
    if value not in choices:
        raise OptionError(name, "must be one of: " + ", ".join(choices))
    return value


def default_strike(strikes: Mapping[str, Strike]) -> str:
    """The first strike still going on, else the first listed."""
    for strike in strikes.values():
        if strike.status in (Status.ACTIVE, Status.ANNOUNCED):
            return strike.slug
    return next(iter(strikes), "")


def parse_choices(params: Mapping[str, str | list[str]],
                  strikes: Mapping[str, Strike],
                  removed: Mapping[str, dt.date] | None = None) -> Choices:
    """Choices from the query; raises OptionError naming the first wrong parameter.

    Blank fields mean "the default" (a form submits every field); a choice that does
    not apply to the chosen widget is checked but left out of its snippets. A strike
    that is not listed is told apart as the API does: removed (410 there) or never
    listed, a typo (404 there)."""
    raw: dict[str, str] = {}
    for name, value in params.items():
        if name not in PARAMS:
            raise OptionError(name, "is not a choice of the builder (choices: "
                              + ", ".join(PARAMS) + ")")
        if isinstance(value, list):
            raise OptionError(name, "is given more than once")
        raw[name] = value.strip()
    ui = _one_of(raw, "ui", tuple(i18n.LANGUAGES), i18n.DEFAULT_LANGUAGE)
    kind = _one_of(raw, "widget", KINDS, "strike" if strikes else "news")
    slug = raw.get("strike") or default_strike(strikes)
    if raw.get("strike") and slug not in strikes:
        if removed and slug in removed:
            raise OptionError("strike", f"the hunger strike {slug!r} was removed from the "
                                        f"list on {removed[slug].isoformat()}")
        raise OptionError("strike", f"no hunger strike is listed as {slug!r}")
    if kind in ("strike", "badge") and not slug:
        raise OptionError("widget", "no hunger strike is listed yet")
    embed = {name: raw[name] for name in EMBED_CHOICES if raw.get(name)}
    embed.setdefault("lang", ui)
    return Choices(
        ui=ui, kind=kind, strike=slug,
        options=parse_options("news", embed),  # news takes every option offered here
        size=Size(_pixels(raw, "width", *WIDTH), _pixels(raw, "height", *HEIGHT),
                  _fit(raw.get("fit", ""))),
        style=_one_of(raw, "style", BADGE_STYLES, _DEFAULTS["style"]),
    )


# --- what the page shows ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Result:
    embed: Embed  # the page framed by the preview, or the counter a badge links to
    badge: Badge | None
    title: str  # in the widget's language: the snippet's link text and frame title
    snippets: tuple[Snippet, ...]


def build(choices: Choices, strikes: Mapping[str, Strike], base_url: str,
          site: str = "", measure: Callable[[Badge], int] | None = None) -> Result:
    """What the page shows for `choices`. `measure` gives a badge's width today (the
    badge renderer's), for the snippets that must give it (e-mail)."""
    t = i18n.translations(choices.options.lang)
    # NOTE: one literal per call, so that babel extracts each as a message.
    if choices.widget == "strike":
        title = t.gettext("%(name)s: hunger strike") % {"name": strikes[choices.strike].name}
    elif choices.widget == "news":
        title = t.gettext("Latest news")
    else:
        title = t.gettext("Hunger strikes")
    if choices.kind != "badge":
        embed = Embed(base_url, choices.widget, choices.options,
                      choices.strike if choices.widget == "strike" else "")
        fallback = (fallback_text.strike_text(strikes[choices.strike], choices.options.lang)
                    if choices.widget == "strike" else fallback_text.list_text(title, site))
        return Result(embed, None, title,
                      widget_snippets(embed, title, choices.size, fallback))
    o = choices.options
    counter = Embed(base_url, "strike", EmbedOptions(lang=o.lang, theme=o.theme), choices.strike)
    badge = Badge(base_url, choices.strike, choices.style, o.lang, o.theme)
    if measure is not None:
        badge = replace(badge, width=measure(badge))
    # The badge links to the strike's own page, as the widget's "Read more" does.
    query = "" if o.lang == i18n.DEFAULT_LANGUAGE else f"?lang={o.lang}"
    link = base_url + routes.STRIKE_PAGE.path(slug=choices.strike) + query
    return Result(counter, badge, title, badge_snippets(badge, counter, title, link))


def _strike_groups(strikes: Mapping[str, Strike]) -> tuple[list[Strike], list[Strike]]:
    return ([s for s in strikes.values() if not s.stopped],
            [s for s in strikes.values() if s.stopped])


def _api_paths(base_url: str) -> list[dict[str, Any]]:
    """The JSON API's endpoints, read from the OpenAPI document so this list cannot drift."""
    paths = openapi_document(base_url)["paths"]
    return [{"path": path, "params": [p["name"] for p in op["get"].get("parameters", ())
                                      if p["in"] == "query"]}
            for path, op in paths.items()]


def _known_ui(params: Mapping[str, str | list[str]]) -> str:
    """The interface language asked for if it is one, else the default."""
    ui = params.get("ui")
    return ui if isinstance(ui, str) and ui in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE


class _Page:
    def __init__(self, services: Services):
        self._services = services
        self._base = services.config.base_url
        self._api_paths = _api_paths(self._base)

    def _render(self, template: str, ui: str, **context: Any) -> bytes:
        suffix = "" if ui == i18n.DEFAULT_LANGUAGE else "?ui=" + ui
        return self._services.pages.page(
            template, ui, ui=i18n.LANGUAGES[ui], languages=list(i18n.LANGUAGES.values()),
            home=routes.BUILDER.template + suffix, api_home=routes.API_PAGE.template + suffix,
            base_url=self._base, api_paths=self._api_paths, **context)


class BuilderPage(_Page):
    def __init__(self, services: Services):
        super().__init__(services)
        self._renderer: BadgeRenderer | None = None  # made when a badge is first measured

    def _badge_width(self, badge: Badge, strikes: Mapping[str, Strike]) -> int:
        """The badge's width now, as /badge/strike/SLUG.svg draws it."""
        # NOTE: this family's own renderer (the fonts, read once), as families share
        # nothing but Services; made on first use, as most builder pages show no badge.
        if self._renderer is None:
            self._renderer = BadgeRenderer()
        options = BadgeOptions(style=badge.style, lang=badge.lang,
                               theme=badge.theme if badge.theme in THEMES else _BADGE.theme)
        width, _ = self._renderer.size(strikes.get(badge.slug), self._services.clock(), options,
                                       name_lang=self._services.config.content_lang,
                                       rule=self._services.pages.site.rule)
        return width

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        snapshot = self._services.snapshots.current()
        strikes = snapshot.strikes
        try:
            choices = parse_choices(req.params, strikes, snapshot.removed)
            error = None
        except OptionError as exc:
            choices, error = self._fallback(req.params, strikes), exc
        result = None if error else build(choices, strikes, self._base,
                                          self._services.config.site_name,
                                          lambda badge: self._badge_width(badge, strikes))
        form = choices.form()
        if error is not None:  # show what was typed, so it can be corrected
            form.update({k: v for k, v in req.params.items() if k in form and isinstance(v, str)})
        ongoing, ended = _strike_groups(strikes)
        # The widget whose choices the form shows: the one asked for, even if another
        # choice was wrong, so that the form matches what was sent.
        kind = form["widget"] if form["widget"] in KINDS else choices.kind
        resp.data = self._render(
            "builder.html", choices.ui, page="builder", choices=choices, form=form, kind=kind,
            result=result, error=error, ongoing=ongoing, ended=ended,
            default_height=DEFAULT_HEIGHT, sandbox=SANDBOX, limit_range=LIMIT,
            accent_pattern=ACCENT_PATTERN, fit_pairs=FIT_PAIRS,
            width_range=WIDTH, height_range=HEIGHT, state=choices.query(),
            lang_links=[(lang, routes.BUILDER.template + self._switch(choices, lang.code))
                        for lang in i18n.LANGUAGES.values()])
        resp.content_type = HTML
        if error is not None:
            resp.status = falcon.HTTP_400

    @staticmethod
    def _switch(choices: Choices, ui: str) -> str:
        """The same state in another interface language. A widget language that only
        followed the interface's follows it again; one chosen on purpose stays."""
        lang = choices.options.lang
        return choices.query(ui=ui, lang=ui if lang == choices.ui else lang)

    @staticmethod
    def _fallback(params: Mapping[str, str | list[str]], strikes: Mapping[str, Strike]
                  ) -> Choices:
        """After a wrong choice: the defaults, in the interface language if that was right."""
        return parse_choices({"ui": _known_ui(params)}, strikes)

    on_head = on_get


class APIPage(_Page):
    """A page for people: a wrong parameter is explained on the page itself (400), in the
    interface language if that one was right, never answered with problem JSON."""

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        error: OptionError | None = None
        try:
            ui = Params(req, ("ui",)).choice("ui", i18n.LANGUAGES, default=i18n.DEFAULT_LANGUAGE)
        except InvalidParameter as exc:
            ui, error = _known_ui(req.params), OptionError(exc.param_name, exc.reason)
        strikes = self._services.snapshots.current().strikes
        resp.data = self._render(
            "api.html", ui, page="api", example_slug=default_strike(strikes), error=error,
            lang_links=[(lang, routes.API_PAGE.template + ("" if lang.code == i18n.DEFAULT_LANGUAGE
                                         else "?ui=" + lang.code))
                        for lang in i18n.LANGUAGES.values()])
        resp.content_type = HTML
        if error is not None:
            resp.status = falcon.HTTP_400

    on_head = on_get


def register(app: falcon.App, services: Services) -> None:
    """Add this family's routes to `app`."""
    app.add_route(routes.BUILDER.template, BuilderPage(services))
    app.add_route(routes.API_PAGE.template, APIPage(services))
