"""Who may manage and run HR connectors: HR admins only (as for the import they feed);
`None` is the system (the command line and the schedule, run by an operator)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.connectors.models import Connector, ConnectorRun
from mentorwise.core.errors import Forbidden, NotFound
from mentorwise.core.queries import one_or_none


def can_manage_connectors(actor: Actor) -> bool:
    return actor is None or is_hr_admin(actor)


def require_can_manage(actor: Actor) -> None:
    if not can_manage_connectors(actor):
        raise Forbidden(_("Only HR admins may manage HR connectors."))


def connectors_visible_to(actor: Actor) -> QuerySet[Connector]:
    return Connector.objects.all() if can_manage_connectors(actor) else Connector.objects.none()


def access_connector(*, actor: Actor, connector_id: int) -> Connector:
    """The connector if the actor manages connectors; NotFound otherwise (same answer)."""
    connector = one_or_none(connectors_visible_to(actor).filter(pk=connector_id))
    if connector is None:
        raise NotFound(_("No such connector."))
    return connector


def access_connector_run(*, actor: Actor, run_id: int) -> ConnectorRun:
    runs = ConnectorRun.objects.select_related("connector", "import_run")
    run = one_or_none(runs.filter(pk=run_id)) if can_manage_connectors(actor) else None
    if run is None:
        raise NotFound(_("No such connector run."))
    return run
