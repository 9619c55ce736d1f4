"""SCIM and career history: the Mentorwise person extension (job level, function, hire date,
termination date and kind) read and written, refused values named, and the career events
that provisioning records (promotions, demotions, moves, terminations, rehires), once."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from conftest import make_person
from mentorwise.people.models import CareerEvent, Person
from mentorwise.scim.tests.conftest import ScimClient

pytestmark = pytest.mark.django_db

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PERSON = "urn:mentorwise:params:scim:schemas:extension:person:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def user(**person: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "schemas": [USER, ENTERPRISE, PERSON],
        "userName": "ana.lopez@example.com",
        "name": {"givenName": "Ana", "familyName": "Lopez"},
        "emails": [{"primary": True, "value": "ana.lopez@example.com", "type": "work"}],
        "active": True,
        ENTERPRISE: {"employeeNumber": "E-100", "department": "Finance"},
        PERSON: {"jobLevel": 4, "function": "Finance", "hireDate": "2020-02-03", **person},
    }
    return body


def patch(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH], "Operations": list(operations)}


def events(person_id: int) -> list[tuple[Any, ...]]:
    return list(
        CareerEvent.objects.filter(person_id=person_id)
        .order_by("date", "pk")
        .values_list("kind", "date", "from_level", "to_level", "to_function", "termination_kind")
    )


@pytest.fixture
def ana(scim: ScimClient) -> int:
    response = scim.post("/Users", user())
    assert response.status_code == 201, response.payload
    return int(response.payload["id"])


def test_the_extension_round_trips(scim: ScimClient, ana: int) -> None:
    body = scim.get(f"/Users/{ana}").payload
    assert PERSON in body["schemas"]
    assert body[PERSON] == {"jobLevel": 4, "function": "Finance", "hireDate": "2020-02-03"}
    person = Person.objects.get(pk=ana)
    assert (person.job_level, person.function, person.hire_date) == (
        4,
        "Finance",
        dt.date(2020, 2, 3),
    )
    assert events(ana) == []  # creating someone is not a career step

    replaced = scim.put(
        f"/Users/{ana}",
        {**user(terminationDate="2026-01-31", terminationKind="voluntary"), "active": False},
    )
    assert replaced.status_code == 200, replaced.payload
    assert replaced.payload[PERSON]["terminationDate"] == "2026-01-31"
    assert replaced.payload[PERSON]["terminationKind"] == "voluntary"
    assert replaced.payload["active"] is False


def test_people_from_the_hris_show_their_level_and_function(scim: ScimClient) -> None:
    person = make_person(job_level=6, function="Sales", hire_date=dt.date(2019, 1, 7))
    body = scim.get(f"/Users/{person.pk}").payload
    assert body[PERSON] == {"jobLevel": 6, "function": "Sales", "hireDate": "2019-01-07"}


def test_patch_level_up_down_and_function(scim: ScimClient, ana: int) -> None:
    today = timezone.localdate()
    up = scim.patch(
        f"/Users/{ana}", patch({"op": "replace", "path": f"{PERSON}:jobLevel", "value": 5})
    )
    assert up.status_code == 200, up.payload
    assert up.payload[PERSON]["jobLevel"] == 5
    scim.patch(f"/Users/{ana}", patch({"op": "replace", "path": f"{PERSON}:jobLevel", "value": 3}))
    scim.patch(
        f"/Users/{ana}",
        patch({"op": "replace", "value": {f"{PERSON}:function": "Engineering"}}),
    )
    assert events(ana) == [
        ("promotion", today, 4, 5, "", ""),
        ("demotion", today, 5, 3, "", ""),
        ("internal_move", today, None, None, "Engineering", ""),
    ]
    assert set(CareerEvent.objects.values_list("source", flat=True)) == {"scim"}


def test_entra_sends_the_level_as_a_string(scim: ScimClient, ana: int) -> None:
    response = scim.patch(
        f"/Users/{ana}",
        patch({"op": "Replace", "path": f"{PERSON}:jobLevel", "value": "7"}),
    )
    assert response.status_code == 200, response.payload
    assert Person.objects.get(pk=ana).job_level == 7


def test_deactivation_without_a_kind_is_unknown(scim: ScimClient, ana: int) -> None:
    today = timezone.localdate()
    scim.patch(f"/Users/{ana}", patch({"op": "replace", "value": {"active": False}}))
    person = Person.objects.get(pk=ana)
    assert (person.termination_date, person.termination_kind) == (today, "unknown")
    assert events(ana) == [("termination", today, None, None, "", "unknown")]


def test_deactivation_with_a_kind(scim: ScimClient, ana: int) -> None:
    today = timezone.localdate()
    response = scim.patch(
        f"/Users/{ana}",
        patch(
            {"op": "replace", "path": "active", "value": False},
            {"op": "add", "path": f"{PERSON}:terminationKind", "value": "involuntary"},
        ),
    )
    assert response.status_code == 200, response.payload
    assert Person.objects.get(pk=ana).termination_kind == "involuntary"
    assert events(ana) == [("termination", today, None, None, "", "involuntary")]


def test_deactivation_keeps_a_recorded_kind(scim: ScimClient) -> None:
    scheduled = timezone.localdate() + dt.timedelta(days=30)
    person = make_person(termination_date=scheduled, termination_kind="voluntary")
    scim.patch(f"/Users/{person.pk}", patch({"op": "replace", "value": {"active": False}}))
    person.refresh_from_db()
    assert (person.termination_date, person.termination_kind) == (
        timezone.localdate(),
        "voluntary",
    )


def test_a_kind_correction_after_deactivation_corrects_the_event(
    scim: ScimClient, ana: int
) -> None:
    today = timezone.localdate()
    scim.patch(f"/Users/{ana}", patch({"op": "replace", "value": {"active": False}}))
    scim.patch(
        f"/Users/{ana}",
        patch({"op": "add", "path": f"{PERSON}:terminationKind", "value": "Voluntary"}),
    )
    assert events(ana) == [("termination", today, None, None, "", "voluntary")]
    assert Person.objects.get(pk=ana).termination_kind == "voluntary"


def test_a_dated_termination_is_on_its_own_day(scim: ScimClient, ana: int) -> None:
    response = scim.patch(
        f"/Users/{ana}",
        patch(
            {
                "op": "add",
                "value": {
                    f"{PERSON}:terminationDate": "2026-02-27",
                    f"{PERSON}:terminationKind": "other",
                },
            }
        ),
    )
    assert response.status_code == 200, response.payload
    assert events(ana) == [("termination", dt.date(2026, 2, 27), None, None, "", "other")]
    assert response.payload["active"] is (dt.date(2026, 2, 27) > timezone.localdate())


def test_delete_is_a_termination_of_unknown_kind(scim: ScimClient, ana: int) -> None:
    assert scim.delete(f"/Users/{ana}").status_code == 204
    assert events(ana) == [("termination", timezone.localdate(), None, None, "", "unknown")]


def test_reactivation_the_same_day_cancels_and_a_later_one_is_a_rehire(
    scim: ScimClient, ana: int
) -> None:
    scim.patch(f"/Users/{ana}", patch({"op": "replace", "value": {"active": False}}))
    scim.patch(f"/Users/{ana}", patch({"op": "replace", "value": {"active": True}}))
    assert events(ana) == []  # a deactivation undone the same day never happened

    left = timezone.localdate() - dt.timedelta(days=10)
    scim.patch(
        f"/Users/{ana}",
        patch({"op": "add", "path": f"{PERSON}:terminationDate", "value": left.isoformat()}),
    )
    # While the provider still says they left on a past day, active true changes nothing.
    still = scim.patch(f"/Users/{ana}", patch({"op": "replace", "value": {"active": True}}))
    assert still.payload["active"] is False
    back = scim.patch(
        f"/Users/{ana}",
        patch(
            {"op": "remove", "path": f"{PERSON}:terminationDate"},
            {"op": "replace", "value": {"active": True}},
        ),
    )
    assert back.payload["active"] is True
    assert [e[:2] for e in events(ana)] == [
        ("termination", left),
        ("rehire", timezone.localdate()),
    ]


def test_the_same_put_twice_records_nothing_new(scim: ScimClient, ana: int) -> None:
    body = {**user(jobLevel=6, function="Sales"), "active": False}
    assert scim.put(f"/Users/{ana}", body).status_code == 200
    recorded = events(ana)
    assert [e[0] for e in recorded] == ["promotion", "internal_move", "termination"]
    assert scim.put(f"/Users/{ana}", body).status_code == 200
    assert scim.put(f"/Users/{ana}", body).status_code == 200
    assert events(ana) == recorded


@pytest.mark.parametrize(
    ("attribute", "value"),
    [
        ("jobLevel", 0),
        ("jobLevel", 11),
        ("jobLevel", "high"),
        ("hireDate", "03/02/2020"),
        ("terminationDate", "2026-02-30"),
        ("terminationKind", "fired"),
    ],
)
def test_bad_values_are_refused_naming_the_attribute(
    scim: ScimClient, ana: int, attribute: str, value: Any
) -> None:
    extra = {"terminationDate": "2026-01-31"} if attribute == "terminationKind" else {}
    response = scim.put(f"/Users/{ana}", user(**{attribute: value, **extra}))
    assert response.status_code == 400, response.payload
    assert response.payload["scimType"] in ("invalidValue", "invalidSyntax")
    assert attribute in response.payload["detail"]
    assert Person.objects.get(pk=ana).job_level == 4  # nothing written


def test_a_kind_without_a_termination_is_refused(scim: ScimClient, ana: int) -> None:
    response = scim.patch(
        f"/Users/{ana}",
        patch({"op": "add", "path": f"{PERSON}:terminationKind", "value": "voluntary"}),
    )
    assert response.status_code == 400
    assert response.payload["scimType"] == "invalidValue"
    assert "terminationKind" in response.payload["detail"]


def test_a_termination_before_the_hire_date_is_refused(scim: ScimClient, ana: int) -> None:
    response = scim.put(f"/Users/{ana}", user(terminationDate="2019-12-31"))
    assert response.status_code == 400
    assert "terminationDate" in response.payload["detail"]


def test_discovery_lists_the_extension(scim: ScimClient) -> None:
    types = scim.get("/ResourceTypes").payload["Resources"]
    extensions = {e["schema"]: e["required"] for e in types[0]["schemaExtensions"]}
    assert extensions == {ENTERPRISE: False, PERSON: False}
    schema = scim.get(f"/Schemas/{PERSON}").payload
    attributes = {a["name"]: a for a in schema["attributes"]}
    assert set(attributes) == {
        "jobLevel",
        "function",
        "hireDate",
        "terminationDate",
        "terminationKind",
    }
    assert attributes["jobLevel"]["type"] == "integer"
    assert attributes["terminationKind"]["canonicalValues"] == [
        "voluntary",
        "involuntary",
        "other",
        "unknown",
    ]
    assert all(a["mutability"] == "readWrite" for a in attributes.values())


def test_leaving_attributes_out_keeps_the_termination(scim: ScimClient, ana: int) -> None:
    # A provider that stops sending terminationDate does not rehire anyone.
    scim.put(f"/Users/{ana}", {**user(terminationDate="2026-01-31"), "active": False})
    scim.put(f"/Users/{ana}", {**user(), "active": False})
    assert Person.objects.get(pk=ana).termination_date == dt.date(2026, 1, 31)
    # Level and function it managed are cleared when left out (as the department is).
    body = user()
    del body[PERSON]
    scim.put(f"/Users/{ana}", {**body, "active": False})
    person = Person.objects.get(pk=ana)
    assert (person.job_level, person.function) == (None, "")
    assert [e[0] for e in events(ana)] == ["termination"]


@pytest.mark.parametrize(
    ("active", "days", "expected"),
    [(True, -10, -10), (False, 30, 0), (False, -10, -10)],
    ids=["enabled-after-leaving", "disabled-before-the-leaving-day", "disabled-after-leaving"],
)
def test_the_same_put_never_flips_between_terminated_and_rehired(
    scim: ScimClient, ana: int, active: bool, days: int, expected: int
) -> None:
    today = timezone.localdate()
    leaving = today + dt.timedelta(days=days)
    body = {**user(terminationDate=leaving.isoformat()), "active": active}
    for _ in range(3):
        assert scim.put(f"/Users/{ana}", body).status_code == 200
    assert Person.objects.get(pk=ana).termination_date == today + dt.timedelta(days=expected)
    assert [e[:2] for e in events(ana)] == [("termination", today + dt.timedelta(days=expected))]
