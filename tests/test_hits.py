"""The served app answers a repeat request from what falcon sent before (widget.http.hits)
— and only while that answer is exactly what falcon would send again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import falcon.testing
import pytest

from tests.conftest import Clock
from widget.config import Config
from widget.fallback import Health, Trouble
from widget.http.app import create_served
from widget.http.caching import HTTPCaching
from widget.store import Store

URLS = ["/api/v1/posts", "/api/v1/strikes?status=all", "/embed/news",
        "/embed/strike/zehra-kurtay", "/badge/strike/zehra-kurtay.svg", "/widget.js",
        "/strike/zehra-kurtay?lang=fr"]


class Served:
    """The app as gunicorn serves it, counting the requests that reach falcon."""

    def __init__(self, config: Config, store: Store, clock: Clock):
        self.health = Health()
        self.hits = create_served(config, store=store, clock=clock, health=self.health)
        app = self.hits._app
        self.reached = 0

        def counted(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
            self.reached += 1
            return app(environ, start_response)

        self.hits._app = counted
        self.client = falcon.testing.TestClient(self.hits)
        self.plain = falcon.testing.TestClient(app)


@pytest.fixture
def served(demo_config: Config, demo_store: Store, clock: Clock) -> Served:
    return Served(demo_config.with_(reload_interval=0), demo_store, clock)


def _same(a: falcon.testing.Result, b: falcon.testing.Result) -> None:
    assert a.status_code == b.status_code
    assert a.content == b.content
    assert sorted((k, v) for k, v in a.headers.items() if k != "date") == \
        sorted((k, v) for k, v in b.headers.items() if k != "date")


@pytest.mark.parametrize("url", URLS)
@pytest.mark.parametrize("encoding", ["", "gzip"])
def test_a_repeat_is_answered_in_front_with_the_same_bytes(served: Served, url: str,
                                                           encoding: str) -> None:
    path, _, query = url.partition("?")
    headers = {"Accept-Encoding": encoding} if encoding else {}
    first = served.client.simulate_get(path, query_string=query, headers=headers)
    assert first.status_code == 200 and served.reached == 1
    again = served.client.simulate_get(path, query_string=query, headers=headers)
    assert served.reached == 1, "the repeat reached falcon"
    _same(first, again)
    # And it is what falcon itself answers.
    _same(again, served.plain.simulate_get(path, query_string=query, headers=headers))
    # A revalidation gets falcon's own 304.
    etag = {"If-None-Match": first.headers["etag"], **headers}
    kept = served.client.simulate_get(path, query_string=query, headers=etag)
    assert served.reached == 1
    _same(kept, served.plain.simulate_get(path, query_string=query, headers=etag))
    assert kept.status_code == 304 and not kept.content


@pytest.mark.parametrize("url", URLS)
def test_revalidations_alone_are_answered_in_front(served: Served, url: str) -> None:
    """A cache in front sends mostly revalidations, each to any worker: the first one
    a worker sees is made whole and kept, and answered with falcon's own 304."""
    path, _, query = url.partition("?")
    etag = served.plain.simulate_get(path, query_string=query).headers["etag"]
    for match, status in [(etag, 304), (f'"other", {etag}', 304), ('"other"', 200)]:
        headers = {"If-None-Match": match,
                   "If-Modified-Since": "Thu, 01 Jan 2099 00:00:00 GMT"}
        got = served.client.simulate_get(path, query_string=query, headers=headers)
        # The first: falcon's 304, then the whole answer made once to keep.
        assert served.reached == 2, "only the first revalidation reached falcon"
        _same(got, served.plain.simulate_get(path, query_string=query, headers=headers))
        assert got.status_code == status


def test_a_revalidation_of_what_cannot_be_kept_gets_falcons_answer(served: Served) -> None:
    headers = {"If-None-Match": '"x"'}
    for path in ["/api/v1/health", "/embed/strike/no-such-strike"]:
        got = served.client.simulate_get(path, headers=headers)
        _same(got, served.plain.simulate_get(path, headers=headers))
    served.client.simulate_get("/api/v1/health", headers=headers)
    assert served.reached == 3, "what cannot be kept is asked for each time, and once"


def test_a_revalidation_that_does_not_match_is_kept_at_once(served: Served) -> None:
    first = served.client.simulate_get("/embed/news", headers={"If-None-Match": '"old"'})
    assert first.status_code == 200 and served.reached == 1
    again = served.client.simulate_get("/embed/news")
    assert served.reached == 1
    _same(first, again)


def test_encodings_and_queries_are_kept_apart(served: Served) -> None:
    plain = served.client.simulate_get("/embed/news")
    zipped = served.client.simulate_get("/embed/news", headers={"Accept-Encoding": "gzip"})
    french = served.client.simulate_get("/embed/news", query_string="lang=fr")
    assert served.reached == 3
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert 'lang="fr"' in french.text and 'lang="fr"' not in plain.text


def test_a_takedown_shows_at_once(served: Served, demo_store: Store, clock: Clock) -> None:
    first = served.client.simulate_get("/api/v1/posts").json["posts"][0]
    assert first["title"] in served.client.simulate_get("/embed/news").text
    demo_store.hide_post(first["url"], "asked by the family", clock())
    # Same second, same URL: the snapshot moved, so the kept answer is not given.
    assert first["title"] not in served.client.simulate_get("/embed/news").text
    assert first["url"] not in served.client.simulate_get("/api/v1/posts").text


def test_the_caching_headers_stay_exact_as_the_clock_moves(served: Served,
                                                           clock: Clock) -> None:
    # 1.5 s before midnight in Paris (the demo's strike): max-age may not outlive it.
    midnight = dt.datetime(2025, 7, 24, 22, 0, tzinfo=dt.UTC)
    clock.now = midnight - dt.timedelta(seconds=2.5)
    first = served.client.simulate_get("/embed/strike/zehra-kurtay")
    clock.now = midnight - dt.timedelta(seconds=1.5)
    later = served.client.simulate_get("/embed/strike/zehra-kurtay")
    assert served.reached == 2, "an answer was given again in a later second"
    fresh = served.plain.simulate_get("/embed/strike/zehra-kurtay")
    assert later.headers["cache-control"] == fresh.headers["cache-control"]
    assert later.headers["cache-control"] != first.headers["cache-control"]
    # Later in the same second: the same headers are right, given again.
    clock.now = midnight - dt.timedelta(seconds=1.2)
    _same(served.client.simulate_get("/embed/strike/zehra-kurtay"), later)
    assert served.reached == 2
    # The next second, the last before midnight: not given again.
    clock.now = midnight - dt.timedelta(seconds=0.9)
    past = served.client.simulate_get("/embed/strike/zehra-kurtay")
    assert served.reached == 3
    assert "max-age=0" in past.headers["cache-control"]
    # Past midnight the day number moves on.
    clock.now = midnight + dt.timedelta(seconds=1)
    assert served.client.simulate_get("/embed/strike/zehra-kurtay").text != past.text


def test_trouble_with_the_services_files_is_not_hidden_by_a_kept_answer(
        served: Served) -> None:
    served.client.simulate_get("/embed/strike/no-such-strike")
    served.client.simulate_get("/embed/strike/no-such-strike")
    reached = served.reached
    served.health.report("config", Trouble("config", "widget.toml:3: broken"))
    served.client.simulate_get("/embed/strike/no-such-strike")
    assert served.reached == reached + 1


@pytest.mark.parametrize("method", ["HEAD", "POST", "OPTIONS"])
def test_only_gets_are_kept(served: Served, method: str) -> None:
    for _ in range(2):
        served.client.simulate_request(method, "/api/v1/posts")
    assert served.reached == 2


def test_errors_are_not_kept(served: Served) -> None:
    for _ in range(2):
        assert served.client.simulate_get("/api/v1/posts", query_string="limit=0"
                                          ).status_code == 400
    assert served.reached == 2


def test_headers_are_kept_only_while_the_seconds_left_stay_the_same(
        demo_config: Config) -> None:
    # A limit between two seconds (a confirmation that runs out at .6 of a second).
    limit = dt.datetime(2025, 7, 24, 12, 0, 10, 600_000, tzinfo=dt.UTC)
    clock = Clock(dt.datetime(2025, 7, 24, 12, 0, 8, 300_000, tzinfo=dt.UTC))
    caching = HTTPCaching(demo_config, clock)
    control, _, until = caching._freshness(limit)
    assert "max-age=2," in control
    # 2 whole seconds are left up to 12:00:08.6; from then on only 1.
    assert until == pytest.approx((limit - dt.timedelta(seconds=2)).timestamp())
    clock.now = dt.datetime(2025, 7, 24, 12, 0, 8, 700_000, tzinfo=dt.UTC)
    assert "max-age=1," in caching._freshness(limit)[0]
    # Without a limit: to the end of the second.
    _, _, until = caching._freshness(None)
    assert 0 < dt.datetime(2025, 7, 24, 12, 0, 9, tzinfo=dt.UTC).timestamp() - until < 1e-3
