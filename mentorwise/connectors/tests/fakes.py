"""Vendor-shaped payloads built from the synthetic organization (people.generator), so that
the expected import is known: the generator's own rows, in the canonical columns a
connector fills. And the fake servers' request handlers (pytest-httpserver)."""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.parse
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug import Request, Response

from mentorwise.people.generator import SyntheticOrg, generate_org

SECRET = "s3cr3t-Pa55-word-zq"  # never in a page, a log line, an audit entry or an export
REASONS = {
    "voluntary": ("Terminate Employee > Voluntary > Resignation", "TERVOL", "Resignation"),
    "involuntary": ("Terminate Employee > Involuntary > Performance", "TERINVOL", "Dismissed"),
    "other": ("Terminate Employee > Other > Retirement", "TERRETIRE", "Retirement"),
    "unknown": ("", "", ""),
}


def org(people: int = 40, seed: int = 7) -> SyntheticOrg:
    return generate_org(people, seed)


def canonical(o: SyntheticOrg) -> list[dict[str, str]]:
    """What a connector must end up importing: the generator's rows, the connector's
    columns only (no languages, manager_since, high potential or demographics)."""
    keep = (
        "employee_id", "first_name", "last_name", "email", "title", "job_level", "department",
        "function", "location", "time_zone", "manager_id", "hire_date", "termination_date",
        "termination_kind",
    )  # fmt: skip
    return [{k: row[k] for k in keep} for row in o.rows()]


def workday_entries(rows: Iterable[dict[str, str]]) -> list[dict[str, Any]]:
    """RaaS Report_Entry objects; Workday leaves empty fields out."""
    out = []
    for r in rows:
        entry = {
            "Employee_ID": r["employee_id"],
            "First_Name": r["first_name"],
            "Last_Name": r["last_name"],
            "Email_Address": r["email"],
            "Business_Title": r["title"],
            "Job_Level": r["job_level"],
            "Supervisory_Organization": r["department"],
            "Job_Family_Group": r["function"],
            "Location": r["location"],
            "Time_Zone": r["time_zone"],
            "Manager_Employee_ID": r["manager_id"],
            "Hire_Date": r["hire_date"] + "-08:00",  # Workday dates carry an offset
            "Termination_Date": r["termination_date"],
            "Termination_Reason": REASONS[r["termination_kind"]][0]
            if r["termination_date"]
            else "",
            "Cost_Center": "CC-100",  # an extra field: ignored
        }
        out.append({k: v for k, v in entry.items() if v})
    return out


def _odata_date(text: str) -> str | None:
    if not text:
        return None
    day = dt.date.fromisoformat(text)
    moment = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return f"/Date({int(moment.timestamp() * 1000)})/"


def sf_users(rows: Iterable[dict[str, str]]) -> list[dict[str, Any]]:
    return [
        {
            "__metadata": {"uri": f"User('{r['employee_id']}')", "type": "SFOData.User"},
            "userId": r["employee_id"],
            "firstName": r["first_name"],
            "lastName": r["last_name"],
            "email": r["email"],
            "timeZone": r["time_zone"],
            "hireDate": _odata_date(r["hire_date"]),
            "lastModifiedDateTime": "/Date(1700000000000)/",
        }
        for r in rows
    ]


def sf_jobs(rows: Iterable[dict[str, str]]) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        ended = bool(r["termination_date"])
        out.append(
            {
                "__metadata": {"type": "SFOData.EmpJob"},
                "userId": r["employee_id"],
                "jobTitle": r["title"],
                "payGrade": f"GR-{int(r['job_level']):02d}",
                "department": r["department"],
                "division": r["function"],
                "location": r["location"],
                "managerId": r["manager_id"] or None,
                "event": "26" if ended else "5",
                "emplStatus": "T" if ended else "A",
                "eventReason": REASONS[r["termination_kind"]][1] if ended else "DATACHG",
                "startDate": _odata_date(r["termination_date"]) if ended else "/Date(0)/",
            }
        )
    return out


def bamboo_report(rows: Iterable[dict[str, str]]) -> list[dict[str, Any]]:
    return [
        {
            "id": r["employee_id"],
            "firstName": r["first_name"],
            "lastName": r["last_name"],
            "workEmail": r["email"],
            "jobTitle": r["title"],
            "customJobLevel": r["job_level"],
            "department": r["department"],
            "division": r["function"],
            "location": r["location"],
            "customTimeZone": r["time_zone"],
            "supervisorEId": r["manager_id"] or None,
            "hireDate": r["hire_date"],
            "terminationDate": r["termination_date"] or "0000-00-00",
            "terminationReason": REASONS[r["termination_kind"]][2]
            if r["termination_date"]
            else None,
            "status": "Inactive" if r["termination_date"] else "Active",
        }
        for r in rows
    ]


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        json.dumps(data), status=status, headers=headers, content_type="application/json"
    )


def odata_handler(
    entity_rows: dict[str, list[dict[str, Any]]],
    *,
    page_size: int,
    base_url: str,
    log: list[str] | None = None,
    fail: Callable[[Request, int], Response | None] | None = None,
) -> Callable[[Request], Response]:
    """A SuccessFactors OData v2 fake: `$filter` on lastModifiedDateTime (the records whose
    entity row carries `_changed`), `userId in ...`, `$top`, `$skiptoken` paging with
    `d.__next`. `fail(request, page)` may answer instead (an error on a given page)."""

    def handler(request: Request) -> Response:
        entity = request.path.rsplit("/", 1)[-1]
        records = entity_rows[entity]
        args = request.args
        if log is not None:
            log.append(request.full_path)
        page = int(args.get("$skiptoken", "0"))
        if fail is not None:
            answer = fail(request, page)
            if answer is not None:
                return answer
        text = args.get("$filter", "")
        if "lastModifiedDateTime" in text:
            records = [r for r in records if r.get("_changed")]
        elif text.startswith("userId in "):
            wanted = set(re.findall(r"'([^']*)'", text))
            records = [r for r in records if r["userId"] in wanted]
        top = min(int(args.get("$top", "1000")), page_size)
        chunk = records[page * top : (page + 1) * top]
        selected = args.get("$select", "").split(",")
        results = [
            {k: v for k, v in r.items() if k in selected or k == "__metadata"} for r in chunk
        ]
        body: dict[str, Any] = {"results": results}
        if (page + 1) * top < len(records):
            query = {k: v for k, v in args.items() if k != "$skiptoken"}
            query["$skiptoken"] = str(page + 1)
            body["__next"] = f"{base_url}{request.path}?{urllib.parse.urlencode(query)}"
        return json_response({"d": body})

    return handler
