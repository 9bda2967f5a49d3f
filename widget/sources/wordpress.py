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
"""

from __future__ import annotations

import datetime as dt
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


def read_wordpress(source: SourceConfig, fetcher: Fetcher) -> SourceRead:
    site = source.url.rstrip("/")
    posts: list[Post] = []
    problems: list[str] = []
    seen: set[str] = set()  # ids of every item read, dropped ones too: still public
    totals: set[str | None] = set()
    # Remember which URL form worked and keep to it for the following pages.
    form, reply, body = _get_page(fetcher, _page_urls(site, 1))
    total = _total_pages(reply, problems)
    page, number = 1, 0
    while True:
        totals.add(reply.headers.get("X-WP-Total"))
        for item in body:
            number += 1
            if (n := _item_id(item)) is not None:
                seen.add(f"{source.name}-{n}")
            try:
                posts.append(_post(source, item))
            except Exception as exc:  # noqa: BLE001 - one post never fails the source
                reason = str(exc) if isinstance(exc, EntryError) else (
                    f"{type(exc).__name__}: {exc}")
                title = to_text(_rendered(item, "title")) if isinstance(item, dict) else ""
                problems.append(f"entry {number} {short(title, 60)}: {reason}; dropped")
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
    return SourceRead(posts, problems, listed=listed,
                      extra=_site_timezone(fetcher, site, problems))
