"""Workday: a custom report exposed as a web service (RaaS), read over HTTPS as JSON or CSV.

`GET {base}/ccx/service/customreport2/{tenant}/{owner}/{report}?format=json` with the
integration system user's basic auth answers `{"Report_Entry": [...]}`, one entry per
worker, with the fields the report names (Workday leaves empty fields out). Delta runs pass
the report's prompt (`Updated_From` unless set) with the last successful run's time. A report
is one response: there are no pages.
"""

from __future__ import annotations

import csv
import io
import urllib.parse
from typing import Any

from django.utils.translation import gettext as _

from mentorwise.connectors.canonical import (
    Fetched,
    PayloadError,
    build_row,
    date_text,
    level_text,
    record_name,
    termination_kind,
)
from mentorwise.connectors.http import basic_auth
from mentorwise.connectors.sources import Job

# Canonical column -> report field (the column alias in the report definition).
FIELDS: dict[str, str] = {
    "employee_id": "Employee_ID",
    "first_name": "First_Name",
    "last_name": "Last_Name",
    "email": "Email_Address",
    "title": "Business_Title",
    "job_level": "Job_Level",
    "department": "Supervisory_Organization",
    "function": "Job_Family_Group",
    "location": "Location",
    "time_zone": "Time_Zone",
    "manager_id": "Manager_Employee_ID",
    "hire_date": "Hire_Date",
    "termination_date": "Termination_Date",
    "termination_kind": "Termination_Reason",
}


def authorization(job: Job) -> str:
    return basic_auth(job.connector.username, job.secret)


def report_url(job: Job, *, since: bool = True) -> str:
    connector = job.connector
    fmt = connector.report_format if connector.report_format in ("json", "csv") else "json"
    path = "/".join(urllib.parse.quote(part) for part in connector.path.strip("/").split("/"))
    query = {"format": fmt}
    if since and job.since is not None and connector.delta_parameter:
        query[connector.delta_parameter] = job.since.isoformat(timespec="seconds")
    tenant = urllib.parse.quote(connector.tenant)
    url = f"{job.base}/ccx/service/customreport2/{tenant}/{path}"
    return f"{url}?{urllib.parse.urlencode(query)}"


def _entries(job: Job, url: str) -> list[dict[str, Any]]:
    if job.connector.report_format == "csv":
        body = job.http.get(url, accept="text/csv").body.decode("utf-8-sig")
        return list(csv.DictReader(io.StringIO(body)))
    data = job.http.get(url).json(url.split("?")[0])
    entries = data.get("Report_Entry") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise PayloadError(_("The report answered no Report_Entry list."))
    return entries


def fetch(job: Job) -> Fetched:
    mapping = job.mapping(FIELDS)
    entries = _entries(job, report_url(job))
    rows = []
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            raise PayloadError(_("Report_Entry %(index)s is not an object.") % {"index": index})
        label = record_name("Report_Entry", index, str(entry.get(mapping["employee_id"], "")))
        row = build_row(entry, mapping, record_label=label)
        row["job_level"] = level_text(row.get("job_level", ""))
        for column in ("hire_date", "termination_date"):
            row[column] = date_text(row.get(column, ""))
        row["termination_kind"] = termination_kind(
            row.get("termination_kind", ""), row["termination_date"]
        )
        rows.append(row)
    return Fetched(rows=rows, pages=1, columns=tuple(c for c in mapping if mapping[c]))


def probe(job: Job) -> str:
    entries = _entries(job, report_url(job, since=False))
    return _("Signed in and read the report: %(n)s workers.") % {"n": f"{len(entries):,}"}
