"""Walk the site as a user would: every same-origin GET link from home, then the API's lists.

The crawl is breadth-first from home and bounded per URL pattern (at most `per_route` URLs of
one resolved route name), so it finishes on any data set while still reaching every kind of
page a role can reach. It returns what it found; the test decides what to assert, so a
browser test (overflow, axe) can walk the same pages: `crawl_pages(client, role)` gives the
(role, url) list.

The API side reads the OpenAPI document and calls every GET operation without path parameters,
then every GET operation whose path parameters can be filled with values seen on the way: the
keyword arguments of the pages crawled (`relationship_id`, `slug`, ...) and the `id`/`slug` of
the items that a list operation one level up returned.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import product
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from django.core.signals import got_request_exception
from django.test import Client
from django.urls import Resolver404, resolve

# Never followed: signing out ends the walk (and is a POST), static files are not pages.
SKIPPED_PREFIXES = ("/static/", "/logout/")
DEFAULT_PER_ROUTE = 3
PARAMETER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Visit:
    """One request of the crawl and what it answered."""

    role: str
    url: str
    route: str  # the resolved route name ("relationships:detail"), or the API operation path
    status: int
    content_type: str
    seconds: float
    found_on: str = ""  # the page whose link led here ("" for the start)
    error: str = ""  # the exception behind a server error

    @property
    def is_html(self) -> bool:
        return self.content_type.startswith("text/html")

    @property
    def is_server_error(self) -> bool:
        return self.status >= 500


class _Exceptions:
    """Collects the exceptions raised while handling one request (for the failure message)."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __enter__(self) -> _Exceptions:
        got_request_exception.connect(self._record)
        return self

    def __exit__(self, *exc: object) -> None:
        got_request_exception.disconnect(self._record)

    def _record(self, sender: Any, request: Any = None, **kwargs: Any) -> None:
        import sys

        error = sys.exc_info()[1]
        self.seen.append(f"{type(error).__name__}: {error}" if error else "unknown")


def fetch(client: Client, url: str) -> tuple[Any, float, str]:
    """GET `url`; the response, its duration and the exception a server error came from."""
    with _Exceptions() as exceptions:
        began = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - began
    return response, seconds, "; ".join(exceptions.seen)


@dataclass
class Crawl:
    """Everything one role reached: pages (web) and API calls."""

    role: str
    pages: list[Visit] = field(default_factory=list)
    api: list[Visit] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def server_errors(self) -> list[Visit]:
        return [v for v in (*self.pages, *self.api) if v.is_server_error]

    def html_pages(self) -> list[tuple[str, str]]:
        """(role, url) of every HTML page that answered 200: what a browser test walks."""
        return [(v.role, v.url) for v in self.pages if v.status == 200 and v.is_html]


class _Links(HTMLParser):
    """The GET targets of a page: links, HTMX GETs, and the actions of GET forms."""

    def __init__(self) -> None:
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.targets.append(str(a["href"]))
        if a.get("hx-get"):
            self.targets.append(str(a["hx-get"]))
        if tag == "form" and (a.get("method") or "get").lower() == "get" and a.get("action"):
            self.targets.append(str(a["action"]))


def links_of(html: str, base: str) -> list[str]:
    """Same-origin paths (with query, without fragment) linked from `html` found at `base`."""
    parser = _Links()
    parser.feed(html)
    found = []
    for target in parser.targets:
        if target.startswith(("mailto:", "tel:", "javascript:", "#")):
            continue
        parts = urlsplit(urljoin(f"http://testserver{base}", target))
        if parts.netloc != "testserver" or parts.scheme not in ("http", "https"):
            continue
        found.append(urlunsplit(("", "", parts.path, parts.query, "")))
    return found


def route_of(url: str) -> tuple[str, dict[str, Any]] | None:
    """The route name and keyword arguments of a same-origin path; None if nothing resolves."""
    try:
        match = resolve(urlsplit(url).path)
    except Resolver404:
        return None
    return match.view_name or match.route, match.kwargs


def crawl_pages(
    client: Client,
    role: str,
    *,
    start: str = "/",
    per_route: int = DEFAULT_PER_ROUTE,
    limits: Mapping[str, int] | None = None,
    spent: Counter[str] | None = None,
    limit: int = 2000,
) -> list[Visit]:
    """Breadth-first over same-origin GET links from `start`, as `client` (logged in).

    `limits` caps slow routes (a PDF takes seconds to render) below `per_route`, counted in
    `spent`: pass the same counter to several crawls to cap a route across all of them.
    """
    queue: deque[tuple[str, str]] = deque([(start, "")])
    seen: set[str] = {start}
    per: Counter[str] = Counter()
    spent = Counter() if spent is None else spent
    visits: list[Visit] = []
    while queue and len(visits) < limit:
        url, found_on = queue.popleft()
        resolved = route_of(url)
        route = resolved[0] if resolved else "(unresolved)"
        if route.startswith("api:"):
            continue  # the API is called by crawl_api, from its schema
        if per[route] >= per_route:
            continue
        if limits and route in limits:
            if spent[route] >= limits[route]:
                continue
            spent[route] += 1
        per[route] += 1
        response, seconds, error = fetch(client, url)
        visit = Visit(
            role=role,
            url=url,
            route=route,
            status=response.status_code,
            content_type=response.get("Content-Type", ""),
            seconds=seconds,
            found_on=found_on,
            error=error,
        )
        visits.append(visit)
        targets: list[str] = []
        if 300 <= response.status_code < 400 and response.get("Location"):
            targets = links_of(f'<a href="{response["Location"]}">', url)
        elif response.status_code == 200 and visit.is_html:
            targets = links_of(response.content.decode("utf-8", "replace"), url)
        for target in targets:
            if target in seen or target.startswith(SKIPPED_PREFIXES):
                continue
            seen.add(target)
            queue.append((target, url))
    return visits


def _fills(path: str, values: dict[str, list[str]], per_operation: int) -> Iterator[dict[str, str]]:
    names = PARAMETER.findall(path)
    choices = [values.get(name, [])[:per_operation] for name in names]
    for n, combination in enumerate(product(*choices)):
        if n >= per_operation:
            return
        yield dict(zip(names, combination, strict=True))


def _harvest(values: dict[str, list[str]], name: str, found: Iterable[Any]) -> None:
    bucket = values.setdefault(name, [])
    for value in found:
        text = str(value)
        if text not in bucket:
            bucket.append(text)


def crawl_api(
    client: Client,
    role: str,
    pages: list[Visit],
    *,
    per_operation: int = DEFAULT_PER_ROUTE,
    operations: Callable[[str], bool] | None = None,
    values: dict[str, list[str]] | None = None,
) -> list[Visit]:
    """Every GET operation of the API this role can fill: lists first, then by parameters.

    `operations` keeps only the operation paths it accepts; `values` adds parameter values
    known beforehand (name -> values).
    """
    schema = _schema(client)
    values = {name: [str(v) for v in found] for name, found in (values or {}).items()}
    for visit in pages:
        resolved = route_of(visit.url)
        if resolved and visit.status == 200:
            for name, value in resolved[1].items():
                _harvest(values, name, [value])
    paths = sorted(
        (
            path
            for path, item in schema["paths"].items()
            if "get" in item and (operations is None or operations(path))
        ),
        key=lambda p: (p.count("{"), p),
    )
    visits: list[Visit] = []
    for path in paths:
        operation = schema["paths"][path]["get"]
        required_query = [
            p["name"]
            for p in operation.get("parameters", [])
            if p.get("in") == "query" and p.get("required")
        ]
        if required_query:
            continue  # nothing to fill them with that would not be a guess
        for fill in _fills(path, values, per_operation) if "{" in path else [{}]:
            url = path
            for name, value in fill.items():
                url = url.replace(f"{{{name}}}", value)
            response, seconds, error = fetch(client, url)
            visits.append(
                Visit(
                    role=role,
                    url=url,
                    route=path,
                    status=response.status_code,
                    content_type=response.get("Content-Type", ""),
                    seconds=seconds,
                    error=error,
                )
            )
            if response.status_code == 200 and response.get("Content-Type", "").startswith(
                "application/json"
            ):
                _harvest_items(values, path, json.loads(response.content))
    return visits


_SCHEMA: dict[str, Any] = {}


def _schema(client: Client) -> dict[str, Any]:
    """The OpenAPI document (built once per process: it is the same for every caller)."""
    if not _SCHEMA:
        _SCHEMA.update(client.get("/api/openapi.json").json())
    return _SCHEMA


def _harvest_items(values: dict[str, list[str]], path: str, body: Any) -> None:
    """Ids and slugs of a list's items, as the parameter of the operation one level down.

    `/api/relationships` lists relationships: their ids fill `{relationship_id}`; a list
    under `/api/programs` fills `{slug}` with the programs' slugs.
    """
    items = body.get("items", body.get("results")) if isinstance(body, dict) else body
    if not isinstance(items, list):
        return
    last = path.rstrip("/").rsplit("/", 1)[-1]
    singular = last[:-1] if last.endswith("s") else last
    rows = [item for item in items if isinstance(item, dict)]
    _harvest(values, f"{singular}_id", (r["id"] for r in rows if "id" in r))
    _harvest(values, "slug", (r["slug"] for r in rows if "slug" in r))


def crawl(
    client: Client,
    role: str,
    *,
    per_route: int = DEFAULT_PER_ROUTE,
    limits: Mapping[str, int] | None = None,
    spent: Counter[str] | None = None,
) -> Crawl:
    """Pages, then API calls, for one logged-in role."""
    began = time.perf_counter()
    result = Crawl(role=role)
    result.pages = crawl_pages(client, role, per_route=per_route, limits=limits, spent=spent)
    result.api = crawl_api(client, role, result.pages, per_operation=per_route)
    result.seconds = time.perf_counter() - began
    return result
