"""JSON API v1 through falcon's test client: content, caching headers, CORS and errors."""

from __future__ import annotations

import datetime as dt
from email.utils import parsedate_to_datetime

import falcon.testing
import pytest

from tests.conftest import Clock, assert_problem
from widget.config import Config
from widget.http.app import create_app
from widget.store import Store
from widget.sync import sync_all

ZEHRA_START = dt.date(2025, 3, 3)


def test_strikes_default_to_active(client: falcon.testing.TestClient) -> None:
    body = client.simulate_get("/api/v1/strikes").json
    assert [s["slug"] for s in body["strikes"]] == ["zehra-kurtay", "s-r-y-type-prisons"]


@pytest.mark.parametrize("query, slugs", [
    ("status=all", ["zehra-kurtay", "ali-hasan-akgul", "s-r-y-type-prisons"]),
    ("status=ended", ["ali-hasan-akgul"]),
    ("status=all&country=FR", ["zehra-kurtay"]),
    ("status=all&country=tr", ["ali-hasan-akgul", "s-r-y-type-prisons"]),
    ("country=DE", []),
])
def test_strike_filters(client: falcon.testing.TestClient, query: str, slugs: list[str]) -> None:
    body = client.simulate_get("/api/v1/strikes", query_string=query).json
    assert [s["slug"] for s in body["strikes"]] == slugs


def test_day_numbers_follow_the_rule(client: falcon.testing.TestClient, clock: Clock) -> None:
    zehra = client.simulate_get("/api/v1/strikes/zehra-kurtay").json
    today = clock.now.date()  # 12:00 UTC is the same date in Paris
    assert zehra["day"] == {
        "state": "confirmed",
        "number": (today - ZEHRA_START).days + 1,
        "as_of": today.isoformat(),
        "final": False,
        "starts_in": None,
        "changes_at": "2025-07-24T22:00:00Z",  # midnight in Paris, summer time
        "confirmed": {"date": "2025-07-13",
                      "number": (dt.date(2025, 7, 13) - ZEHRA_START).days + 1},
    }
    akgul = client.simulate_get("/api/v1/strikes/ali-hasan-akgul").json
    assert akgul["day"]["number"] == 144
    assert akgul["day"]["final"] is True
    assert akgul["outcome"] == "released"
    assert akgul["day"]["changes_at"] is None


def test_unconfirmed_strikes_say_so(client: falcon.testing.TestClient, clock: Clock) -> None:
    # last_confirmed is 2025-07-13: 11 days before the clock; 14 make it unconfirmed.
    assert client.simulate_get("/api/v1/strikes/zehra-kurtay").json["unconfirmed"] is False
    clock.now += dt.timedelta(days=3)
    assert client.simulate_get("/api/v1/strikes/zehra-kurtay").json["unconfirmed"] is True


def cache_control(result: falcon.testing.Result) -> dict[str, str]:
    parts = [p.strip().split("=") for p in result.headers["cache-control"].split(",")]
    return {p[0]: p[1] if len(p) > 1 else "" for p in parts}


def test_default_cache_headers(client: falcon.testing.TestClient, clock: Clock) -> None:
    result = client.simulate_get("/api/v1/posts")
    assert result.headers["cache-control"] == (
        "public, max-age=300, s-maxage=600, stale-while-revalidate=60, stale-if-error=86400")
    assert parsedate_to_datetime(result.headers["expires"]) == clock.now + dt.timedelta(seconds=300)


@pytest.mark.parametrize("path, now, left", [
    # Two minutes before midnight in Paris (22:00 UTC in July).
    ("/api/v1/strikes/zehra-kurtay", "2025-07-24T21:58:00Z", 120),
    # The list holds an Istanbul strike: its midnight (21:00 UTC) comes first.
    ("/api/v1/strikes", "2025-07-24T20:59:30Z", 30),
    # One second before midnight.
    ("/api/v1/strikes/s-r-y-type-prisons", "2025-07-24T20:59:59Z", 1),
])
def test_day_numbers_expire_by_the_next_local_midnight(
        client: falcon.testing.TestClient, clock: Clock, path: str, now: str, left: int) -> None:
    clock.now = dt.datetime.fromisoformat(now)
    result = client.simulate_get(path)
    directives = cache_control(result)
    assert directives["max-age"] == str(left)
    assert directives["s-maxage"] == str(left)
    assert directives["stale-while-revalidate"] == "0"
    assert "public" in directives
    expires = parsedate_to_datetime(result.headers["expires"])
    assert expires == clock.now + dt.timedelta(seconds=left)


def test_ended_strikes_keep_the_default_lifetime(client: falcon.testing.TestClient,
                                                 clock: Clock) -> None:
    clock.now = dt.datetime(2025, 7, 24, 20, 59, 59, tzinfo=dt.UTC)
    result = client.simulate_get("/api/v1/strikes/ali-hasan-akgul")
    assert cache_control(result)["max-age"] == "300"


def test_etag_and_conditional_get(client: falcon.testing.TestClient) -> None:
    first = client.simulate_get("/api/v1/strikes")
    etag = first.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    for header in (etag, f'"nope", {etag}', f"W/{etag}", "*"):
        again = client.simulate_get("/api/v1/strikes", headers={"If-None-Match": header})
        assert again.status_code == 304, header
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert again.headers["cache-control"] == first.headers["cache-control"]
    miss = client.simulate_get("/api/v1/strikes", headers={"If-None-Match": '"other"'})
    assert miss.status_code == 200 and miss.content == first.content


def test_etag_changes_with_the_day(client: falcon.testing.TestClient, clock: Clock) -> None:
    before = client.simulate_get("/api/v1/strikes/zehra-kurtay")
    clock.now += dt.timedelta(days=1)
    after = client.simulate_get("/api/v1/strikes/zehra-kurtay",
                                headers={"If-None-Match": before.headers["etag"]})
    assert after.status_code == 200
    assert after.json["day"]["number"] == before.json["day"]["number"] + 1
    assert after.headers["etag"] != before.headers["etag"]


def test_head_matches_get(client: falcon.testing.TestClient) -> None:
    get = client.simulate_get("/api/v1/posts")
    head = client.simulate_head("/api/v1/posts")
    assert head.status_code == 200
    assert head.headers["etag"] == get.headers["etag"]
    assert head.content == b""


@pytest.mark.parametrize("path", ["/api/v1/posts", "/api/v1/strikes", "/api/v1/nope",
                                  "/api/v1/posts?limit=0"])
@pytest.mark.parametrize("origin", [None, "https://ally.example"])
def test_cors_on_every_response(client: falcon.testing.TestClient, path: str,
                                origin: str | None) -> None:
    headers = {"Origin": origin} if origin else {}
    result = client.simulate_get(path, headers=headers)
    assert result.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in result.headers
    assert "ETag" in result.headers["access-control-expose-headers"]
    assert "set-cookie" not in result.headers


def test_cors_preflight(client: falcon.testing.TestClient) -> None:
    result = client.simulate_options("/api/v1/posts", headers={
        "Origin": "https://ally.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match"})
    assert result.status_code == 200
    assert result.headers["access-control-allow-origin"] == "*"
    assert "GET" in result.headers["access-control-allow-methods"]
    assert "If-None-Match" in result.headers["access-control-allow-headers"]


@pytest.mark.parametrize("path, query, param", [
    ("/api/v1/posts", "limit=0", "limit"),
    ("/api/v1/posts", "limit=51", "limit"),
    ("/api/v1/posts", "limit=ten", "limit"),
    ("/api/v1/posts", "limit=-1", "limit"),
    ("/api/v1/posts", "limit=5&limit=6", "limit"),
    ("/api/v1/posts", "page=2", "page"),
    ("/api/v1/posts", "cursor=bm9wZQ", "cursor"),
    ("/api/v1/posts", "cursor=%%%", "cursor"),
    ("/api/v1/posts", "category=" + "x" * 101, "category"),
    ("/api/v1/strikes", "status=paused", "status"),
    ("/api/v1/strikes", "country=FRA", "country"),
    ("/api/v1/strikes/zehra-kurtay", "theme=dark", "theme"),
    ("/healthz", "verbose=1", "verbose"),
])
def test_bad_parameters_are_400_problems(client: falcon.testing.TestClient, path: str,
                                         query: str, param: str) -> None:
    assert_problem(client.simulate_get(path, query_string=query), 400, param)


@pytest.mark.parametrize("path", ["/api/v1/strikes/nobody", "/api/v1/strikes/%00",
                                  "/api/v2/posts", "/wp-admin"])
def test_unknown_things_are_404_problems(client: falcon.testing.TestClient, path: str) -> None:
    assert_problem(client.simulate_get(path), 404)


def test_posts_paginate_with_cursors(client: falcon.testing.TestClient) -> None:
    seen: list[str] = []
    query = "limit=3"
    pages = 0
    while True:
        result = client.simulate_get("/api/v1/posts", query_string=query)
        body = result.json
        seen += [p["id"] for p in body["posts"]]
        pages += 1
        if body["next"] is None:
            assert "link" not in result.headers
            break
        assert result.headers["link"] == f'<{body["next"]}>; rel=next'
        query = body["next"].split("?", 1)[1]
        assert "limit=3" in query
    assert pages == 4  # 10 posts, 3 a page
    assert len(seen) == len(set(seen)) == 10
    everything = client.simulate_get("/api/v1/posts", query_string="limit=50").json["posts"]
    assert seen == [p["id"] for p in everything]
    published = [p["published"] for p in everything]
    assert published == sorted(published, reverse=True)


@pytest.mark.parametrize("query, count", [
    ("category=france", 3), ("category=hunger-strike", 6), ("category=nowhere", 0),
    ("lang=en", 10), ("lang=fr", 0), ("category=turkey&limit=2", 2),
])
def test_post_filters(client: falcon.testing.TestClient, query: str, count: int) -> None:
    assert len(client.simulate_get("/api/v1/posts", query_string=query).json["posts"]) == count


def test_post_shape(client: falcon.testing.TestClient) -> None:
    post = client.simulate_get("/api/v1/posts", query_string="limit=1").json["posts"][0]
    assert post["title"] == "14 July 2025: Solidarity Day for hungerstriking prisoners"
    assert post["published"] == "2025-07-15T10:00:00Z"
    assert post["categories"] == ["Hunger strike", "Turkey"]
    assert post["excerpt"].endswith("„High Security…")


def test_health(client: falcon.testing.TestClient) -> None:
    result = client.simulate_get("/healthz")
    body = result.json
    assert result.headers["cache-control"] == "no-store"
    assert {s["name"] for s in body["sources"]} == {"is4pp", "strikes-file"}
    assert body["posts"] == 10 and body["strikes"] == 3
    assert len(body["version"]) == 20


def test_workers_see_a_new_sync_without_restart(demo_config: Config, demo_store: Store,
                                                clock: Clock) -> None:
    config = demo_config.with_(reload_interval=1)
    app = falcon.testing.TestClient(create_app(config, store=Store(config.database), clock=clock))
    before = app.simulate_get("/api/v1/strikes").json
    text = config.strikes_file.read_text().replace('status = "active"\ndemands = ["Her',
                                                   'status = "suspended"\nend_date = 2025-07-20'
                                                   '\ndemands = ["Her')
    config.strikes_file.write_text(text)
    results = sync_all(config, demo_store)
    assert all(r.ok for r in results), results
    assert app.simulate_get("/api/v1/strikes").json == before  # not checked again yet
    clock.now += dt.timedelta(seconds=1)
    after = app.simulate_get("/api/v1/strikes").json
    assert [s["slug"] for s in before["strikes"]] == ["zehra-kurtay", "s-r-y-type-prisons"]
    assert [s["slug"] for s in after["strikes"]] == ["s-r-y-type-prisons"]
    assert after["version"] != before["version"]


def test_removed_strikes_are_gone_not_missing(client: falcon.testing.TestClient) -> None:
    body = assert_problem(client.simulate_get("/api/v1/strikes/example-removed-strike"), 410)
    assert "removed from the list on 2025-07-01" in body["detail"]
    listed = client.simulate_get("/api/v1/strikes", query_string="status=all").json["strikes"]
    assert "example-removed-strike" not in {s["slug"] for s in listed}


@pytest.mark.parametrize("value", ["%C2%B2", "%D9%A3", "1e3", "+5", " 5"])
def test_only_ascii_digits_are_numbers(client: falcon.testing.TestClient, value: str) -> None:
    assert_problem(client.simulate_get("/api/v1/posts", query_string=f"limit={value}"), 400,
                   "limit")
    assert client.simulate_get("/embed/news", query_string=f"limit={value}").status_code == 400


def test_health_counts_the_strikes_no_one_has_confirmed_lately(
        client: falcon.testing.TestClient, clock: Clock) -> None:
    # The demo's Zehra Kurtay was last confirmed on 13 July 2025, the collective strike
    # on 15 July; confirm_every_days is 14.
    assert client.simulate_get("/healthz").json["strikes_to_confirm"] == 0
    clock.now = dt.datetime(2025, 7, 27, 12, 0, tzinfo=dt.UTC)  # 14 days after 13 July
    assert client.simulate_get("/healthz").json["strikes_to_confirm"] == 1
    clock.now = dt.datetime(2025, 7, 29, 12, 0, tzinfo=dt.UTC)
    assert client.simulate_get("/healthz").json["strikes_to_confirm"] == 2
