"""What every endpoint of the API shares: one error body, cursor pages, throttles and ETags.

Errors: ``{"error": {"code", "message", "fields"}}`` for every status, from DRF's own exceptions,
Django's ``Http404`` and ``PermissionDenied`` and a ``ValidationError`` raised by a service.
"""

from __future__ import annotations

import functools
import hashlib
import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from klout.api_throttles import address_throttle_check

CODES = {
    400: "invalid",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    415: "unsupported_media_type",
    429: "throttled",
}


class Conflict(exceptions.APIException):
    """The request is sound but the state of things refuses it (all claimed, already shipped)."""

    status_code = status.HTTP_409_CONFLICT
    default_detail = "That cannot be done now."
    default_code = "conflict"


def _messages(detail) -> list[str]:
    if isinstance(detail, dict):
        return [m for value in detail.values() for m in _messages(value)]
    if isinstance(detail, list):
        return [m for value in detail for m in _messages(value)]
    return [str(detail)]


def _fields(detail) -> dict[str, list[str]]:
    if not isinstance(detail, dict):
        return {}
    return {
        name: _messages(value) for name, value in detail.items() if name not in ("non_field_errors", "detail")
    }


def error_body(
    *, status_code: int, message: str, code: str | None = None, fields: dict | None = None
) -> dict:
    return {
        "error": {"code": code or CODES.get(status_code, "error"), "message": message, "fields": fields or {}}
    }


def exception_handler(exc, context):
    """DRF's handler, then every error body rewritten into the one shape."""
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(str(exc) or "Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "You may not do that.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    fields = _fields(detail)
    if isinstance(exc, exceptions.ValidationError):
        others = (
            _messages(detail.get("non_field_errors", [])) if isinstance(detail, dict) else _messages(detail)
        )
        message = others[0] if others else "Some of what was sent could not be used: see fields."
        code = "invalid"
    else:
        message = " ".join(_messages(detail))
        code = (
            getattr(exc, "default_code", None) if not isinstance(exc, exceptions.Throttled) else "throttled"
        )
        code = {"authentication_failed": "not_authenticated", "error": None}.get(code, code)
    response.data = error_body(status_code=response.status_code, message=message, code=code, fields=fields)
    return response


# --- pages --------------------------------------------------------------------------------------


class Cursor(CursorPagination):
    """Opaque cursors: a page never repeats or skips a row as rows are added."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-pk"


# --- the base view -----------------------------------------------------------------------------


def valid_input(serializer_class: type[serializers.Serializer], data, **kwargs) -> dict:
    """The validated ``data`` (a body or the query parameters); a 400 naming each bad input."""
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@functools.cache
def _known_query(view_class: type) -> frozenset[str]:
    known = set(view_class.allowed_query)
    if view_class.query_serializer is not None:
        known |= set(view_class.query_serializer().get_fields())
    return frozenset(known)


class ApiView(APIView):
    """Every endpoint's base: requests without credentials are counted per address before
    anything else is done for them, and a query parameter the endpoint does not know is a 400
    naming it (a misspelt ``?form=`` would otherwise be silently ignored).

    ``query_serializer`` (its fields) and ``allowed_query`` (more names, such as a filter set's
    or the pagination's ``cursor``) are the parameters the endpoint reads.
    """

    throttle_scope = "scores"
    query_serializer: type[serializers.Serializer] | None = None
    allowed_query: tuple[str, ...] = ()

    def initial(self, request: Request, *args, **kwargs) -> None:
        address_throttle_check(request)
        super().initial(request, *args, **kwargs)
        # Known once per endpoint, not built again for every request.
        unknown = sorted(set(request.query_params) - _known_query(type(self)))
        if unknown:
            raise exceptions.ValidationError(
                {name: ["This endpoint has no such parameter."] for name in unknown}
            )


# --- ETags --------------------------------------------------------------------------------------


def etag_response(request: Request, data) -> Response:
    """``data`` with a strong ETag of its JSON; a 304 when the client already holds it."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:32]
    tag = f'"{digest}"'
    wanted = [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]
    if tag in wanted or "*" in wanted:
        response = Response(status=status.HTTP_304_NOT_MODIFIED)
    else:
        response = Response(data)
    response["ETag"] = tag
    response["Cache-Control"] = "private, max-age=0, must-revalidate"
    return response


# --- the schema's error responses ---------------------------------------------------------------

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorDetail",
            fields={
                "code": serializers.CharField(
                    help_text="A stable word: " + ", ".join(sorted(set(CODES.values())))
                ),
                "message": serializers.CharField(help_text="What went wrong, in plain words."),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField()),
                    help_text="For a 400: the messages of each input that could not be used.",
                ),
            },
        )
    },
)

_ERROR_TEXT = {
    400: ("Some of what was sent could not be used.", {"min_score": ["A valid number is required."]}),
    401: ("Authentication credentials were not provided.", {}),
    403: ("This token lacks the scope perks:write.", {}),
    404: ("Not found.", {}),
    409: ("All units of this perk are claimed.", {}),
    429: ("Request was throttled. Expected available in 12 seconds.", {}),
}
_ERROR_DESCRIPTIONS = {
    400: "Bad input; `fields` names each input and what is wrong with it.",
    401: "No token, or one that is unknown, revoked or expired.",
    403: "The token lacks the scope, or acts for the wrong kind of account (member or brand).",
    404: "Not found: also what an object of someone else, a private profile or an opted-out person answers.",
    409: "The request conflicts with the object's state.",
    429: "Too many requests; `Retry-After` says in how many seconds to try again.",
}


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    """The schema's responses for these error statuses, each with the one error body and an example."""
    responses = {}
    for code in codes:
        message, fields = _ERROR_TEXT[code]
        responses[code] = OpenApiResponse(
            response=ErrorSerializer,
            description=_ERROR_DESCRIPTIONS[code],
            examples=[
                OpenApiExample(
                    CODES[code],
                    value=error_body(status_code=code, message=message, fields=fields),
                    status_codes=[str(code)],
                    response_only=True,
                )
            ],
        )
    return responses


@csrf_exempt  # a POST to a wrong address is told it is wrong, not asked for a CSRF cookie
def not_found(request: HttpRequest, path: str = "") -> JsonResponse:
    """Any address under /api/v1/ that is no endpoint: the one error body, not the site's page."""

    return JsonResponse(error_body(status_code=404, message="No such endpoint: see /api/docs/."), status=404)
