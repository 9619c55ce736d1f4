"""The schemathesis contract tests' shared setup: the schema, data, tokens and settings."""

from __future__ import annotations

import os
from typing import Any

import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from mentorwise.accounts.models import TokenScope
from mentorwise.accounts.services import api_token_create
from mentorwise.api.api import api

EXAMPLES = int(os.environ.get("MENTORWISE_SCHEMATHESIS_EXAMPLES", "8"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
schema.app = get_wsgi_application()


def _token(user: Any, scope: str = TokenScope.ADMIN) -> dict[str, str]:
    _, raw = api_token_create(actor=user, name="schemathesis", scope=scope)
    return {"Authorization": f"Bearer {raw}"}


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
# Without schemathesis's boundary-value (explicit) phase: for the repeated runs by other roles.
QUICK = settings(SETTINGS, max_examples=max(2, EXAMPLES // 2), phases=[Phase.generate])


def _use_known_ids(case: Any, data: Any, known: dict[str, Any]) -> None:
    for name in list(case.path_parameters or {}):
        if name in known and data.draw(st.booleans(), label=f"real {name}"):
            case.path_parameters[name] = known[name]
