"""Every snippet the builder hands out, as pure functions of (service, widget, options).

One place decides what a snippet is, so the URL in a snippet, the page it frames and
the builder's preview always agree. No I/O: the builder, the tests and any future
command-line helper call the same functions.

Escaping: names come from the editor's strikes file, so every text that lands in
HTML goes through markupsafe (attributes and text alike); Markdown and BBCode get
their own escaping below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from urllib.parse import quote, urlencode

from markupsafe import Markup

from widget import routes
from widget.render.badge.renderer import FORMATS
from widget.render.badge.svg import STYLES, THEMES
from widget.render.badge.text import BadgeOptions
from widget.render.frames import DEFAULT_HEIGHT, SANDBOX
from widget.render.options import OPTIONS, EmbedOptions

WIDGETS = tuple(r.widget for r in routes.EMBEDS if r.widget)
KINDS = (*WIDGETS, "badge")  # what the builder offers: the three widgets and the image badge

# NOTE: the badge package is the one place styles, heights, themes and formats are
# written (widget.render.badge.svg.STYLES and THEMES, renderer.FORMATS); these are views
# of it under the names the builder uses. A snippet pins the height (see svg.Style).
BADGE_STYLES = tuple(STYLES)
BADGE_HEIGHT = {name: style.height for name, style in STYLES.items()}
BADGE_THEMES = tuple(THEMES)
BADGE_FORMATS = FORMATS


def applicable(widget: str, options: EmbedOptions) -> EmbedOptions:
    """`options` with every option that `widget` does not take set back to its default,
    so a snippet never carries a parameter its embed page would refuse."""
    reset = {o.name: type(getattr(options, o.name))(o.default)
             for o in OPTIONS if widget not in o.widgets}
    return replace(options, **reset)


@dataclass(frozen=True, slots=True)
class Embed:
    """One embed page of one service: what script tags, iframes and links point at."""

    base_url: str
    widget: str  # news | strikes | strike
    options: EmbedOptions
    slug: str = ""

    def __post_init__(self) -> None:
        if self.widget not in WIDGETS:
            raise ValueError(f"unknown widget {self.widget!r}")
        if (self.widget == "strike") != bool(self.slug):
            raise ValueError("a strike needs a slug, and only a strike has one")
        object.__setattr__(self, "options", applicable(self.widget, self.options))

    @property
    def path(self) -> str:
        """The page's path and canonical query, for a frame on this service's own pages."""
        page = routes.embed_route(self.widget).path(slug=self.slug)
        return page + self.options.query()

    @property
    def url(self) -> str:
        return self.base_url + self.path


@dataclass(frozen=True, slots=True)
class Size:
    width: int | None = None  # px; None: as wide as the host's column
    height: int | None = None  # px reserved before the widget loads; None: the default


_BADGE_DEFAULT = BadgeOptions()


@dataclass(frozen=True, slots=True)
class Badge:
    """A strike's image badge: /badge/strike/SLUG.svg or .png with its three options."""

    base_url: str
    slug: str
    style: str = _BADGE_DEFAULT.style
    lang: str = _BADGE_DEFAULT.lang
    theme: str = _BADGE_DEFAULT.theme  # "auto" is taken as the badge's default, light

    def __post_init__(self) -> None:
        if self.style not in BADGE_STYLES:
            raise ValueError(f"unknown badge style {self.style!r}")
        if self.theme not in (*BADGE_THEMES, "auto"):
            raise ValueError(f"unknown badge theme {self.theme!r}")

    def query(self) -> str:
        pairs = [(name, value) for name in ("style", "lang", "theme")
                 if (value := getattr(self, name)) not in (getattr(_BADGE_DEFAULT, name), "auto")]
        return ("?" + urlencode(pairs)) if pairs else ""

    def path(self, fmt: str = "svg") -> str:
        if fmt not in BADGE_FORMATS:
            raise ValueError(f"unknown badge format {fmt!r}")
        return routes.BADGES[fmt].path(slug=self.slug) + self.query()

    def url(self, fmt: str = "svg") -> str:
        return self.base_url + self.path(fmt)

    @property
    def height(self) -> int:
        return BADGE_HEIGHT[self.style]


# --- HTML ---------------------------------------------------------------------------


def script_tag(embed: Embed, title: str, size: Size = Size()) -> str:
    """The recommended form: a link that works without JavaScript, and the loader that
    swaps it for a sized, sandboxed frame (README "Script tag")."""
    data = Markup("")
    if size.width is not None:
        data += Markup(' data-width="{}"').format(size.width)
    if size.height is not None:
        data += Markup(' data-height="{}"').format(size.height)
    link = Markup('<a class="solidarity-widget" href="{href}"{data}>{title}</a>').format(
        href=embed.url, data=data, title=title)
    loader = Markup('<script async src="{}"></script>').format(
        embed.base_url + routes.LOADER.template)
    return f"{link}\n{loader}"


def iframe(embed: Embed, title: str, size: Size = Size()) -> str:
    """For hosts that allow frames but not scripts (README "Plain iframe"). It cannot
    grow with its content, so it takes the reserved height as its height."""
    height = size.height if size.height is not None else DEFAULT_HEIGHT[embed.widget]
    width = str(size.width) if size.width is not None else "100%"
    style = "border:0" if size.width is None else "border:0;max-width:100%"
    return str(Markup(
        '<iframe src="{src}" title="{title}" width="{width}" height="{height}" '
        'style="{style}" loading="lazy" referrerpolicy="no-referrer" sandbox="{sandbox}">'
        '</iframe>'
    ).format(src=embed.url, title=title, width=width, height=height, style=style,
             sandbox=SANDBOX))


def oembed_link(embed: Embed) -> str:
    """WordPress, Ghost and Discourse turn this URL into the widget by oEmbed discovery."""
    return embed.url


def badge_html(badge: Badge, link: str, alt: str, fmt: str = "svg") -> str:
    """The badge as an image linking to the counter; `fmt="png"` for e-mail, where SVG
    is rarely shown."""
    return str(Markup('<a href="{link}"><img src="{src}" alt="{alt}" height="{h}"></a>').format(
        link=link, src=badge.url(fmt), alt=alt, h=badge.height))


# --- Markdown and BBCode --------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>&~])")
_URL_UNSAFE = re.compile(r"[\s\[\]()<>\"'`\\]")


def _url(url: str) -> str:
    """Percent-encode what could end a Markdown destination or a BBCode tag early."""
    return _URL_UNSAFE.sub(lambda m: quote(m.group(0), safe=""), url)


def _markdown_text(text: str) -> str:
    """Plain text for a Markdown link text: what could start emphasis, code, a link, raw
    HTML or an entity is backslash-escaped (CommonMark allows it before any ASCII
    punctuation)."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def badge_markdown(badge: Badge, link: str, alt: str) -> str:
    """For README files and Markdown forums: SVG, which GitHub and GitLab show crisply."""
    return f"[![{_markdown_text(alt)}]({_url(badge.url('svg'))})]({_url(link)})"


def badge_bbcode(badge: Badge, link: str) -> str:
    """For BBCode forums, which often accept only raster images: the PNG. BBCode has no
    alt text and no escaping, so the URLs are made safe instead."""
    return f"[url={_url(link)}][img]{_url(badge.url('png'))}[/img][/url]"


# --- all of them ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snippet:
    form: str  # script | iframe | link | badge-html | badge-markdown | badge-bbcode | badge-email
    text: str


def widget_snippets(embed: Embed, title: str, size: Size = Size()) -> tuple[Snippet, ...]:
    """The forms for a widget, most capable first."""
    return (Snippet("script", script_tag(embed, title, size)),
            Snippet("iframe", iframe(embed, title, size)),
            Snippet("link", oembed_link(embed)))


def badge_snippets(badge: Badge, counter: Embed, alt: str) -> tuple[Snippet, ...]:
    """The forms of a strike's badge, each linking to that strike's counter page."""
    link = counter.url
    return (Snippet("badge-html", badge_html(badge, link, alt)),
            Snippet("badge-markdown", badge_markdown(badge, link, alt)),
            Snippet("badge-bbcode", badge_bbcode(badge, link)),
            Snippet("badge-email", badge_html(badge, link, alt, "png")),
            Snippet("link", oembed_link(counter)))
