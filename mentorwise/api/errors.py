"""One error shape for the whole API: {"code", "message", "errors"}."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from mentorwise.core.errors import InvalidInput, MentorwiseError


class FieldErrorOut(Schema):
    row: int | None = None
    field: str
    value: str | None = None
    message: str


class ErrorOut(Schema):
    code: str
    message: str
    errors: list[FieldErrorOut] = []


# Declared on every operation so that the OpenAPI document tells the truth.
ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


def install_error_handlers(api: NinjaAPI) -> None:
    def body(code: str, message: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        return {"code": code, "message": message, "errors": errors or []}

    @api.exception_handler(MentorwiseError)
    def mentorwise_error(request: HttpRequest, exc: MentorwiseError) -> HttpResponse:
        errors = [e.as_dict() for e in exc.errors] if isinstance(exc, InvalidInput) else []
        return api.create_response(request, body(exc.code, exc.message, errors), status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {
                "row": None,
                "field": ".".join(
                    str(p) for p in e.get("loc", []) if p not in ("body", "query", "path")
                ),
                "value": None,
                "message": str(e.get("msg", "invalid")),
            }
            for e in exc.errors
        ]
        return api.create_response(
            request, body("invalid_input", "The request is not valid.", errors), status=422
        )

    @api.exception_handler(AuthenticationError)
    def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return api.create_response(
            request, body("not_authenticated", "Log in or send a valid API token."), status=401
        )

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return api.create_response(request, body("error", str(exc)), status=exc.status_code)
