"""Who may install, refresh and remove the Slack app: HR admins only; `None` is the system
(the command line). Everyone else is told the page does not exist."""

from __future__ import annotations

from django.utils.translation import gettext as _

from mentorwise.accounts.actors import Actor
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.core.errors import Forbidden, NotFound
from mentorwise.core.queries import one_or_none
from mentorwise.slack.models import SlackWorkspace


def can_manage_slack(actor: Actor) -> bool:
    return actor is None or is_hr_admin(actor)


def require_can_manage(actor: Actor) -> None:
    if not can_manage_slack(actor):
        raise Forbidden(_("Only HR admins may manage the Slack app."))


def access_workspace(*, actor: Actor, workspace_id: int) -> SlackWorkspace:
    """The workspace if the actor manages Slack; NotFound otherwise (the same answer)."""
    found = (
        one_or_none(SlackWorkspace.objects.filter(pk=workspace_id))
        if can_manage_slack(actor)
        else None
    )
    if found is None:
        raise NotFound(_("No such Slack workspace."))
    return found
