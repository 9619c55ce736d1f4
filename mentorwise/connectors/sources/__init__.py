"""One module per kind of source. Each gives `fetch(job)` (every page, then the rows) and
`probe(job)` (authenticate and read one page: what the test-connection action says)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

from mentorwise.connectors.http import HttpClient

if TYPE_CHECKING:
    from mentorwise.connectors.models import Connector


@dataclass
class Job:
    connector: Connector
    secret: str
    since: dt.datetime | None  # delta runs: changes since then; None reads everything
    http: HttpClient

    def mapping(self, defaults: dict[str, str]) -> dict[str, str]:
        """The vendor field of each column: the defaults with the connector's overrides."""
        overrides = self.connector.field_map or {}
        return {column: str(overrides.get(column, source)) for column, source in defaults.items()}

    @property
    def base(self) -> str:
        return self.connector.base_url.rstrip("/")


def source_module(kind: str) -> ModuleType:
    from mentorwise.connectors.sources import bamboohr, sftp, successfactors, workday

    return {
        "workday": workday,
        "successfactors": successfactors,
        "bamboohr": bamboohr,
        "sftp": sftp,
    }[kind]
