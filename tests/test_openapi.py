"""The OpenAPI document describes the responses the service really gives."""

from __future__ import annotations

from typing import Any

import falcon.testing
import pytest
from jsonschema import Draft202012Validator, FormatChecker

from tests.conftest import Clock


@pytest.fixture
def document(client: falcon.testing.TestClient) -> dict[str, Any]:
    result = client.simulate_get("/api/v1/openapi.json")
    assert result.status_code == 200
    return result.json


def validate(document: dict[str, Any], name: str, instance: Any) -> None:
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
              "components": document["components"], "$ref": f"#/components/schemas/{name}"}
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(instance)


def test_document_is_openapi_3_1(document: dict[str, Any]) -> None:
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": "http://127.0.0.1:8000"}]
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


@pytest.mark.parametrize("path, query, schema", [
    ("/api/v1/posts", "", "PostsPage"),
    ("/api/v1/posts", "limit=2", "PostsPage"),
    ("/api/v1/posts", "limit=50&category=france", "PostsPage"),
    ("/api/v1/strikes", "", "StrikeList"),
    ("/api/v1/strikes", "status=all", "StrikeList"),
    ("/api/v1/strikes", "status=ended&country=TR", "StrikeList"),
    ("/api/v1/strikes/zehra-kurtay", "", "Strike"),
    ("/api/v1/strikes/ali-hasan-akgul", "", "Strike"),
    ("/healthz", "", "Health"),
    ("/api/v1/posts", "limit=0", "Problem"),
    ("/api/v1/strikes/nobody", "", "Problem"),
])
def test_real_responses_match_the_document(client: falcon.testing.TestClient,
                                           document: dict[str, Any], path: str, query: str,
                                           schema: str) -> None:
    result = client.simulate_get(path, query_string=query)
    validate(document, schema, result.json)


def test_a_strike_before_its_start_matches_too(client: falcon.testing.TestClient,
                                               document: dict[str, Any], clock: Clock) -> None:
    clock.now = clock.now.replace(year=2024)
    body = client.simulate_get("/api/v1/strikes/zehra-kurtay").json
    assert body["day"]["number"] is None and body["day"]["starts_in"] > 0
    validate(document, "Strike", body)


def test_the_schema_can_fail(document: dict[str, Any], client: falcon.testing.TestClient) -> None:
    body = client.simulate_get("/api/v1/strikes/zehra-kurtay").json
    body["day"]["number"] = "143"
    with pytest.raises(Exception, match="is not valid"):
        validate(document, "Strike", body)


def test_documented_parameters_are_exactly_the_accepted_ones(
        client: falcon.testing.TestClient, document: dict[str, Any]) -> None:
    samples = {"limit": "5", "category": "france", "tag": "x", "lang": "en",
               "status": "all", "country": "FR"}
    for path, item in document["paths"].items():
        params = [p for p in item["get"].get("parameters", []) if p["in"] == "query"]
        url = path.replace("{slug}", "zehra-kurtay")
        for param in params:
            if param["name"] == "cursor":
                continue
            result = client.simulate_get(url, query_string=f"{param['name']}="
                                                           f"{samples[param['name']]}")
            assert result.status_code == 200, (path, param["name"], result.text)
        assert client.simulate_get(url, query_string="undocumented=1").status_code == 400
