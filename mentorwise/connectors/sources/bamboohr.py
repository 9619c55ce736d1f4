"""BambooHR: the employee directory (the test-connection read) and a custom report with
the fields a run needs, over the REST API with the API key as basic-auth user ("x" as the
password).

- `GET {base}/api/gateway.php/{company}/v1/employees/directory` (Accept: application/json)
- `POST {base}/api/gateway.php/{company}/v1/reports/custom?format=JSON&onlyCurrent=false`
  with `{"title": ..., "fields": [...]}`, answering `{"employees": [...]}` (terminated people
  included, so that their termination is imported);
- delta runs: `GET .../v1/employees/changed?since=<ISO 8601>` lists who changed; only those
  rows of the report are imported.
The employee id is BambooHR's `id` (what `supervisorEId` refers to). The report is one
response: there are no pages.
"""

from __future__ import annotations

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
from mentorwise.connectors.http import basic_auth
from mentorwise.connectors.sources import Job

DEFAULT_BASE = "https://api.bamboohr.com"
FIELDS: dict[str, str] = {
    "employee_id": "id",
    "first_name": "firstName",
    "last_name": "lastName",
    "email": "workEmail",
    "title": "jobTitle",
    "job_level": "customJobLevel",
    "department": "department",
    "function": "division",
    "location": "location",
    "time_zone": "customTimeZone",
    "manager_id": "supervisorEId",
    "hire_date": "hireDate",
    "termination_date": "terminationDate",
    "termination_kind": "terminationReason",
}


def authorization(job: Job) -> str:
    return basic_auth(job.secret, "x")


def _api(job: Job) -> str:
    base = job.base or DEFAULT_BASE
    return f"{base}/api/gateway.php/{urllib.parse.quote(job.connector.tenant)}/v1"


def _changed(job: Job, fetched: Fetched) -> set[str]:
    since = urllib.parse.quote(job.since.isoformat(timespec="seconds") if job.since else "")
    url = f"{_api(job)}/employees/changed?since={since}"
    data = job.http.get(url).json(url.split("?")[0])
    fetched.pages += 1
    employees = data.get("employees") if isinstance(data, dict) else None
    if not isinstance(employees, dict):
        raise PayloadError(_("employees/changed answered no employees object."))
    # "Deleted" records are gone from BambooHR: nothing to import for them.
    return {
        str(key)
        for key, change in employees.items()
        if not (isinstance(change, dict) and change.get("action") == "Deleted")
    }


def _report(job: Job, mapping: dict[str, str], fetched: Fetched) -> list[Any]:
    url = f"{_api(job)}/reports/custom?format=JSON&onlyCurrent=false"
    fields = sorted({source for source in mapping.values() if source} | {"status"})
    body = {"title": "Mentorwise", "fields": fields}
    data = job.http.send("POST", url, body=body).json(url.split("?")[0])
    fetched.pages += 1
    employees = data.get("employees") if isinstance(data, dict) else None
    if not isinstance(employees, list):
        raise PayloadError(_("The custom report answered no employees list."))
    return employees


def fetch(job: Job) -> Fetched:
    fetched = Fetched()
    mapping = job.mapping(FIELDS)
    changed = _changed(job, fetched) if job.since is not None else None
    employees = _report(job, mapping, fetched)
    for index, employee in enumerate(employees, start=1):
        if not isinstance(employee, dict):
            raise PayloadError(_("Employee %(index)s is not an object.") % {"index": index})
        key = str(employee.get(mapping["employee_id"], "") or "")
        if changed is not None and key not in changed:
            continue
        row = build_row(employee, mapping, record_label=record_name("Employee", index, key))
        row["job_level"] = level_text(row.get("job_level", ""))
        # BambooHR writes an empty date as 0000-00-00.
        for column in ("hire_date", "termination_date"):
            value = row.get(column, "")
            row[column] = "" if value.startswith("0000") else date_text(value)
        row["termination_kind"] = termination_kind(
            row.get("termination_kind", ""), row["termination_date"]
        )
        fetched.rows.append(row)
    fetched.columns = tuple(c for c in COLUMNS if mapping.get(c))
    return fetched


def probe(job: Job) -> str:
    url = f"{_api(job)}/employees/directory"
    data = job.http.get(url).json(url)
    employees = data.get("employees") if isinstance(data, dict) else None
    if not isinstance(employees, list):
        raise PayloadError(_("The directory answered no employees list."))
    return _("Signed in and read the directory: %(n)s employees.") % {"n": f"{len(employees):,}"}
