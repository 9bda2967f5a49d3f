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
from widget.render.badge.png import PNG_SCALE, PNG_SCALES
from widget.render.badge.renderer import FORMATS
from widget.render.badge.svg import STYLES, THEMES
from widget.render.badge.text import BadgeOptions
from widget.render.frames import ALLOW, DEFAULT_HEIGHT, MAX_HEIGHT, MIN_HEIGHT, SANDBOX
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
BADGE_PNG_SCALE = PNG_SCALE  # what the PNG route draws unless asked: 2 (high-DPI screens)
BADGE_PNG_SCALES = PNG_SCALES


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


# A widget's height at each width, as its embed page measured itself (embed.js answers
# the builder's "measure" message): ((w0, h0), (w1, h1), …), w ascending, h the height
# from w up to the next width. Given to a snippet, it reserves that height on the host page
# before the widget loads (no layout shift), and sizes a plain iframe to its content.
Fit = tuple[tuple[float, int], ...]
FIT_PAIRS = 400  # at most; a news widget measured from 200 to 1200 px has a few dozen
FIT_NARROWEST = 280.0  # a plain iframe with no width is made tall enough for this column
_FIT_PAIR = re.compile(r"(\d{1,4}(?:\.\d{1,4})?):(\d{1,4})")


def parse_fit(text: str) -> Fit:
    """`"200:323 236.5:304 …"` as a Fit; ValueError naming what is wrong."""
    pairs = text.split()
    if not pairs or len(pairs) > FIT_PAIRS:
        raise ValueError(f"must be 1 to {FIT_PAIRS} width:height pairs")
    fit: list[tuple[float, int]] = []
    for pair in pairs:
        m = _FIT_PAIR.fullmatch(pair)
        if m is None:
            raise ValueError(f"{pair[:20]!r} is not width:height in pixels")
        width, height = float(m.group(1)), int(m.group(2))
        if fit and width <= fit[-1][0]:
            raise ValueError("widths must grow from pair to pair")
        if not MIN_HEIGHT <= height <= MAX_HEIGHT:
            raise ValueError(f"heights must be from {MIN_HEIGHT} to {MAX_HEIGHT}")
        fit.append((width, height))
    return tuple(fit)


def fit_text(fit: Fit) -> str:
    return " ".join(f"{_px(w)}:{h}" for w, h in fit)


def height_at(fit: Fit, width: float) -> int:
    """The measured height at `width` (the narrowest one's below the narrowest width)."""
    height = fit[0][1]
    for w, h in fit:
        if w > width:
            break
        height = h
    return height


def _px(number: float) -> str:
    return f"{number:.4f}".rstrip("0").rstrip(".")


def reserve_css(fit: Fit) -> str:
    """A CSS height that is the measured height at the width of the nearest size container
    (`100cqw`): a step function written with clamp(), one step per change, so the host
    page keeps the widget's real height free before any script runs."""
    terms = [f"{fit[0][1]}px"]
    for (_, before), (width, after) in zip(fit, fit[1:], strict=False):
        if after == before:
            continue
        # 0 up to a sixteenth of a pixel below `width`, the whole step from `width` on.
        step = f"clamp(0px,(100cqw - {_px(width - 0.0625)}px)*16000,{abs(after - before)}px)"
        terms.append(("+ " if after > before else "- ") + step)
    return f"calc({' '.join(terms)})" if len(terms) > 1 else terms[0]


@dataclass(frozen=True, slots=True)
class Size:
    width: int | None = None  # px; None: as wide as the host's column
    height: int | None = None  # px reserved before the widget loads; None: the default
    fit: Fit = ()  # measured heights; a chosen height wins over them


_BADGE_DEFAULT = BadgeOptions()


@dataclass(frozen=True, slots=True)
class Badge:
    """A strike's image badge: /badge/strike/SLUG.svg or .png with its three options.

    `width` is the badge's width today, in px, as the badge renderer draws it
    (BadgeRenderer.size), when the caller knows it; it grows with the day number, so
    only the snippets that must have a size (e-mail, BBCode) use it."""

    base_url: str
    slug: str
    style: str = _BADGE_DEFAULT.style
    lang: str = _BADGE_DEFAULT.lang
    theme: str = _BADGE_DEFAULT.theme  # "auto" is taken as the badge's default, light
    width: int | None = None

    def __post_init__(self) -> None:
        if self.style not in BADGE_STYLES:
            raise ValueError(f"unknown badge style {self.style!r}")
        if self.theme not in (*BADGE_THEMES, "auto"):
            raise ValueError(f"unknown badge theme {self.theme!r}")

    def query(self, scale: int = BADGE_PNG_SCALE) -> str:
        """The options that differ from the defaults (style, lang, theme, then a PNG's
        scale: the order the service reads them in)."""
        pairs = [(name, value) for name in ("style", "lang", "theme")
                 if (value := getattr(self, name)) not in (getattr(_BADGE_DEFAULT, name), "auto")]
        if scale != BADGE_PNG_SCALE:
            pairs.append(("scale", str(scale)))
        return ("?" + urlencode(pairs)) if pairs else ""

    def path(self, fmt: str = "svg", scale: int = BADGE_PNG_SCALE) -> str:
        """The badge's path; `scale` (PNG only) is how many pixels per px it has."""
        if fmt not in BADGE_FORMATS:
            raise ValueError(f"unknown badge format {fmt!r}")
        if scale not in BADGE_PNG_SCALES or (fmt != "png" and scale != BADGE_PNG_SCALE):
            raise ValueError(f"no {fmt} badge at scale {scale!r}")
        return routes.BADGES[fmt].path(slug=self.slug) + self.query(scale)

    def url(self, fmt: str = "svg", scale: int = BADGE_PNG_SCALE) -> str:
        return self.base_url + self.path(fmt, scale)

    @property
    def height(self) -> int:
        return BADGE_HEIGHT[self.style]


# --- HTML ---------------------------------------------------------------------------


def script_tag(embed: Embed, title: str, size: Size = Size(), fallback: str = "") -> str:
    """The recommended form: a link that works without JavaScript (its text, `fallback`,
    says what the widget would: README "Without JavaScript"), and the loader that swaps it
    for a sized, sandboxed frame titled `title` (README "Script tag").

    With measured heights (`size.fit`) and no chosen height, the link sits in a size
    container and reserves the widget's height at the column's width: nothing on the host
    page moves when the widget comes in."""
    data = Markup("")
    if size.width is not None:
        data += Markup(' data-width="{}"').format(size.width)
    if size.height is not None:
        data += Markup(' data-height="{}"').format(size.height)
    if fallback and fallback != title:
        data += Markup(' data-title="{}"').format(title)
    reserve = size.fit and size.height is None
    if reserve:
        data += Markup(' data-fit="{}" style="display:block;overflow:hidden;height:{}"').format(
            fit_text(size.fit), reserve_css(size.fit))
    link = Markup('<a class="solidarity-widget" href="{href}"{data}>{text}</a>').format(
        href=embed.url, data=data, text=fallback or title)
    if reserve:
        width = "" if size.width is None else f";max-width:{size.width}px"
        link = Markup('<div style="container-type:inline-size{}">{}</div>').format(width, link)
    loader = Markup('<script async src="{}"></script>').format(
        embed.base_url + routes.LOADER.template)
    return f"{link}\n{loader}"


def iframe_height(widget: str, size: Size) -> int:
    """A plain iframe's height: the one chosen, else the measured height at the chosen
    width (or at a narrow column's, FIT_NARROWEST), else the widget's default."""
    if size.height is not None:
        return size.height
    if size.fit:
        return height_at(size.fit, size.width or FIT_NARROWEST)
    return DEFAULT_HEIGHT[widget]


def iframe(embed: Embed, title: str, size: Size = Size()) -> str:
    """For hosts that allow frames but not scripts (README "Plain iframe"). It cannot
    grow with its content, so it is given the content's measured height."""
    width = str(size.width) if size.width is not None else "100%"
    style = "border:0" if size.width is None else "border:0;max-width:100%"
    return str(Markup(
        '<iframe src="{src}" title="{title}" width="{width}" height="{height}" '
        'style="{style}" loading="lazy" referrerpolicy="no-referrer" sandbox="{sandbox}" '
        'allow="{allow}"></iframe>'
    ).format(src=embed.url, title=title, width=width, height=iframe_height(embed.widget, size),
             style=style, sandbox=SANDBOX, allow=ALLOW))


def oembed_link(embed: Embed) -> str:
    """WordPress, Ghost and Discourse turn this URL into the widget by oEmbed discovery."""
    return embed.url


def badge_html(badge: Badge, link: str, alt: str, fmt: str = "svg") -> str:
    """The badge as an image linking to `link`. On web pages (SVG) only the height is
    pinned: the width follows the text, which grows with the day count.

    `fmt="png"` is for e-mail, where SVG is rarely shown: the high-DPI PNG, given its
    size in px (when `badge.width` is known) so that every client shows it at that size
    and lays the message out before it loads; `height:auto` keeps its proportions in the
    clients that read styles when the text (and so the width) has grown since."""
    if fmt != "png" or badge.width is None:
        return str(Markup('<a href="{link}"><img src="{src}" alt="{alt}" height="{h}"></a>'
                          ).format(link=link, src=badge.url(fmt), alt=alt, h=badge.height))
    return str(Markup(
        '<a href="{link}"><img src="{src}" alt="{alt}" width="{w}" height="{h}" '
        'style="height:auto;max-width:100%;border:0"></a>'
    ).format(link=link, src=badge.url("png"), alt=alt, w=badge.width, h=badge.height))


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
    """For BBCode forums, which often accept only raster images: the PNG, at 1x (a forum
    shows an image at its pixel size, and BBCode's size syntax differs from forum to
    forum). BBCode has no alt text and no escaping, so the URLs are made safe instead."""
    return f"[url={_url(link)}][img]{_url(badge.url('png', scale=1))}[/img][/url]"


# --- all of them ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Snippet:
    form: str  # script | iframe | link | badge-html | badge-markdown | badge-bbcode | badge-email
    text: str


def widget_snippets(embed: Embed, title: str, size: Size = Size(),
                    fallback: str = "") -> tuple[Snippet, ...]:
    """The forms for a widget, most capable first."""
    return (Snippet("script", script_tag(embed, title, size, fallback)),
            Snippet("iframe", iframe(embed, title, size)),
            Snippet("link", oembed_link(embed)))


def badge_snippets(badge: Badge, counter: Embed, alt: str, link: str = ""
                   ) -> tuple[Snippet, ...]:
    """The forms of a strike's badge. The images link to `link` (where a reader reads
    about the strike: the builder gives the strike's own page), else to the strike's
    counter page; the last form is the counter page itself, for oEmbed."""
    link = link or counter.url
    return (Snippet("badge-html", badge_html(badge, link, alt)),
            Snippet("badge-markdown", badge_markdown(badge, link, alt)),
            Snippet("badge-bbcode", badge_bbcode(badge, link)),
            Snippet("badge-email", badge_html(badge, link, alt, "png")),
            Snippet("link", oembed_link(counter)))
