"""One error shape for every JSON error: RFC 9457 problem details."""

from __future__ import annotations

import falcon
import orjson

PROBLEM_TYPE = "application/problem+json"


class InvalidParameter(falcon.HTTPBadRequest):
    """A query parameter that is unknown, repeated, or out of range."""

    def __init__(self, name: str, reason: str):
        super().__init__(title="Invalid parameter", description=f"{name}: {reason}")
        self.param_name = name
        self.reason = reason


def problem(exc: falcon.HTTPError) -> dict[str, object]:
    body: dict[str, object] = {
        "type": "about:blank",
        "title": exc.title,
        "status": exc.status_code,
    }
    if exc.description:
        body["detail"] = exc.description
    if isinstance(exc, InvalidParameter):
        # The "invalid-params" extension member follows RFC 9457's own example.
        body["invalid-params"] = [{"name": exc.param_name, "reason": exc.reason}]
    return body


def serialize_error(req: falcon.Request, resp: falcon.Response, exc: falcon.HTTPError) -> None:
    # Always JSON, whatever the Accept header says (falcon's own serializer picks by
    # Accept and says Vary: Accept; this one varies on nothing).
    resp.data = orjson.dumps(problem(exc))
    resp.content_type = PROBLEM_TYPE
