"""The inclusion option is HR-admin configuration: service, API and program editor."""

from __future__ import annotations

from typing import Any

import pytest

from conftest import api_client, page_client
from mentorwise.core.errors import Forbidden, InvalidInput
from mentorwise.core.models import AuditEntry
from mentorwise.programs import services
from mentorwise.programs.inclusion import inclusion_of
from mentorwise.programs.models import Program

pytestmark = pytest.mark.django_db

JUSTIFICATION = "Promotion rates of women at level 6 lag by 9 points."
ON = {
    "enabled": True,
    "justification": JUSTIFICATION,
    "groups": ["gender:woman"],
    "senior_level": 8,
    "weight": 2,
}


def with_inclusion(program: Program, inclusion: dict[str, Any] | None) -> dict[str, Any]:
    options = {k: v for k, v in program.matching["options"].items() if k != "inclusion"}
    if inclusion is not None:
        options["inclusion"] = inclusion
    return {"criteria": program.matching["criteria"], "options": options}


def update(actor: Any, program: Program, matching: dict[str, Any]) -> Program:
    return services.program_update(
        actor=actor, program=program, changes=services.ProgramChanges(matching=matching)
    )


def test_hr_admin_sets_the_whole_option_and_it_is_audited(program, hr_admin) -> None:
    update(hr_admin, program, with_inclusion(program, ON))
    program.refresh_from_db()
    assert program.matching["options"]["inclusion"] == ON
    (entry,) = AuditEntry.objects.filter(action="program.inclusion_set")
    assert entry.actor == hr_admin and entry.data["groups"] == ["gender:woman"]


@pytest.mark.parametrize(
    "change",
    [
        {"enabled": True, "justification": JUSTIFICATION, "groups": ["gender:woman"]},
        {"groups": ["gender:man"]},
        {"groups": ["ethnicity:black"]},
        {"weight": 10},
        {"senior_level": 1},
        {"justification": JUSTIFICATION + " Revised."},
        {"enabled": False},
    ],
    ids=["enable", "groups-men", "groups-ethnicity", "weight", "senior-level", "why", "disable"],
)
def test_program_manager_cannot_change_any_part_of_the_option(
    program, hr_admin, program_manager, change
) -> None:
    if change.get("enabled") is not True:
        update(hr_admin, program, with_inclusion(program, ON))
        program.refresh_from_db()
    before = dict(program.matching)
    current = inclusion_of(program.matching).as_config()
    with pytest.raises(Forbidden, match="Only HR admins may change the inclusion option"):
        update(program_manager, program, with_inclusion(program, {**current, **change}))
    program.refresh_from_db()
    assert program.matching == before
    assert not AuditEntry.objects.filter(action="program.updated", actor=program_manager).exists()


def test_program_manager_changes_other_settings_and_the_option_stays(
    program, hr_admin, program_manager
) -> None:
    update(hr_admin, program, with_inclusion(program, ON))
    program.refresh_from_db()
    # Left out: kept as it is. Sent back unchanged (as GET returned it): accepted too.
    matching = with_inclusion(program, None)
    matching["options"]["min_score"] = 0.3
    update(program_manager, program, matching)
    program.refresh_from_db()
    assert program.matching["options"]["min_score"] == 0.3
    assert program.matching["options"]["inclusion"] == ON
    update(program_manager, program, program.matching)
    assert Program.objects.get(pk=program.pk).matching["options"]["inclusion"] == ON


def test_the_option_is_validated_with_every_error_at_once(program, hr_admin) -> None:
    bad = {
        "enabled": True,
        "justification": "short",
        "groups": ["gender:prefer_not_to_say", "age:old"],
        "senior_level": 0,
        "weight": 11,
        "colour": "red",
    }
    with pytest.raises(InvalidInput) as caught:
        update(hr_admin, program, with_inclusion(program, bad))
    fields = [e.field for e in caught.value.errors]
    for name in ("justification", "groups", "senior_level", "weight", "colour"):
        assert f"matching.options.inclusion.{name}" in fields
    assert fields.count("matching.options.inclusion.groups") == 2
    with pytest.raises(InvalidInput, match="name at least one group"):
        update(hr_admin, program, with_inclusion(program, {**ON, "groups": []}))
    assert "inclusion" not in Program.objects.get(pk=program.pk).matching["options"]


def test_api_patch_by_a_manager_is_refused_and_by_hr_accepted(
    program, hr_admin, program_manager
) -> None:
    body = {"matching": with_inclusion(program, ON)}
    manager = api_client(program_manager, scope="admin")
    response = manager.patch(f"/api/programs/{program.slug}", body, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "inclusion_hr_only"
    assert "inclusion" not in Program.objects.get(pk=program.pk).matching["options"]
    hr = api_client(hr_admin, scope="admin")
    response = hr.patch(f"/api/programs/{program.slug}", body, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["matching"]["options"]["inclusion"]["groups"] == ["gender:woman"]


def _editor_post(program: Program, **extra: Any) -> dict[str, Any]:
    return {
        "name": program.name,
        "status": program.status,
        "objectives": program.objectives,
        "meeting_cadence_days": program.meeting_cadence_days,
        "function_preference": "different",
        **{f"weight__{k}": v for k, v in program.matching["criteria"].items()},
        **extra,
    }


def test_program_editor_shows_managers_the_option_read_only_and_ignores_posted_values(
    program, hr_admin, program_manager
) -> None:
    update(hr_admin, program, with_inclusion(program, ON))
    program.refresh_from_db()
    client = page_client(program_manager)
    page = client.get(f"/programs/{program.slug}/edit/").content.decode()
    assert 'name="inclusion_' not in page
    assert "set by an HR admin" in page and JUSTIFICATION in page
    response = client.post(
        f"/programs/{program.slug}/edit/",
        _editor_post(
            program,
            inclusion_justification=JUSTIFICATION,
            inclusion_groups=["gender:man"],
            inclusion_senior_level="1",
            inclusion_weight="10",
        ),
    )
    assert response.status_code == 302  # saved: the other fields were the manager's to change
    assert Program.objects.get(pk=program.pk).matching["options"]["inclusion"] == ON


def test_program_editor_lets_hr_admins_set_the_option(program, hr_admin) -> None:
    client = page_client(hr_admin)
    page = client.get(f"/programs/{program.slug}/edit/").content.decode()
    assert 'name="inclusion_groups"' in page
    response = client.post(
        f"/programs/{program.slug}/edit/",
        _editor_post(
            program,
            inclusion_enabled="on",
            inclusion_justification=JUSTIFICATION,
            inclusion_groups=["ethnicity:black", "gender:woman"],
            inclusion_senior_level="8",
            inclusion_weight="2",
        ),
    )
    assert response.status_code == 302
    stored = Program.objects.get(pk=program.pk).matching["options"]["inclusion"]
    assert stored == {**ON, "groups": ["ethnicity:black", "gender:woman"]}
    # Switched on without a group: the error is on the field.
    response = client.post(
        f"/programs/{program.slug}/edit/",
        _editor_post(program, inclusion_enabled="on", inclusion_justification=JUSTIFICATION),
    )
    assert response.status_code == 200
    assert "name at least one group" in response.content.decode()
