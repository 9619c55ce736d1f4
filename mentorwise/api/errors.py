"""One error shape for the whole API: {"code", "message", "errors"}."""

from __future__ import annotations

import json
import logging
from typing import Any

from django.db import DataError
from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

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


logger = logging.getLogger(__name__)

# The widest integer a database column or lookup holds (64-bit signed).
MAX_INT = 2**63 - 1


class UnstorableValue(ValueError):
    """A request value no database column can hold: a NUL character or a too large integer."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _check_storable(value: Any, field: str) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise UnstorableValue(field, "must not contain the NUL character")
    elif isinstance(value, bool):
        return
    elif isinstance(value, int):
        if not -MAX_INT - 1 <= value <= MAX_INT:
            raise UnstorableValue(field, "is out of range")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_storable(key, field)
            _check_storable(item, f"{field}.{key}" if field else str(key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_storable(item, f"{field}.{i}" if field else str(i))


class StorableParser(Parser):
    """JSON bodies and query strings, refusing values no column can store before any query."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        _check_storable(data, "")
        return data

    def parse_querydict(
        self, data: MultiValueDict[str, str], list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        try:
            _check_storable(result, "")
        except UnstorableValue as error:
            raise ValidationError(
                [{"loc": ("query", error.field), "msg": error.message}]
            ) from error
        return result


def install_error_handlers(api: NinjaAPI) -> None:
    api.parser = StorableParser()

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
        if exc.status_code == 400:
            # The framework's answer to a body it cannot parse: one documented shape (422).
            cause = exc.__cause__
            if isinstance(cause, UnstorableValue):
                field, message = cause.field or "body", cause.message
            else:
                field, message = "body", "is not valid JSON"
            error = {"row": None, "field": field, "value": None, "message": message}
            return api.create_response(
                request,
                body("invalid_input", "The request body is not valid.", [error]),
                status=422,
            )
        return api.create_response(request, body("error", str(exc)), status=exc.status_code)

    @api.exception_handler(OverflowError)
    @api.exception_handler(DataError)
    def unstorable(request: HttpRequest, exc: Exception) -> HttpResponse:
        # A path or query value the database cannot compare or store (a too large number, a
        # NUL character): the request is invalid, not a server error.
        logger.warning("API %s %s: unstorable value: %s", request.method, request.path, exc)
        return api.create_response(
            request,
            body("invalid_input", "A value is out of range or holds a character not allowed."),
            status=422,
        )
