"""What every connector produces: canonical rows in the importer's CSV columns
(docs/import.md), and the helpers that turn vendor values into them.

A connector never writes people: it hands these rows, as a CSV, to the people import.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from mentorwise.connectors.http import FetchError
from mentorwise.people.columns import CANONICAL_COLUMNS

# The columns the HTTP connectors fill (SFTP files keep their own header): the import's
# canonical columns without what an HRIS report does not carry here (languages, when someone
# became a manager, the high-potential flag) and without demographics, which are
# self-identified and never read from an HRIS by a connector.
NOT_FROM_CONNECTORS = frozenset(
    {"languages", "manager_since", "high_potential", "gender", "ethnicity"}
)
COLUMNS: tuple[str, ...] = tuple(c for c in CANONICAL_COLUMNS if c not in NOT_FROM_CONNECTORS)
REQUIRED: tuple[str, ...] = ("employee_id", "first_name", "last_name", "email")


@dataclass
class Fetched:
    """One run's fetch: every record of every page, before anything is imported."""

    rows: list[dict[str, str]] = field(default_factory=list)
    columns: tuple[str, ...] = COLUMNS
    pages: int = 0
    raw_csv: bytes | None = None  # SFTP: the file itself, in the importer's format
    source_file: str = ""
    signature: dict[str, Any] = field(default_factory=dict)  # SFTP: name, size, mtime
    nothing_new: bool = False

    @property
    def records(self) -> int:
        return len(self.rows) if self.raw_csv is None else max(self.raw_csv.count(b"\n") - 1, 0)

    def csv_bytes(self) -> bytes:
        if self.raw_csv is not None:
            return self.raw_csv
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(self.columns), lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        return out.getvalue().encode("utf-8")


class PayloadError(FetchError):
    """A record the connector cannot turn into a row (a missing required field...)."""


def record_name(kind: str, index: int, key: str | None) -> str:
    """'Report_Entry 12 (E1001)': how an error names the record."""
    if key:
        return _("%(kind)s %(index)s (%(key)s)") % {"kind": kind, "index": index, "key": key}
    return _("%(kind)s %(index)s") % {"kind": kind, "index": index}


def missing_field(record: str, field_name: str) -> PayloadError:
    return PayloadError(
        _("%(record)s has no %(field)s: a required field is missing.")
        % {"record": record, "field": field_name}
    )


def pick(record: Mapping[str, Any], name: str) -> str:
    """A vendor field as text ('' when absent or null); dotted names read nested objects."""
    value: Any = record
    for part in name.split("."):
        if not isinstance(value, Mapping):
            return ""
        value = value.get(part)
    if value is None:
        return ""
    if isinstance(value, Mapping):
        # Workday RaaS gives references as {"Descriptor": ..., "ID": ...}.
        value = value.get("ID") or value.get("Descriptor") or value.get("id") or ""
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return str(value).strip()


def build_row(
    record: Mapping[str, Any],
    mapping: Mapping[str, str],
    *,
    record_label: str,
    required: Iterable[str] = REQUIRED,
) -> dict[str, str]:
    """The canonical row of one vendor record: `mapping` names the vendor field of each
    column; a required one missing is an error naming the record and the vendor field."""
    row = {column: pick(record, source) for column, source in mapping.items() if source}
    for column in required:
        if not row.get(column):
            raise missing_field(record_label, mapping.get(column, column))
    return row


_ODATA_DATE = re.compile(r"/Date\((-?\d+)([+-]\d{4})?\)/")
_ISO_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")


def date_text(value: str) -> str:
    """A vendor date as YYYY-MM-DD: '2019-04-01', '2019-04-01-07:00' (Workday),
    '2019-04-01T00:00:00Z', '/Date(1554076800000)/' (OData v2); '' stays ''."""
    if not value:
        return ""
    odata = _ODATA_DATE.search(value)
    if odata:
        moment = dt.datetime.fromtimestamp(int(odata.group(1)) / 1000, tz=dt.UTC)
        return moment.date().isoformat()
    iso = _ISO_DATE.match(value)
    if iso:
        return iso.group(1)
    return value  # the importer reports what it cannot read, with the row


def level_text(value: str) -> str:
    """A job level as a number: '7', 'L7', 'GR-07', 'Level 7' -> '7'; '' stays ''."""
    found = re.findall(r"\d+", value or "")
    return str(int(found[-1])) if found else value


# Vendor termination reasons -> the importer's kinds. Read in this order (involuntary before
# voluntary, which it contains); a reason none of these match is recorded as unknown.
_KIND_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "involuntary",
        ("involuntary", "invol", "dismiss", "for cause", "layoff", "laid off", "redundan",
         "terminated by", "performance", "misconduct", "termination_by_company"),
    ),
    ("voluntary", ("voluntary", "resign", "quit", "new job", "better opportunity", "tervol")),
    ("other", ("retire", "death", "deceased", "end of contract", "contract end", "transfer",
               "other", "medical", "relocation")),
)  # fmt: skip


def termination_kind(reason: str, date: str) -> str:
    """The importer's termination_kind for a vendor reason: voluntary, involuntary, other or
    unknown ('' while the person has no termination date)."""
    if not date:
        return ""
    text = reason.strip().lower().replace("-", " ")
    if not text:
        return "unknown"
    for kind, words in _KIND_WORDS:
        if any(word in text for word in words):
            return kind
    return "unknown"
