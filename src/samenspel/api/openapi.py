"""The OpenAPI document declares every answer an operation can give, and the headers it uses.

Django Ninja writes the 2xx answers from the response schemas. This adds, per operation:

- the error answers (RFC 9457 problem details, `application/problem+json`), by what the
  operation does: every call can answer 401, 422, 500 and 503; one that names an object in
  its path or query 403 and 404; a write 400 and 413; an edit with `If-Match` 412 and 428;
  a decision 409;
- the request headers `If-Match` and `Idempotency-Key`, required where the operation reads
  them, and the `ETag` header on the answers that carry one.

What an operation reads is found in its code (the names `expected_version`,
`idempotency_key` and `set_etag` that it or a helper of its module calls), so a new
operation is documented by writing it.
A decision, whose race answers 409, is marked with `@decision`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ninja import NinjaAPI

from samenspel.lib import problems

_DECISION = "_samenspel_decision"


# Each status: (description, schema name)
_ANSWERS: dict[int, tuple[str, str]] = {
    400: (
        "The request is malformed: a missing Idempotency-Key, a body nested too deep.",
        "Problem",
    ),
    401: (
        "No valid API key (missing, malformed, revoked or expired) and no verified session.",
        "Problem",
    ),
    403: ("You see the object but may not do this with it.", "Problem"),
    404: ("No such object, or one you may not see: the two answer alike.", "Problem"),
    409: ("Another decision on the object came first; nothing was changed.", "ConflictProblem"),
    412: ("The object changed since the version in If-Match; nothing was saved.", "StaleProblem"),
    413: ("The body is larger than the server accepts.", "Problem"),
    422: ("A parameter or a field is not valid; `errors` names each one.", "Problem"),
    428: ("If-Match is missing: send the version from the object's ETag.", "Problem"),
    500: ("An error on the server; nothing was saved.", "Problem"),
    503: ("The database is unavailable for a moment; retry after Retry-After seconds.", "Problem"),
}

_IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": True,
    "description": 'The version you are changing: the ETag of the object, for example "3".',
    "schema": {"type": "string", "pattern": '^(W/)?"?[0-9]{1,9}"?$'},
}
_IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": True,
    "description": "A key of your own per submission (at most 64 characters): sending the "
    "same key again answers the first result and creates nothing new.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 64},
}
_ETAG = {
    "description": 'The version of the object, for If-Match on the next edit (for example "3").',
    "schema": {"type": "string"},
}


def decision[F: Callable[..., Any]](view: F) -> F:
    """Mark an operation that decides on an object: a racing decision answers 409."""
    setattr(view, _DECISION, True)
    return view


class DocumentedAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI document declares the error answers and the headers."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Problem"] = _component(problems.ProblemOut)
        components["StaleProblem"] = _component(problems.StaleProblemOut)
        components["ConflictProblem"] = _component(problems.ConflictProblemOut)
        views = self._views_by_operation_id()
        for path, methods in schema["paths"].items():
            for method, operation in methods.items():
                view = views.get(operation.get("operationId", ""))
                if view is not None:
                    _document(path, method, operation, view)
        return schema

    def _views_by_operation_id(self) -> dict[str, Callable[..., Any]]:
        found: dict[str, Callable[..., Any]] = {}
        for _prefix, router in self._routers:
            for path_view in router.path_operations.values():
                for operation in path_view.operations:
                    found[self.get_openapi_operation_id(operation)] = operation.view_func
        return found


def _component(model: Any) -> dict[str, Any]:
    content: dict[str, Any] = model.model_json_schema(ref_template="#/components/schemas/{model}")
    return content


def _names(view: Callable[..., Any]) -> set[str]:
    """Return the global names the view uses, and those of the helpers of its module it calls."""
    module = getattr(view, "__module__", None)
    found: set[str] = set()
    todo = [view]
    seen: set[int] = set()
    while todo:
        func = todo.pop()
        if id(func) in seen:
            continue
        seen.add(id(func))
        names = set(getattr(getattr(func, "__code__", None), "co_names", ()))
        found |= names
        for name in names:
            helper = getattr(func, "__globals__", {}).get(name)
            if callable(helper) and getattr(helper, "__module__", None) == module:
                todo.append(helper)
    return found


def _document(path: str, method: str, operation: dict[str, Any], view: Callable[..., Any]) -> None:
    names = _names(view)
    write = method in ("post", "put", "patch", "delete")
    statuses = {401, 422, 500, 503}
    parameters = operation.setdefault("parameters", [])
    if "{" in path or any(p.get("in") == "query" for p in parameters):
        statuses |= {403, 404}  # an id or a value in the path or query names what is not there
    if write:
        statuses |= {400, 403, 413}
    if "expected_version" in names:
        statuses |= {412, 428}
        parameters.append(dict(_IF_MATCH))
    if "idempotency_key" in names:
        statuses.add(400)
        parameters.append(dict(_IDEMPOTENCY_KEY))
    if getattr(view, _DECISION, False):
        statuses.add(409)
    responses = operation.setdefault("responses", {})
    if "set_etag" in names:
        for status, answer in responses.items():
            if str(status).startswith("2"):
                answer.setdefault("headers", {})["ETag"] = dict(_ETAG)
    for status in sorted(statuses):
        description, name = _ANSWERS[status]
        answer = {
            "description": description,
            "content": {
                problems.CONTENT_TYPE: {"schema": {"$ref": f"#/components/schemas/{name}"}}
            },
        }
        if status == 401:
            answer["headers"] = {
                "WWW-Authenticate": {
                    "description": 'The scheme to use: Bearer realm="samenspel".',
                    "schema": {"type": "string"},
                }
            }
        if status == 503:
            answer["headers"] = {
                "Retry-After": {"description": "Seconds to wait.", "schema": {"type": "string"}}
            }
        responses.setdefault(status, answer)
