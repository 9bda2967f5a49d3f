"""WordPress REST API bodies shaped like a real site's /wp-json/wp/v2/posts?_embed, and
`rest_posts`, which answers the queries this service makes as WordPress does, strictly."""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson

from tests.conftest import Reply

CATEGORIES = [{"id": 3, "name": "Hunger strike", "slug": "hunger-strike"},
              {"id": 7, "name": "France", "slug": "france"},
              {"id": 9, "name": "Turkey", "slug": "turkey"}]
TAGS = [{"id": 21, "name": "Zehra Kurtay", "slug": "zehra-kurtay"},
        {"id": 22, "name": "S, R & Y type prisons", "slug": "s-r-y-type-prisons"}]


def wp_post(post_id: int, *, title: str, when: dt.datetime, site: str,
            image: bool = True, cats: tuple[int, ...] = (3,), tags: tuple[int, ...] = ()
            ) -> dict[str, Any]:
    slug = f"post-{post_id}"
    local = when + dt.timedelta(hours=2)
    embedded: dict[str, Any] = {
        "author": [{"id": 1, "name": "editor", "url": "", "link": f"{site}/author/editor/"}],
        "wp:term": [
            [dict(c, taxonomy="category", link=f"{site}/category/{c['slug']}/")
             for c in CATEGORIES if c["id"] in cats],
            [dict(t, taxonomy="post_tag", link=f"{site}/tag/{t['slug']}/")
             for t in TAGS if t["id"] in tags],
        ],
    }
    if image:
        embedded["wp:featuredmedia"] = [{
            "id": 1000 + post_id, "date": local.isoformat(timespec="seconds"),
            "slug": f"image-{post_id}", "type": "attachment",
            "link": f"{site}/{slug}/image-{post_id}/",
            "title": {"rendered": f"image-{post_id}"}, "author": 1,
            "caption": {"rendered": "<p>A banner at the resistance tent</p>\n"},
            "alt_text": "Banner: \u201cJustice for Zehra\u201d",
            "media_type": "image", "mime_type": "image/jpeg",
            "media_details": {
                "width": 1200, "height": 675, "file": f"2025/07/image-{post_id}.jpg",
                "sizes": {"thumbnail": {"file": f"image-{post_id}-150x150.jpg", "width": 150,
                                        "height": 150, "mime_type": "image/jpeg",
                                        "source_url": f"{site}/wp-content/uploads/2025/07/"
                                                      f"image-{post_id}-150x150.jpg"}},
            },
            "source_url": f"{site}/wp-content/uploads/2025/07/image-{post_id}.jpg",
        }]
    return {
        "id": post_id,
        "date": local.strftime("%Y-%m-%dT%H:%M:%S"),
        "date_gmt": when.strftime("%Y-%m-%dT%H:%M:%S"),
        "guid": {"rendered": f"{site}/?p={post_id}"},
        "modified": (local + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S"),
        "modified_gmt": (when + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S"),
        "slug": slug, "status": "publish", "type": "post",
        "link": f"{site}/{when:%Y/%m/%d}/{slug}/",
        "title": {"rendered": title},
        "content": {"rendered": f"<p>{title} &#8211; full text.</p>\n"
                                "<script>alert('x')</script>"
                                "<p onclick=\"steal()\">More <a href=\"https://example.org/\">"
                                "here</a>.</p>\n", "protected": False},
        "excerpt": {"rendered": f"<p>{title} &#8211; the beginning of the text [&hellip;]</p>\n",
                    "protected": False},
        "author": 1, "featured_media": 1000 + post_id if image else 0,
        "comment_status": "closed", "ping_status": "closed", "sticky": False,
        "template": "", "format": "standard", "meta": {"footnotes": ""},
        "categories": list(cats), "tags": list(tags),
        "_links": {"self": [{"href": f"{site}/wp-json/wp/v2/posts/{post_id}"}]},
        "_embedded": embedded,
    }


def pages(site: str, count: int, per_page: int) -> list[bytes]:
    start = dt.datetime(2025, 7, 15, 10, 0)
    posts = [wp_post(500 - i, title=f"Solidarity news &#8220;{i}&#8221;",
                     when=start - dt.timedelta(hours=6 * i), site=site,
                     image=i % 3 != 2, cats=(3, 7) if i % 2 else (3, 9),
                     tags=(21,) if i % 2 else (22,))
             for i in range(count)]
    return [orjson.dumps(posts[i:i + per_page]) for i in range(0, count, per_page)]


LISTING = "id,date_gmt,modified_gmt"  # the fields of the newest posts' listing


def newest_first(posts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(posts, key=lambda p: (p["date_gmt"], p["id"]), reverse=True)


def paged(posts: list[dict[str, Any]], query: dict[str, str],
          fields: tuple[str, ...] | None = None, size: int | None = None) -> Reply:
    """The page `query` asks for, with X-WP-Total and X-WP-TotalPages as WordPress sends."""
    size = size or int(query.get("per_page", "10"))
    page = int(query.get("page", "1"))
    pages = max(-(-len(posts) // size), 1)
    if page > pages:
        return Reply(b'{"code":"rest_post_invalid_page_number"}', 400)
    chunk = posts[(page - 1) * size:page * size]
    if fields is not None:
        chunk = [{k: p[k] for k in fields if k in p} for p in chunk]
    return Reply(orjson.dumps(chunk), 200, {
        "Content-Type": "application/json; charset=UTF-8",
        "X-WP-Total": str(len(posts)), "X-WP-TotalPages": str(pages)})


def rest_posts(posts: list[dict[str, Any]], query: dict[str, str],
               page_size: int | None = None) -> Reply:
    """/wp/v2/posts for the queries this service makes, each checked as it should be asked:
    pages of posts with _embed (`page_size` posts a page, as a site with another
    per_page limit gives), the listing of the newest posts' dates, `include=` with
    _embed, and the list of ids for takedowns."""
    fields = query.get("_fields")
    if "include" in query:
        assert query["_embed"] == "1" and fields is None, query
        assert query["per_page"] == "100" and query["page"] == "1", query
        ids = [int(n) for n in query["include"].split(",")]
        assert 0 < len(ids) <= 100 and len(set(ids)) == len(ids), query
        return paged([p for p in newest_first(posts) if p["id"] in ids], query)
    assert query.get("per_page") == "100", query
    if fields == "id":  # the list of public posts, for takedowns
        assert (query["orderby"], query["order"]) == ("id", "asc") and "_embed" not in query
        return paged(sorted(posts, key=lambda p: p["id"]), query, ("id",))
    if fields == LISTING:
        assert "_embed" not in query and query["page"] == "1", query
        assert (query["orderby"], query["order"]) == ("date", "desc"), query
        return paged(newest_first(posts), query, tuple(LISTING.split(",")))
    assert fields is None and query["_embed"] == "1", query
    assert (query["orderby"], query["order"]) == ("date", "desc"), query
    return paged(newest_first(posts), query, size=page_size)
