"""Fakes of the Microsoft identity platform + Graph and of Google's OAuth + Calendar API v3,
on pytest-httpserver, answering the documented request and response shapes:

* token endpoint (`/{tenant}/oauth2/v2.0/token`, Google's `/token`): authorization_code with
  PKCE (the S256 challenge of the authorize URL is checked against the verifier),
  refresh_token, client_credentials, and the JWT-bearer assertion;
* Graph `POST /v1.0/me/calendar/getSchedule` (scheduleItems with status/start/end and a
  subject we must not keep), `POST/PATCH/DELETE /v1.0/me/events[/{id}]` (and `/users/{id}`);
* Google `POST /calendar/v3/freeBusy`, `POST/PATCH/DELETE
  /calendar/v3/calendars/{id}/events[/{eventId}]` with conferenceData.

An expired or unknown bearer token gets 401; `throttle` answers that many 429s with
Retry-After first.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from werkzeug import Request, Response

_n = itertools.count(1)


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(body), status=status, headers=headers or {}, content_type="application/json"
    )


@dataclass
class Fake:
    """One provider's state: issued tokens, pending codes, events, every request seen."""

    kind: str  # "microsoft" or "google"
    codes: dict[str, str] = field(default_factory=dict)  # code -> PKCE challenge
    valid: set[str] = field(default_factory=set)
    refresh_tokens: set[str] = field(default_factory=set)
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    busy: list[tuple[str, str]] = field(default_factory=list)  # ISO UTC (start, end)
    throttle: int = 0
    seen: list[tuple[str, str, Any]] = field(default_factory=list)
    token_grants: list[str] = field(default_factory=list)
    assertions: list[str] = field(default_factory=list)

    def give_code(self, authorize_url: str) -> str:
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize_url).query))
        assert query["code_challenge_method"] == "S256"
        assert query["response_type"] == "code"
        code = f"code-{next(_n)}"
        self.codes[code] = query["code_challenge"]
        return code

    def expire_all(self) -> None:
        self.valid.clear()

    # -- token endpoint ---------------------------------------------------------------
    def token(self, request: Request) -> Response:
        form = request.form
        grant = form.get("grant_type", "")
        self.token_grants.append(grant)
        if grant == "authorization_code":
            challenge = self.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            if challenge is None or digest.rstrip(b"=").decode() != challenge:
                return _json({"error": "invalid_grant"}, 400)
        elif grant == "refresh_token":
            if form.get("refresh_token") not in self.refresh_tokens:
                return _json({"error": "invalid_grant"}, 400)
        elif grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            self.assertions.append(form.get("assertion", ""))
        elif grant != "client_credentials":
            return _json({"error": "unsupported_grant_type"}, 400)
        access, refresh = f"at-{next(_n)}-secret", f"rt-{next(_n)}-secret"
        self.valid.add(access)
        self.refresh_tokens.add(refresh)
        answer = {"access_token": access, "token_type": "Bearer", "expires_in": 3600}
        if grant in ("authorization_code", "refresh_token"):
            answer["refresh_token"] = refresh
        return _json(answer)

    # -- API ----------------------------------------------------------------------------
    def api(self, request: Request) -> Response:
        body = request.get_json(silent=True)
        self.seen.append((request.method, request.full_path, body))
        if self.throttle:
            self.throttle -= 1
            return _json({"error": {"code": "TooManyRequests"}}, 429, {"Retry-After": "2"})
        bearer = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if bearer not in self.valid:
            return _json({"error": {"code": "InvalidAuthenticationToken"}}, 401)
        path = request.path
        if self.kind == "microsoft":
            return self._graph(request.method, path, body)
        return self._google(request.method, path, body, request.args)

    def _graph(self, method: str, path: str, body: Any) -> Response:
        if path.endswith("/calendar/getSchedule"):
            items = [
                {
                    "isPrivate": False,
                    "status": "busy",
                    "subject": "Private: layoffs",
                    "location": "Room 1",
                    "start": {"dateTime": s.replace("Z", "") + ".0000000", "timeZone": "UTC"},
                    "end": {"dateTime": e.replace("Z", "") + ".0000000", "timeZone": "UTC"},
                }
                for s, e in self.busy
            ] + [
                {
                    "isPrivate": False,
                    "status": "free",
                    "subject": "Lunch",
                    "start": {"dateTime": "2026-03-10T12:00:00.0000000", "timeZone": "UTC"},
                    "end": {"dateTime": "2026-03-10T13:00:00.0000000", "timeZone": "UTC"},
                }
            ]
            return _json(
                {
                    "value": [
                        {
                            "scheduleId": body["schedules"][0],
                            "availabilityView": "0020",
                            "scheduleItems": items,
                        }
                    ]
                }
            )
        match = re.search(r"/events(?:/([^/]+))?$", path)
        if match is None:
            return _json({"error": {"code": "NotFound"}}, 404)
        event_id = urllib.parse.unquote(match.group(1) or "")
        if method == "POST" and not event_id:
            event_id = f"AAMk{next(_n)}"
            self.events[event_id] = dict(body)
            return _json(
                {
                    **body,
                    "id": event_id,
                    "iCalUId": f"040000008200E{next(_n)}",
                    "onlineMeeting": {"joinUrl": f"https://teams.example/l/{event_id}"},
                },
                201,
            )
        if event_id not in self.events:
            return _json({"error": {"code": "ErrorItemNotFound"}}, 404)
        if method == "PATCH":
            self.events[event_id].update(body)
            return _json({**self.events[event_id], "id": event_id})
        if method == "DELETE":
            del self.events[event_id]
            return Response(status=204)
        return _json({"error": {"code": "BadRequest"}}, 400)

    def _google(self, method: str, path: str, body: Any, args: Any) -> Response:
        if path.endswith("/freeBusy"):
            calendar = body["items"][0]["id"]
            return _json(
                {
                    "kind": "calendar#freeBusy",
                    "timeMin": body["timeMin"],
                    "timeMax": body["timeMax"],
                    "calendars": {
                        calendar: {"busy": [{"start": s, "end": e} for s, e in self.busy]}
                    },
                }
            )
        match = re.search(r"/calendars/([^/]+)/events(?:/([^/]+))?$", path)
        if match is None:
            return _json({"error": {"code": 404}}, 404)
        event_id = urllib.parse.unquote(match.group(2) or "")
        if method == "POST" and not event_id:
            event_id = f"g{next(_n)}"
            stored = dict(body)
            answer = {
                **stored,
                "id": event_id,
                "iCalUID": f"{event_id}@google.com",
                "status": "confirmed",
            }
            if args.get("conferenceDataVersion") == "1" and "conferenceData" in body:
                link = f"https://meet.example/{event_id}"
                answer["hangoutLink"] = link
                answer["conferenceData"] = {
                    "createRequest": {
                        **body["conferenceData"]["createRequest"],
                        "status": {"statusCode": "success"},
                    },
                    "entryPoints": [{"entryPointType": "video", "uri": link}],
                }
            self.events[event_id] = answer
            return _json(answer)
        if event_id not in self.events:
            return _json({"error": {"code": 404, "message": "Not Found"}}, 404)
        if method == "PATCH":
            self.events[event_id].update(body)
            return _json(self.events[event_id])
        if method == "DELETE":
            del self.events[event_id]
            return Response(status=204)
        return _json({"error": {"code": 400}}, 400)


def install(httpserver: Any, settings: Any) -> tuple[Fake, Fake]:
    """Both fakes on one server; the settings point Mentorwise at them."""
    microsoft, google = Fake("microsoft"), Fake("google")
    httpserver.expect_request(re.compile(r"^/[^/]+/oauth2/v2\.0/token$")).respond_with_handler(
        microsoft.token
    )
    httpserver.expect_request(re.compile(r"^/v1\.0/")).respond_with_handler(microsoft.api)
    httpserver.expect_request("/token").respond_with_handler(google.token)
    httpserver.expect_request(re.compile(r"^/calendar/v3/")).respond_with_handler(google.api)
    base = httpserver.url_for("").rstrip("/")
    settings.MENTORWISE_CALENDAR_ENDPOINTS = {
        "microsoft_login": base,
        "graph": f"{base}/v1.0",
        "google_authorize": f"{base}/auth",
        "google_token": f"{base}/token",
        "google_calendar": f"{base}/calendar/v3",
    }
    settings.MENTORWISE_MICROSOFT_CLIENT_ID = "ms-client"
    settings.MENTORWISE_MICROSOFT_CLIENT_SECRET = "ms-client-secret-value"
    settings.MENTORWISE_MICROSOFT_TENANT = "contoso"
    settings.MENTORWISE_GOOGLE_CLIENT_ID = "g-client"
    settings.MENTORWISE_GOOGLE_CLIENT_SECRET = "g-client-secret-value"
    return microsoft, google
