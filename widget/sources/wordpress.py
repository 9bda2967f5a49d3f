"""WordPress sites through the REST API (/wp-json/wp/v2/posts?_embed), with paging.

The JSON is upstream's: every field may have any type. A post that cannot be
read is dropped and reported; the others of the page still import.

Takedowns: the read says which posts are still public (`SourceRead.listed`), so
that the sync can drop the stored ones that are not (trashed, private, back to
draft, deleted). When the pages read are all there is, their ids are the list;
when the site has more pages than `wordpress_max_pages`, the complete list comes
from `?_fields=id` pages, cheap at 100 ids each. A list that cannot be read whole,
or that changed while it was read (X-WP-Total moved), is no list: nothing is
taken down then. The site's timezone comes from the REST root (`timezone_string`).

Reading only what changed (`read_wordpress_changes`): a sync asks for the newest
100 posts' ids and dates alone (`_fields=id,date_gmt,modified_gmt`, one request)
and compares them with what the previous read saw (its `Listing`, kept in the
store by the sync): a new id (a new post, a scheduled one now published, whose
modified date is older than its publication), or a changed date, is read with
`include=` and `_embed` (a second request, only then). That listing is checked
for takedowns before anything is used: X-WP-Total must be the previous count plus
the new ids, and every post the previous read saw that is still newer than the
listing's oldest must be in it; otherwise, or when the listing makes no sense,
the site is read whole at once (a full reconciliation, as `read_wordpress`),
which alone takes posts down. It is also read whole when no whole read is
recorded, the source's config changed, or the last one is `wordpress_full_every`
seconds old: edits of posts older than the newest 100 wait for it.

Long on purpose: the full read, the listing of changes and the checks that decide
between them share the parsing of upstream's posts and must be read together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlencode

import orjson

from widget.config import SourceConfig
from widget.days import timezone_problem
from widget.model import Image, Post
from widget.sanitize import absolute_http_url, clean_html, excerpt_text, short, title_text, to_text
from widget.sources.fetch import Fetcher, HTTPStatusError, Response, SourceError, SourceRead
from widget.values import whole_number

PER_PAGE = 100
# Pages of ids read at most for the list of public posts (20,000 posts); a site with
# more gets no takedowns by this list (each sync says so).
ID_PAGES = 200


class EntryError(ValueError):
    """One post cannot be imported; the others still can."""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _rendered(item: dict[str, Any], key: str) -> str:
    """`item[key]["rendered"]`, or "" when upstream sent something else."""
    value = item.get(key)
    if isinstance(value, dict):
        value = value.get("rendered")
    return value if isinstance(value, str) else ""


def _size(value: Any) -> int | None:
    return value if type(value) is int and 0 < value < 100_000 else None


def _url(value: Any) -> str | None:
    try:
        return absolute_http_url(value)
    except ValueError:
        return None


def _utc(value: Any, field: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise EntryError(f"{field}: {short(value)} is not a date")
    return parsed.replace(tzinfo=dt.UTC) if parsed.tzinfo is None else parsed.astimezone(dt.UTC)


def _id(value: Any) -> int:
    if type(value) is int and value >= 0:
        return value
    if isinstance(value, str) and (number := whole_number(value, 0, 2**63, digits=19)) is not None:
        return number
    raise EntryError(f"id: {short(value)} is not a post number")


def _image(embedded: dict[str, Any]) -> Image | None:
    media = _list(embedded.get("wp:featuredmedia"))
    item = _dict(media[0]) if media else {}
    url = _url(item.get("source_url"))
    if url is None:
        return None  # no featured image, one the site keeps private, or not http(s)
    details = _dict(item.get("media_details"))
    sizes = _dict(details.get("sizes"))
    # The smallest rendition that still looks sharp at 2x in the widget's 72 px box.
    thumbnail = next((u for k in ("medium", "thumbnail", "medium_large")
                      if (u := _url(_dict(sizes.get(k)).get("source_url")))), None)
    alt = item.get("alt_text")
    return Image(url=url, width=_size(details.get("width")), height=_size(details.get("height")),
                 alt=to_text(alt) if isinstance(alt, str) else "", thumbnail=thumbnail)


def _terms(embedded: dict[str, Any], taxonomy: str) -> tuple[str, ...]:
    names = [
        to_text(term["name"])
        for group in _list(embedded.get("wp:term"))
        for term in _list(group)
        if isinstance(term, dict) and term.get("taxonomy") == taxonomy
        and isinstance(term.get("name"), str)
    ]
    return tuple(dict.fromkeys(n for n in names if n))


def _lang(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    code = value.split("_")[0].split("-")[0].strip().lower()
    return code if code.isascii() and code.isalpha() and 2 <= len(code) <= 3 else None


def _post(source: SourceConfig, item: Any) -> Post:
    if not isinstance(item, dict):
        raise EntryError(f"{short(item)} is not a post")
    post_id = _id(item.get("id"))
    try:
        link = absolute_http_url(item.get("link"))
    except ValueError as exc:
        raise EntryError(f"link: {exc}") from None
    embedded = _dict(item.get("_embedded"))
    published = _utc(item.get("date_gmt"), "date_gmt")
    modified = _utc(item.get("modified_gmt") or item.get("date_gmt"), "modified_gmt")
    content = _rendered(item, "content")
    return Post(
        id=f"{source.name}-{post_id}",
        source=source.name,
        url=link,
        title=title_text(_rendered(item, "title")) or link,
        excerpt=excerpt_text(_rendered(item, "excerpt") or content),
        content_html=clean_html(content, base=link),
        published=published,
        modified=max(modified, published),
        categories=_terms(embedded, "category"),
        tags=_terms(embedded, "post_tag"),
        image=_image(embedded),
        lang=_lang(item.get("lang")) or _lang(source.lang),
    )


def _page_urls(site: str, page: int, **fields: str) -> list[str]:
    query = {"_embed": "1", "per_page": str(PER_PAGE), "page": str(page),
             "orderby": "date", "order": "desc"} if not fields else {
        "per_page": str(PER_PAGE), "page": str(page), **fields}
    # Pretty permalinks give /wp-json/; sites without them only answer ?rest_route=.
    return [f"{site}/wp-json/wp/v2/posts?{urlencode(query)}",
            f"{site}/?{urlencode({'rest_route': '/wp/v2/posts', **query})}"]


def _get_page(fetcher: Fetcher, urls: list[str]) -> tuple[int, Response, list[Any]]:
    """The first URL form that answers a list of posts: its index, the reply, the list."""
    errors: list[SourceError] = []
    for index, url in enumerate(urls):
        try:
            reply = fetcher.get(url, accept="application/json")
        except SourceError as exc:
            errors.append(exc)
            continue
        try:
            body = orjson.loads(reply.body)
        except orjson.JSONDecodeError as exc:
            kind = reply.headers.get("Content-Type")
            errors.append(SourceError(f"{url}: response is not JSON "
                                      f"({f'it is {kind}' if kind else exc})"))
            continue
        if not isinstance(body, list):
            errors.append(SourceError(f"{url}: expected a list of posts, "
                                      f"got {type(body).__name__}"))
            continue
        return index, reply, body
    # NOTE: the fallback form's 404 says little when the first form answered HTML or
    # an error: report the first failure that is not a plain 404.
    raise next((e for e in errors if not (isinstance(e, HTTPStatusError) and e.status == 404)),
               errors[-1])


def _total_pages(reply: Response, problems: list[str]) -> int | None:
    """X-WP-TotalPages; None when the site does not say (or says nonsense)."""
    raw = reply.headers.get("X-WP-TotalPages")
    if raw is None:
        return None
    try:
        return max(int(raw.strip()), 1)
    except ValueError:
        problems.append(f"X-WP-TotalPages: {short(raw)} is not a number; "
                        "only the first page was read")
        return None


def _item_id(item: Any) -> int | None:
    try:
        return _id(item.get("id")) if isinstance(item, dict) else None
    except EntryError:
        return None


def _public_ids(fetcher: Fetcher, site: str, form: int, source: SourceConfig,
                problems: list[str]) -> frozenset[str] | None:
    """Every public post's id, read `_fields=id` a hundred at a time (oldest id first,
    so that posts published meanwhile come last); None when the list is not whole."""
    ids: set[str] = set()
    totals: set[str | None] = set()
    page, pages = 1, 1
    while page <= pages:
        url = _page_urls(site, page, _fields="id", orderby="id", order="asc")[form]
        try:
            _, reply, body = _get_page(fetcher, [url])
        except SourceError as exc:
            problems.append(f"the list of public posts could not be read ({exc}); "
                            "no post was taken down")
            return None
        if page == 1:
            found = _total_pages(reply, [])
            if found is None or found > ID_PAGES:
                problems.append(f"{url}: the list of public posts has "
                                f"{'no page count' if found is None else f'{found} pages'}"
                                f" (at most {ID_PAGES} are read); no post was taken down")
                return None
            pages = found
        totals.add(reply.headers.get("X-WP-Total"))
        ids.update(f"{source.name}-{n}" for item in body if (n := _item_id(item)) is not None)
        page += 1
    if len(totals) > 1:
        problems.append("the list of public posts changed while it was read; "
                        "no post was taken down this time")
        return None
    return frozenset(ids)


def _site_timezone(fetcher: Fetcher, site: str, problems: list[str]) -> dict[str, str] | None:
    """{"timezone": the site's IANA zone, or "" when it has none}; None when unknown.

    NOTE: always the ?rest_route= form: it answers with and without pretty permalinks,
    so one request does. A site that does not answer keeps the zone stored before."""
    url = f"{site}/?{urlencode({'rest_route': '/', '_fields': 'timezone_string'})}"
    try:
        body = orjson.loads(fetcher.get(url, accept="application/json").body)
    except (SourceError, orjson.JSONDecodeError):
        return None
    zone = body.get("timezone_string") if isinstance(body, dict) else None
    if not isinstance(zone, str):
        return None
    zone = zone.strip()
    if zone and (reason := timezone_problem(zone)):
        problems.append(f"the site's timezone_string: {reason}; post dates are shown in "
                        "UTC unless the timezone setting names one")
        zone = ""
    return {"timezone": zone}


def _read_items(source: SourceConfig, body: list[Any], posts: list[Post],
                problems: list[str], number: int) -> int:
    """The posts of one page into `posts`, a line in `problems` for each one dropped;
    returns the number of the last entry read (entries are numbered across pages)."""
    for item in body:
        number += 1
        try:
            posts.append(_post(source, item))
        except Exception as exc:  # noqa: BLE001 - one post never fails the source
            reason = str(exc) if isinstance(exc, EntryError) else (
                f"{type(exc).__name__}: {exc}")
            title = to_text(_rendered(item, "title")) if isinstance(item, dict) else ""
            problems.append(f"entry {number} {short(title, 60)}: {reason}; dropped")
    return number


def read_wordpress(source: SourceConfig, fetcher: Fetcher) -> SourceRead:
    """The site read whole: `wordpress_max_pages` pages, the list of public ids when the
    site has more, and its timezone."""
    return _read_whole(source, fetcher, dt.datetime.now(dt.UTC))[0]


def _read_whole(source: SourceConfig, fetcher: Fetcher, now: dt.datetime
                ) -> tuple[SourceRead, Listing | None]:
    """read_wordpress, and the newest posts as it saw them (None when it cannot tell)."""
    site = source.url.rstrip("/")
    posts: list[Post] = []
    problems: list[str] = []
    seen: set[str] = set()  # ids of every item read, dropped ones too: still public
    totals: set[str | None] = set()
    newest: list[Sig | None] = []
    # Remember which URL form worked and keep to it for the following pages.
    form, reply, body = _get_page(fetcher, _page_urls(site, 1))
    first = reply
    total = _total_pages(reply, problems)
    page, number = 1, 0
    while True:
        totals.add(reply.headers.get("X-WP-Total"))
        newest += [_sig(item) for item in body[:PER_PAGE - len(newest)]]
        seen.update(f"{source.name}-{n}" for item in body if (n := _item_id(item)) is not None)
        number = _read_items(source, body, posts, problems, number)
        if page >= min(total or 1, fetcher.max_pages):
            break
        page += 1
        _, reply, body = _get_page(fetcher, [_page_urls(site, page)[form]])
    listed: frozenset[str] | None = None
    if total is not None and (page < total or len(totals) > 1):
        # More pages than were read, or posts moved between the pages: ask for the ids.
        public = _public_ids(fetcher, site, form, source, problems)
        listed = public | seen if public is not None else None
    elif total is not None or len(body) < PER_PAGE:
        listed = frozenset(seen)  # every page there is, and none moved while read
    read = SourceRead(posts, problems, listed=listed,
                      extra=_site_timezone(fetcher, site, problems))
    count = _post_count(first)
    sigs = [sig for sig in newest if sig is not None]
    if (count is None or len(totals) > 1 or len(sigs) != len(newest)
            or len(sigs) != min(PER_PAGE, count) or len({sig[0] for sig in sigs}) != len(sigs)):
        return read, None  # the next read cannot be compared with this one
    return read, Listing(form, count, tuple(sigs), _served(first, now))


# --- reading only what changed -------------------------------------------------------

# A post as a listing gives it: (id, date_gmt, modified_gmt), dates in whole seconds
# since the epoch.
Sig = tuple[int, int, int]
LISTING_FIELDS = "id,date_gmt,modified_gmt"
MAX_POSTS = 10**9  # an X-WP-Total above this is nonsense


class ListingDoubt(Exception):
    """A listing of the newest posts that cannot be trusted: the site is read whole."""


@dataclass(frozen=True, slots=True)
class Listing:
    """The newest posts as one read saw them: what the next read compares with."""

    form: int  # the URL form the site answers (0: /wp-json/, 1: ?rest_route=)
    total: int  # X-WP-Total: how many posts were public then
    newest: tuple[Sig, ...]  # the newest min(100, total) of them, newest first
    served: int  # the site's clock then (its Date header), in seconds since the epoch


def _sig(item: Any) -> Sig | None:
    """A post's id and dates as a listing gives them; None when they are not readable."""
    if not isinstance(item, dict):
        return None
    try:
        date = _utc(item.get("date_gmt"), "date_gmt")
        modified = _utc(item.get("modified_gmt") or item.get("date_gmt"), "modified_gmt")
        return _id(item.get("id")), int(date.timestamp()), int(modified.timestamp())
    except (EntryError, ValueError, OverflowError):
        return None


def _post_count(reply: Response) -> int | None:
    raw = reply.headers.get("X-WP-Total")
    return whole_number(raw.strip(), 0, MAX_POSTS, digits=10) if raw is not None else None


def _served(reply: Response, fallback: dt.datetime) -> int:
    """The site's Date header (its clock, which dates its posts), else ours."""
    try:
        when = parsedate_to_datetime(reply.headers.get("Date", ""))
    except (TypeError, ValueError, IndexError):
        when = None
    if when is None or when.tzinfo is None:
        when = fallback
    return int(when.timestamp())


def _listing(fetcher: Fetcher, site: str, form: int, now: dt.datetime) -> Listing:
    """The ids and dates of the newest 100 posts, in one request; ListingDoubt when the
    answer does not hold together."""
    url = _page_urls(site, 1, _fields=LISTING_FIELDS, orderby="date", order="desc")[form]
    _, reply, body = _get_page(fetcher, [url])
    count = _post_count(reply)
    if count is None:
        raise ListingDoubt(f"X-WP-Total: {short(reply.headers.get('X-WP-Total'))} "
                           "is not a number of posts")
    if len(body) != min(PER_PAGE, count):
        raise ListingDoubt(f"{len(body)} posts on the first page of {count}")
    sigs: list[Sig] = []
    for number, item in enumerate(body, 1):
        sig = _sig(item)
        if sig is None:
            raise ListingDoubt(f"entry {number}: {short(item, 60)} has no readable id "
                               "and dates")
        sigs.append(sig)
    if len({sig[0] for sig in sigs}) != len(sigs):
        raise ListingDoubt("a post is listed twice")
    return Listing(form, count, tuple(sigs), _served(reply, now))


def _to_read(before: Listing, now: Listing) -> list[int] | None:
    """The ids of `now` to read again (new, or changed since `before`); None when `now`
    shows something taken down, or that it cannot explain: then only a whole read will do.

    The count must be the one before plus the ids new among the newest (a post taken
    down anywhere lowers it; NOTE: one below the newest 100 taken down while a post
    with an old date is made public again is hidden from it until the next whole
    read). A post seen before and newer than the oldest listed, or any when the
    listing holds them all, must still be listed (a takedown among the newest that
    the count cannot show)."""
    seen = {sig[0]: sig for sig in before.newest}
    listed = {sig[0] for sig in now.newest}
    new = sum(sig[0] not in seen for sig in now.newest)
    if now.total != before.total + new:
        return None
    whole = len(now.newest) == now.total
    oldest = min((sig[1] for sig in now.newest), default=None)
    if any(sig[0] not in listed and (whole or oldest is None or sig[1] > oldest)
           for sig in before.newest):
        return None
    # NOTE: WordPress dates to the second: a post modified in the second the previous
    # listing was served may have changed again since without a new date.
    return [sig[0] for sig in now.newest
            if seen.get(sig[0]) != sig or sig[2] >= before.served - 1]


def _included(source: SourceConfig, fetcher: Fetcher, site: str, form: int,
              ids: list[int]) -> tuple[list[Post], list[str]]:
    """The posts `ids` (at most 100), read whole in one request; ListingDoubt when the
    site does not give exactly those (one was taken down since the listing)."""
    url = _page_urls(site, 1, include=",".join(map(str, sorted(ids))), _embed="1",
                     orderby="date", order="desc")[form]
    _, _, body = _get_page(fetcher, [url])
    got = [n for item in body if (n := _item_id(item)) is not None]
    if len(body) > PER_PAGE or sorted(got) != sorted(ids):
        raise ListingDoubt(f"{len(got)} of the {len(ids)} posts asked for were given")
    posts: list[Post] = []
    problems: list[str] = []
    _read_items(source, body, posts, problems, 0)
    return posts, problems


def _record(full_read: dt.datetime, config: str, listing: Listing) -> dict[str, str]:
    """What the sync keeps for the next read (Store.sync_record): strings only."""
    return {"full_read": full_read.astimezone(dt.UTC).isoformat(timespec="seconds"),
            "config": config, "form": str(listing.form), "total": str(listing.total),
            "served": str(listing.served),
            "newest": " ".join(":".join(map(str, sig)) for sig in listing.newest)}


def _known(record: Mapping[str, str]) -> tuple[dt.datetime, str, Listing] | None:
    """(when the site was last read whole, the config then, the newest posts at the last
    read) from a record; None when there is none or it does not read back."""
    try:
        full_read = dt.datetime.fromisoformat(record["full_read"])
        form, total, served = int(record["form"]), int(record["total"]), int(record["served"])
        newest = []
        for part in record["newest"].split():
            post_id, date, modified = (int(n) for n in part.split(":"))
            newest.append((post_id, date, modified))
    except (KeyError, ValueError, TypeError):
        return None
    if full_read.tzinfo is None or form not in (0, 1) or len(newest) > PER_PAGE:
        return None
    return full_read, record["config"], Listing(form, total, tuple(newest), served)


def read_wordpress_changes(source: SourceConfig, fetcher: Fetcher, record: Mapping[str, str],
                           *, now: dt.datetime, config: str, full_every: int
                           ) -> tuple[SourceRead, dict[str, str] | None]:
    """What changed on the site since the read that left `record` (see the module's
    docstring), or the site read whole when that is due or the listing calls for it.

    `config` is a digest of the source's configuration; `full_every` the seconds after
    which a whole read is due. Returns the read and the record for the next one (None:
    read whole next time). Raises SourceError, and only SourceError."""
    try:
        return _read_changes(source, fetcher, record, now, config, full_every)
    except SourceError:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of the trust boundary
        raise SourceError(f"{source.url}: could not be read "
                          f"({type(exc).__name__}: {exc})") from exc


def _read_changes(source: SourceConfig, fetcher: Fetcher, record: Mapping[str, str],
                  now: dt.datetime, config: str, full_every: int
                  ) -> tuple[SourceRead, dict[str, str] | None]:
    site = source.url.rstrip("/")
    known = _known(record)
    if known is None or known[1] != config or not (
            dt.timedelta(0) <= now - known[0] < dt.timedelta(seconds=full_every)):
        return _whole(source, fetcher, now, config)
    full_read, _, before = known
    try:
        listing = _listing(fetcher, site, before.form, now)
    except (SourceError, ListingDoubt) as exc:
        return _whole(source, fetcher, now, config, f"the list of the newest posts could "
                      f"not be used ({exc}); the site was read whole")
    ids = _to_read(before, listing)
    if ids is None:  # something was taken down, or moved: only a whole read can tell
        return _whole(source, fetcher, now, config)
    posts: list[Post] = []
    problems: list[str] = []
    if ids:
        try:
            posts, problems = _included(source, fetcher, site, listing.form, ids)
        except ListingDoubt:
            return _whole(source, fetcher, now, config)
        except SourceError as exc:
            return _whole(source, fetcher, now, config, f"the changed posts could not be "
                          f"read ({exc}); the site was read whole")
    # Nothing is taken down here (no `listed`), and the stored timezone stays (no extra).
    return SourceRead(posts, problems), _record(full_read, config, listing)


def _whole(source: SourceConfig, fetcher: Fetcher, now: dt.datetime, config: str,
           note: str | None = None) -> tuple[SourceRead, dict[str, str] | None]:
    """The site read whole; recorded for the next read only when it could tell which
    posts are public (a read that took nothing down is tried whole again)."""
    read, listing = _read_whole(source, fetcher, now)
    if note is not None:
        read = replace(read, problems=[note, *read.problems])
    if listing is None or read.listed is None:
        return read, None
    return read, _record(now, config, listing)
