"""/go: the way out of a widget framed where it cannot open links (WordPress's sandbox).
Only links the widgets themselves show are followed; it is never an open redirect."""

from __future__ import annotations

import falcon.testing
import pytest

from tests.conftest import assert_problem


def go(client: falcon.testing.TestClient, **params: str) -> falcon.testing.Result:
    return client.simulate_get("/go", params=params)


def test_a_post_of_the_widgets_is_followed(client: falcon.testing.TestClient) -> None:
    post = client.simulate_get("/api/v1/posts").json["posts"][0]["url"]
    result = go(client, to=post)
    assert result.status_code == 302 and result.headers["location"] == post
    assert result.headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in result.headers


def test_a_strikes_read_more_and_the_organisation_are_followed(
        client: falcon.testing.TestClient) -> None:
    page = client.simulate_get("/strike/ali-hasan-akgul").text  # its posts are listed there
    more = "https://is4pp.example/2025/07/11/hunger-striker-ali-hasan-akgul-released/"
    assert f'href="{more}"' in page
    assert go(client, to=more).headers["location"] == more
    assert go(client, to="https://is4pp.example/").status_code == 302


@pytest.mark.parametrize("to", [
    "https://evil.example/", "https://is4pp.example/../../evil", "javascript:alert(1)",
    "//evil.example/", "https://is4pp.example/2025/07/11/hunger-striker-ali-hasan-akgul-released/x",
])
def test_anything_else_is_not_followed(client: falcon.testing.TestClient, to: str) -> None:
    result = go(client, to=to)
    assert_problem(result, 404)
    assert "location" not in result.headers


def test_bad_queries_name_the_parameter(client: falcon.testing.TestClient) -> None:
    assert_problem(go(client), 400, "to")
    assert_problem(go(client, to="https://is4pp.example/", then="x"), 400, "then")
    assert_problem(client.simulate_get("/go", query_string="to=a&to=b"), 400, "to")
