"""The OpenAPI 3.1 description of API v1. Tests validate real responses against it."""

from __future__ import annotations

from typing import Any

from widget import __version__, routes
from widget.days import DayState
from widget.i18n import LANGUAGES
from widget.model import STATUS_FILTERS, ActionKind, Kind, Outcome, Status
from widget.query import PAGE_SIZE, PAGE_SIZES, STRIKE_PAGE_SIZE, STRIKE_PAGE_SIZES
from widget.values import SLUG

_DATE = {"type": "string", "format": "date"}
_TIME = {"type": "string", "format": "date-time"}
_URL = {"type": "string", "format": "uri"}


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"oneOf": [schema, {"type": "null"}]}


def _strict(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


SCHEMAS: dict[str, Any] = {
    "Image": _strict({
        "url": _URL,
        "width": _nullable({"type": "integer", "minimum": 1}),
        "height": _nullable({"type": "integer", "minimum": 1}),
        "alt": {"type": "string"},
        "thumbnail": {**_nullable(_URL), "description": "A smaller rendition upstream."},
        "local_thumbnail": {**_nullable(_URL),
                            "description": "This service's copy of the thumbnail."},
    }),
    "Post": _strict({
        "id": {"type": "string", "description": "Stable across syncs."},
        "source": {"type": "string"},
        "url": _URL,
        "title": {"type": "string", "description": "Plain text."},
        "excerpt": {"type": "string", "description": "Plain text."},
        "content_html": {"type": "string", "description": "Sanitised HTML."},
        "published": _TIME,
        "modified": _TIME,
        "categories": {"type": "array", "items": {"type": "string"}},
        "tags": {"type": "array", "items": {"type": "string"}},
        "image": _nullable({"$ref": "#/components/schemas/Image"}),
        "lang": _nullable({"type": "string"}),
    }),
    "PostsPage": _strict({
        "posts": {"type": "array", "items": {"$ref": "#/components/schemas/Post"}},
        "next": _nullable(_URL),
        "version": {"type": "string"},
    }),
    "Day": _strict({
        "state": {"enum": [state.value for state in DayState],
                  "description": "What the counter says. confirmed: day N, today's count; "
                                 "unconfirmed: today's count, not confirmed for "
                                 "confirm_every_days (the widgets add \"last confirmed on "
                                 "DATE\"); unverified: not confirmed for unverified_after_days,"
                                 " so no current count (number is null; see confirmed); "
                                 "start-unknown: going on, but no source gives its first day, "
                                 "so no number (start_date is the first day it was reported); "
                                 "announced: not started yet; final: ended or suspended."},
        "number": {**_nullable({"type": "integer", "minimum": 1}),
                   "description": "Day N as of as_of: today's count (confirmed, unconfirmed) "
                                  "or the final one; null when no count is told."},
        "as_of": {**_DATE, "description": "The local date the day speaks of: today while a "
                                          "count is told as today's or the strike is announced,"
                                          " the end date once final, the last confirmation's "
                                          "date otherwise."},
        "final": {"type": "boolean", "description": "True once the count is frozen."},
        "starts_in": _nullable({"type": "integer", "minimum": 1}),
        "changes_at": _nullable({**_TIME, "description": "The next instant (a local midnight) "
                                                         "at which number or state changes; "
                                                         "null when neither changes any more "
                                                         "without an edit."}),
        "confirmed": {**_nullable(_strict({
            "date": {**_DATE, "description": "last_confirmed, or start_date when none is "
                                             "recorded."},
            "number": {**_nullable({"type": "integer", "minimum": 1}),
                       "description": "Day N on that date; null when the start is unknown."},
        })), "description": "The last confirmation while the strike runs; null when "
                            "announced or final."},
    }, "Day N counts the start date as day 1 in the strike's timezone, plus day_offset, "
       "and freezes at the end date; it is told as today's only while someone vouches for "
       "it (state)."),
    "Strike": _strict({
        "slug": {"type": "string", "pattern": f"^{SLUG}$"},
        "name": {"type": "string"},
        "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "place": {"type": "string"},
        "timezone": {"type": "string"},
        "kind": {"enum": [k.value for k in Kind]},
        "status": {"enum": [s.value for s in Status]},
        "outcome": {"enum": [o.value for o in Outcome] + [None]},
        "start_date": _DATE,
        "start_known": {"type": "boolean", "description": "False when no source gives the "
                        "first day: start_date is then the first report of the strike going "
                        "on, and day.number is null."},
        "end_date": _nullable(_DATE),
        "day": {"$ref": "#/components/schemas/Day"},
        "day_offset": {"type": "integer"},
        "last_confirmed": _nullable(_DATE),
        "unconfirmed": {"type": "boolean",
                        "description": "Not confirmed as ongoing for 14 days or more."},
        "participants": _nullable({"type": "integer", "minimum": 1}),
        "demands": {"type": "array", "items": {"type": "string"}},
        "summary": {"type": "string"},
        "sources": {"type": "array", "items": _URL},
        "related_posts": {"type": "array", "items": _URL},
        "actions": {"type": "array", "items": {"$ref": "#/components/schemas/Action"}},
        "lang": _nullable({"type": "string", "description": "The language asked for "
                           "(`lang`), whose words name, place, demands, summary and the "
                           "actions' labels are in where the strikes file gives them; null: "
                           "the file's own words."}),
        "texts": {"type": "object", "description": "The strike's words in each language "
                  "the strikes file gives them in, by language code; a field absent there "
                  "is not given in that language.",
                  "additionalProperties": {"$ref": "#/components/schemas/StrikeText"}},
        "links": _strict({"self": _URL, "embed": _URL}),
    }),
    "Action": _strict({
        "kind": {"enum": [k.value for k in ActionKind]},
        "label": {"type": "string"},
        "url": _URL,
    }, "A way for readers to act: sign, write, contact, give, come."),
    "StrikeText": {
        "type": "object", "additionalProperties": False,
        "properties": {
            "name": {"type": "string"}, "place": {"type": "string"},
            "demands": {"type": "array", "items": {"type": "string"}},
            "summary": {"type": "string"},
            "actions": {"type": "array", "items": {"type": "string"},
                        "description": "The actions' labels, in their order."},
        },
    },
    "StrikeList": _strict({
        "strikes": {"type": "array", "items": {"$ref": "#/components/schemas/Strike"}},
        "next": _nullable(_URL),
        "version": {"type": "string"},
    }),
    "SourceHealth": _strict({
        "name": {"type": "string"},
        "kind": {"type": "string"},
        "last_attempt": _nullable(_TIME),
        "last_success": _nullable(_TIME),
        "state": {"enum": ["ok", "stale", "failing"],
                  "description": "failing: the last sync of this source failed (the reason "
                                 "is for the operator: `solidarity-widget status`)."},
        "age_seconds": _nullable({"type": "integer"}),
        "stale": {"type": "boolean"},
        "posts": {"type": "integer"},
    }),
    "Health": _strict({
        "status": {"enum": ["ok", "stale", "degraded"],
                   "description": "degraded (HTTP 503): a file of the service itself is broken "
                                  "and the last good data is served; see problems."},
        "problems": {"type": "array", "items": _strict({
            "part": {"enum": ["config", "database"]}, "problem": {"type": "string"}})},
        "version": {"type": "string"},
        "as_of": _TIME,
        "posts": {"type": "integer"},
        "strikes": {"type": "integer"},
        "strikes_to_confirm": {"type": "integer", "description": "Strikes no one has "
                               "confirmed for confirm_every_days: their counters say so."},
        "sources": {"type": "array", "items": {"$ref": "#/components/schemas/SourceHealth"}},
    }),
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details.",
        "properties": {
            "type": {"type": "string"},
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "invalid-params": {"type": "array", "items": _strict({
                "name": {"type": "string"}, "reason": {"type": "string"}})},
        },
        "required": ["type", "title", "status"],
    },
}


def _param(name: str, description: str, schema: dict[str, Any],
           where: str = "query") -> dict[str, Any]:
    return {"name": name, "in": where, "required": where == "path",
            "description": description, "schema": schema}


_LANG = _param("lang", "The strikes' words in this language where the strikes file gives "
               "them (every language's are in `texts`).", {"enum": list(LANGUAGES)})


def _ok(schema: str, description: str) -> dict[str, Any]:
    return {
        "200": {"description": description, "headers": {
            "ETag": {"schema": {"type": "string"}},
            "Cache-Control": {"schema": {"type": "string"}}},
            "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{schema}"}}}},
        "304": {"description": "Not modified (If-None-Match matched)."},
        "400": {"$ref": "#/components/responses/Problem"},
    }


def openapi_document(base_url: str) -> dict[str, Any]:
    posts = _ok("PostsPage", "Latest posts, newest first; `next` links to the following page.")
    strike = _ok("Strike", "One hunger strike.")
    strike["404"] = {"$ref": "#/components/responses/Problem"}
    strike["410"] = {"$ref": "#/components/responses/Problem"}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Solidarity Widget API",
            "version": __version__,
            "description": "Latest posts and hunger strikes. Read-only, cache-friendly: every "
                           "response has a strong ETag and answers If-None-Match with 304; "
                           "anything with a day number expires by the next local midnight. "
                           "CORS: any origin may GET.",
        },
        "servers": [{"url": base_url}],
        "paths": {
            routes.POSTS.template: {"get": {
                "operationId": "listPosts",
                "parameters": [
                    _param("limit", "Posts per page.",
                           {"type": "integer", "minimum": PAGE_SIZES[0],
                            "maximum": PAGE_SIZES[1], "default": PAGE_SIZE}),
                    _param("category", "Category slug.", {"type": "string"}),
                    _param("tag", "Tag slug.", {"type": "string"}),
                    _param("lang", "Language code (en, fr, …).", {"type": "string"}),
                    _param("cursor", "Opaque cursor from a `next` link.", {"type": "string"}),
                ],
                "responses": posts,
            }},
            routes.STRIKES.template: {"get": {
                "operationId": "listStrikes",
                "parameters": [
                    _param("status", "active: announced or ongoing; ended: ended or "
                           "suspended; all.", {"enum": list(STATUS_FILTERS),
                                               "default": "active"}),
                    _param("country", "ISO 3166-1 alpha-2 code.", {"type": "string"}),
                    _LANG,
                    _param("limit", "Strikes per page.",
                           {"type": "integer", "minimum": STRIKE_PAGE_SIZES[0],
                            "maximum": STRIKE_PAGE_SIZES[1], "default": STRIKE_PAGE_SIZE}),
                    _param("cursor", "Opaque cursor from a `next` link.", {"type": "string"}),
                ],
                "responses": _ok("StrikeList", "Hunger strikes in the editor's order; "
                                 "`next` links to the following page."),
            }},
            routes.STRIKE.template: {"get": {
                "operationId": "getStrike",
                "parameters": [_param("slug", "The strike's slug.", {"type": "string"}, "path"),
                               _LANG],
                "responses": strike,
            }},
            routes.OPENAPI.template: {"get": {
                "operationId": "getOpenAPI",
                "responses": {"200": {"description": "This document."}},
            }},
            routes.HEALTH.template: {"get": {
                "operationId": "health",
                "responses": {
                    "200": {"description": "Snapshot and sync state.", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
                    "503": {"description": "Degraded: the last good data is served.", "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
                },
            }},
        },
        "components": {
            "schemas": SCHEMAS,
            "responses": {"Problem": {"description": "A problem with the request.", "content": {
                "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}},
        },
    }
