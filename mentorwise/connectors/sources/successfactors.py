"""SAP SuccessFactors: the OData v2 API, entities `User` (names, e-mail, hire date, time
zone) and `EmpJob` (job level from the pay grade, manager, department, division, location,
title, and the termination event's reason).

`GET {base}/odata/v2/User?$format=json&$select=...` with basic auth `user@companyId` answers
`{"d": {"results": [...], "__next": "<next page URL>"}}`; every page is read (the next
page's URL must stay on the same server) before anything is imported. Delta runs filter both
entities on `lastModifiedDateTime ge datetime'...'` and then read the other entity for the
people only one of them returned.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from typing import Any

from django.utils.translation import gettext as _

from mentorwise.connectors.canonical import (
    COLUMNS,
    Fetched,
    PayloadError,
    build_row,
    date_text,
    level_text,
    record_name,
    termination_kind,
)
from mentorwise.connectors.http import FetchError, basic_auth
from mentorwise.connectors.sources import Job

USER_FIELDS: dict[str, str] = {
    "employee_id": "userId",
    "first_name": "firstName",
    "last_name": "lastName",
    "email": "email",
    "time_zone": "timeZone",
    "hire_date": "hireDate",
}
JOB_FIELDS: dict[str, str] = {
    "title": "jobTitle",
    "job_level": "payGrade",
    "department": "department",
    "function": "division",
    "location": "location",
    "manager_id": "managerId",
    # The termination: EmpJob's current record is the termination event (event 26 or an
    # emplStatus of T); its start date is the termination date, its eventReason the kind.
    "termination_date": "startDate",
    "termination_kind": "eventReason",
}
TERMINATION_EVENTS = {"26", "T", "TERMINATION"}
PAGE_SIZE = 500
IN_CHUNK = 50


def authorization(job: Job) -> str:
    return basic_auth(f"{job.connector.username}@{job.connector.tenant}", job.secret)


def _url(job: Job, entity: str, select: list[str], filters: str = "", top: int = PAGE_SIZE) -> str:
    query = {"$format": "json", "$select": ",".join(select), "$top": str(top)}
    if filters:
        query["$filter"] = filters
    return f"{job.base}/odata/v2/{entity}?{urllib.parse.urlencode(query, safe='$,')}"


def _pages(job: Job, url: str, fetched: Fetched, *, limit: int | None = None) -> list[Any]:
    """Every result of every page (or of the first `limit` pages)."""
    origin = urllib.parse.urlsplit(url)[:2]
    results: list[Any] = []
    pages = 0
    while url:
        where = url.split("?")[0]
        data = job.http.get(url).json(where)
        pages += 1
        fetched.pages += 1
        body = data.get("d") if isinstance(data, dict) else None
        if not isinstance(body, dict) or not isinstance(body.get("results"), list):
            raise PayloadError(
                _("%(url)s answered no d.results list (page %(page)s).")
                % {"url": where, "page": pages}
            )
        results.extend(body["results"])
        url = str(body.get("__next") or "")
        if url and urllib.parse.urlsplit(url)[:2] != origin:
            raise FetchError(
                _("The next page is on another server (%(url)s): refused.")
                % {"url": url.split("?")[0]}
            )
        if limit is not None and pages >= limit:
            break
    return results


def _since(job: Job) -> str:
    since = job.since or dt.datetime.min.replace(tzinfo=dt.UTC)
    moment = since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return f"lastModifiedDateTime ge datetime'{moment}'"


def _in(ids: list[str]) -> str:
    quoted = ",".join("'" + i.replace("'", "''") + "'" for i in ids)
    return f"userId in {quoted}"


def _by_user(
    job: Job, entity: str, select: list[str], ids: list[str], fetched: Fetched
) -> list[Any]:
    out: list[Any] = []
    for start in range(0, len(ids), IN_CHUNK):
        url = _url(job, entity, select, _in(ids[start : start + IN_CHUNK]))
        out.extend(_pages(job, url, fetched))
    return out


def fetch(job: Job) -> Fetched:
    fetched = Fetched()
    user_map = job.mapping(USER_FIELDS)
    job_map = job.mapping(JOB_FIELDS)
    user_select = sorted({v for v in user_map.values() if v})
    job_select = sorted({v for v in job_map.values() if v} | {"userId", "event", "emplStatus"})
    filters = _since(job) if job.since is not None else ""
    users = _pages(job, _url(job, "User", user_select, filters), fetched)
    jobs = _pages(job, _url(job, "EmpJob", job_select, filters), fetched)
    if job.since is not None:
        # A change to one entity only: read the other for those people too.
        user_ids = {str(u.get("userId", "")) for u in users}
        job_ids = {str(j.get("userId", "")) for j in jobs}
        users += _by_user(job, "User", user_select, sorted(job_ids - user_ids - {""}), fetched)
        jobs += _by_user(job, "EmpJob", job_select, sorted(user_ids - job_ids - {""}), fetched)
    by_user = {str(j.get("userId", "")): j for j in jobs if isinstance(j, dict)}
    for index, user in enumerate(users, start=1):
        if not isinstance(user, dict):
            raise PayloadError(_("User %(index)s is not an object.") % {"index": index})
        key = str(user.get(user_map["employee_id"], ""))
        row = build_row(user, user_map, record_label=record_name("User", index, key))
        emp_job = by_user.get(key, {})
        job_row = build_row(emp_job, job_map, record_label="", required=())
        terminated = (
            str(emp_job.get("event", "")).upper() in TERMINATION_EVENTS
            or str(emp_job.get("emplStatus", "")).upper() in TERMINATION_EVENTS
        )
        job_row["job_level"] = level_text(job_row.get("job_level", ""))
        end = date_text(job_row.get("termination_date", "")) if terminated else ""
        job_row["termination_date"] = end
        job_row["termination_kind"] = termination_kind(job_row.get("termination_kind", ""), end)
        row.update(job_row)
        row["hire_date"] = date_text(row.get("hire_date", ""))
        fetched.rows.append(row)
    fetched.columns = tuple(c for c in COLUMNS if (user_map | job_map).get(c))
    return fetched


def probe(job: Job) -> str:
    fetched = Fetched()
    users = _pages(job, _url(job, "User", ["userId"], top=100), fetched, limit=1)
    return _("Signed in and read the first page of User: %(n)s records.") % {"n": f"{len(users):,}"}
