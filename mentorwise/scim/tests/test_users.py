"""/scim/v2/Users as Okta and Entra ID use it: payload dialects, deprovisioning, errors."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_person, make_user
from mentorwise.accounts.models import ApiToken, TokenScope
from mentorwise.accounts.services import api_token_create
from mentorwise.core.models import AuditEntry
from mentorwise.people.models import Person, path_token
from mentorwise.scim.models import ScimUser
from mentorwise.scim.tests.conftest import ScimClient

pytestmark = pytest.mark.django_db

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


def okta_user(email: str = "ana.lopez@example.com", **extra: Any) -> dict[str, Any]:
    """What Okta's SCIM 2.0 app sends on "Create User" (its default attribute mapping)."""
    return {
        "schemas": [USER, ENTERPRISE],
        "userName": email,
        "name": {"givenName": "Ana", "familyName": "Lopez"},
        "emails": [{"primary": True, "value": email, "type": "work"}],
        "displayName": "Ana Lopez",
        "locale": "en-US",
        "externalId": "00u1abcdEFGH",
        "groups": [],
        "password": "not-stored-Secret123",
        "active": True,
        ENTERPRISE: {"employeeNumber": "E-100", "department": "Finance"},
        **extra,
    }


def patch(*operations: dict[str, Any]) -> dict[str, Any]:
    return {"schemas": [PATCH], "Operations": list(operations)}


def test_okta_create_maps_onto_a_person(scim: ScimClient) -> None:
    response = scim.post("/Users", okta_user())

    assert response.status_code == 201
    assert response["Content-Type"] == "application/scim+json"
    body = response.payload
    person = Person.objects.get(pk=int(body["id"]))
    assert (person.email, person.employee_id) == ("ana.lopez@example.com", "E-100")
    assert (person.first_name, person.last_name, person.department) == ("Ana", "Lopez", "Finance")
    assert person.termination_date is None
    assert person.path == path_token(person.pk)
    assert body["userName"] == "ana.lopez@example.com"
    assert body["externalId"] == "00u1abcdEFGH"
    assert body[ENTERPRISE]["employeeNumber"] == "E-100"
    assert body["meta"]["location"].endswith(f"/scim/v2/Users/{person.pk}")
    assert "password" not in body
    assert "not-stored" not in str(ScimUser.objects.get(person=person).attributes)
    entry = AuditEntry.objects.get(action="scim.user_created")
    assert entry.target_id == str(person.pk)
    assert entry.data["token"] == "Okta"


def test_okta_looks_users_up_by_username_and_pages(scim: ScimClient) -> None:
    for n in range(5):
        make_person(email=f"p{n}@example.com")
    found = scim.get("/Users", filter='userName eq "P3@EXAMPLE.com"').payload
    assert found["totalResults"] == 1
    assert found["Resources"][0]["userName"] == "p3@example.com"
    assert found["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:ListResponse"]

    page = scim.get("/Users", startIndex="2", count="2").payload
    assert (page["totalResults"], page["startIndex"], page["itemsPerPage"]) == (5, 2, 2)
    none = scim.get("/Users", filter='userName eq "nobody@example.com"').payload
    assert (none["totalResults"], none.get("Resources", [])) == (0, [])


def test_filters_on_external_id_and_emails(scim: ScimClient) -> None:
    scim.post("/Users", okta_user(emails=[{"value": "ana@home.example", "type": "home"}]))
    make_person(email="other@example.com")

    by_external = scim.get("/Users", filter='externalId eq "00u1abcdEFGH"').payload
    assert [u["userName"] for u in by_external["Resources"]] == ["ana.lopez@example.com"]
    by_email = scim.get("/Users", filter='emails.value eq "ANA@home.example"').payload
    assert [u["userName"] for u in by_email["Resources"]] == ["ana.lopez@example.com"]
    by_value_path = scim.get("/Users", filter='emails[value eq "other@example.com"]').payload
    assert [u["userName"] for u in by_value_path["Resources"]] == ["other@example.com"]
    both = scim.get(
        "/Users", filter='userName sw "ana" or emails.value eq "other@example.com"'
    ).payload
    assert both["totalResults"] == 2


def test_attributes_and_excluded_attributes(scim: ScimClient) -> None:
    uid = scim.post("/Users", okta_user()).payload["id"]
    only = scim.get(f"/Users/{uid}", attributes="userName").payload
    assert set(only) == {"schemas", "id", "userName"}
    without = scim.get("/Users", excludedAttributes="emails,name").payload["Resources"][0]
    assert "emails" not in without and "name" not in without and without["userName"]


def test_people_from_the_hris_are_users_too(scim: ScimClient) -> None:
    manager = make_person(first_name="Mia", last_name="Boss")
    person = make_person(email="hris@example.com", manager=manager, department="Sales")
    body = scim.get(f"/Users/{person.pk}").payload
    assert body["userName"] == "hris@example.com"
    assert body["emails"] == [{"value": "hris@example.com", "type": "work", "primary": True}]
    assert body[ENTERPRISE]["manager"]["value"] == str(manager.pk)
    assert body[ENTERPRISE]["manager"]["displayName"] == "Mia Boss"
    assert body[ENTERPRISE]["department"] == "Sales"
    assert body["active"] is True


def test_okta_deactivation_without_path_ends_sessions_and_tokens(scim: ScimClient) -> None:
    uid = scim.post("/Users", okta_user()).payload["id"]
    person = Person.objects.get(pk=int(uid))
    user = make_user(person)
    _token, _raw = api_token_create(actor=user, name="laptop", scope=TokenScope.READ)
    browser = Client()
    browser.force_login(user)
    generation = user.session_generation

    response = scim.patch(f"/Users/{uid}", patch({"op": "replace", "value": {"active": False}}))

    assert response.status_code == 200
    assert response.payload["active"] is False
    person.refresh_from_db()
    assert person.termination_date == timezone.localdate()
    assert person.termination_kind == "unknown"  # SCIM does not say why they left
    assert Person.objects.filter(pk=person.pk).exists()  # never deleted
    user.refresh_from_db()
    assert user.session_generation == generation + 1
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    assert browser.get("/").status_code == 302  # the old session is gone
    assert AuditEntry.objects.filter(action="scim.user_deprovisioned").count() == 1


def test_entra_patch_dialect(scim: ScimClient) -> None:
    boss = make_person(employee_id="E-1")
    uid = scim.post("/Users", okta_user()).payload["id"]

    response = scim.patch(
        f"/Users/{uid}",
        patch(
            {"op": "Replace", "path": "title", "value": "Controller"},
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": "E-1"},
            {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "Treasury"},
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ana@example.com"},
            {"op": "Replace", "path": "active", "value": "False"},
        ),
    )

    assert response.status_code == 200, response.payload
    person = Person.objects.get(pk=int(uid))
    assert (person.title, person.department, person.manager_id) == (
        "Controller",
        "Treasury",
        boss.pk,
    )
    assert person.path == path_token(boss.pk) + path_token(person.pk)
    assert person.termination_date == timezone.localdate()
    body = response.payload
    assert body["emails"][0]["value"] == "ana@example.com"
    assert body[ENTERPRISE]["manager"]["value"] == str(boss.pk)

    again = scim.patch(
        f"/Users/{uid}",
        patch(
            {"op": "Replace", "path": "active", "value": "True"},
            {"op": "Remove", "path": f"{ENTERPRISE}:manager"},
        ),
    )
    assert again.status_code == 200, again.payload
    person.refresh_from_db()
    assert person.termination_date is None and person.termination_kind == ""
    assert person.manager_id is None and person.path == path_token(person.pk)
    assert AuditEntry.objects.filter(action="scim.user_reactivated").count() == 1


def test_a_display_name_of_true_stays_a_string(scim: ScimClient) -> None:
    uid = scim.post("/Users", okta_user()).payload["id"]
    response = scim.patch(
        f"/Users/{uid}",
        patch({"op": "Replace", "value": {"displayName": "True", "active": "False"}}),
    )
    assert response.status_code == 200, response.payload
    assert response.payload["displayName"] == "True"
    assert response.payload["active"] is False


def test_moving_a_manager_moves_their_reports_paths(scim: ScimClient) -> None:
    top = make_person()
    top.path = path_token(top.pk)
    top.save()
    mid = make_person(manager=top)
    mid.path = top.path + path_token(mid.pk)
    mid.save()
    low = make_person(manager=mid)
    low.path = mid.path + path_token(low.pk)
    low.save()
    other = make_person()
    other.path = path_token(other.pk)
    other.save()

    response = scim.patch(
        f"/Users/{mid.pk}",
        patch(
            {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": {"value": str(other.pk)}}
        ),
    )

    assert response.status_code == 200, response.payload
    low.refresh_from_db()
    assert low.path == path_token(other.pk) + path_token(mid.pk) + path_token(low.pk)
    assert low.depth == 2
    cycle = scim.patch(
        f"/Users/{other.pk}",
        patch({"op": "replace", "path": f"{ENTERPRISE}:manager", "value": {"value": str(low.pk)}}),
    )
    assert cycle.status_code == 400
    assert cycle.payload["scimType"] == "invalidValue"
    assert "manager" in cycle.payload["detail"]


def test_unknown_manager_is_refused_and_nothing_is_written(scim: ScimClient) -> None:
    body = okta_user()
    body[ENTERPRISE]["manager"] = {"value": "no-such-person"}
    response = scim.post("/Users", body)
    assert response.status_code == 400
    assert response.payload["schemas"] == [ERROR]
    assert response.payload["scimType"] == "invalidValue"
    assert "manager.value" in response.payload["detail"]
    assert not Person.objects.filter(email="ana.lopez@example.com").exists()
    assert not ScimUser.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="scim.").exists()


def test_uniqueness_conflicts_answer_409(scim: ScimClient) -> None:
    make_person(email="taken@example.com", employee_id="E-7")
    response = scim.post("/Users", okta_user("TAKEN@example.com"))
    assert response.status_code == 409
    assert response.payload["scimType"] == "uniqueness"
    assert "userName" in response.payload["detail"]

    uid = scim.post("/Users", okta_user()).payload["id"]
    clash = scim.patch(
        f"/Users/{uid}",
        patch({"op": "replace", "path": f"{ENTERPRISE}:employeeNumber", "value": "E-7"}),
    )
    assert clash.status_code == 409
    assert "employeeNumber" in clash.payload["detail"]
    assert Person.objects.get(pk=int(uid)).employee_id == "E-100"  # nothing half-written


def test_put_replaces_and_keeps_what_the_provider_does_not_manage(scim: ScimClient) -> None:
    person = make_person(email="kim@example.com", department="Legal", title="Counsel")
    body = {
        "schemas": [USER],
        "userName": "kim@example.com",
        "name": {"givenName": "Kim", "familyName": "Park"},
        "active": True,
    }
    response = scim.put(f"/Users/{person.pk}", body)
    assert response.status_code == 200, response.payload
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Kim", "Park")
    # The provider sent no department or title: the HRIS values stay, unreported.
    assert (person.department, person.title) == ("Legal", "Counsel")
    assert "title" not in response.payload
    assert ENTERPRISE not in response.payload


def test_delete_deprovisions_keeps_the_person_and_answers_404_after(scim: ScimClient) -> None:
    uid = scim.post("/Users", okta_user()).payload["id"]
    user = make_user(Person.objects.get(pk=int(uid)))

    assert scim.delete(f"/Users/{uid}").status_code == 204

    person = Person.objects.get(pk=int(uid))
    assert person.termination_date == timezone.localdate()
    user.refresh_from_db()
    assert user.session_generation == 1
    gone = scim.get(f"/Users/{uid}")
    assert gone.status_code == 404
    assert gone.payload["schemas"] == [ERROR]
    assert (
        scim.get("/Users", filter='userName eq "ana.lopez@example.com"').payload["totalResults"]
        == 0
    )
    # The provider creating the user again is a rehire of the same person.
    again = scim.post("/Users", okta_user())
    assert again.status_code == 201
    assert again.payload["id"] == uid
    person.refresh_from_db()
    assert person.termination_date is None


def test_terminated_in_the_hris_reads_inactive(scim: ScimClient) -> None:
    person = make_person(termination_date=timezone.localdate() - dt.timedelta(days=3))
    assert scim.get(f"/Users/{person.pk}").payload["active"] is False
    inactive = scim.get("/Users", filter="active eq false").payload
    assert [u["id"] for u in inactive["Resources"]] == [str(person.pk)]


def test_erased_people_are_not_users(scim: ScimClient) -> None:
    person = make_person()
    Person.objects.filter(pk=person.pk).update(erased_at=timezone.now())
    assert scim.get(f"/Users/{person.pk}").status_code == 404


@pytest.mark.parametrize(
    ("query", "attribute"),
    [
        ('nickName eq "x"', "nickName"),
        ('phoneNumbers.value eq "1"', "phoneNumbers"),
        ('emails[type eq "work"]', "emails.type"),
    ],
)
def test_unsupported_filters_name_the_attribute(
    scim: ScimClient, query: str, attribute: str
) -> None:
    response = scim.get("/Users", filter=query)
    assert response.status_code == 400
    assert response.payload["scimType"] == "invalidFilter"
    assert attribute in response.payload["detail"]


def test_malformed_filter_is_a_scim_400(scim: ScimClient) -> None:
    response = scim.get("/Users", filter='userName eq "unterminated')
    assert response.status_code == 400
    assert response.payload["scimType"] == "invalidFilter"


def test_no_token_or_a_wrong_scope_is_401(db: None) -> None:
    anonymous = ScimClient(None).get("/Users")
    assert anonymous.status_code == 401
    assert anonymous.payload["schemas"] == [ERROR]
    assert "Bearer" in anonymous["WWW-Authenticate"]

    reader = make_user(make_person(), is_hr_admin=True)
    _token, raw = api_token_create(actor=reader, name="read", scope=TokenScope.READ)
    assert ScimClient(raw).get("/Users").status_code == 401
    assert ScimClient("mw_not-a-token").get("/Users").status_code == 401
    # The service provider configuration is public (RFC 7644 §4).
    assert ScimClient(None).get("/ServiceProviderConfig").status_code == 200


def test_a_scim_token_does_not_open_the_regular_api(scim_token: str) -> None:
    response = Client().get("/api/people", headers={"Authorization": f"Bearer {scim_token}"})
    assert response.status_code == 401


def test_revoked_token_is_refused_and_use_is_recorded(scim: ScimClient) -> None:
    assert scim.get("/Users").status_code == 200
    token = ApiToken.objects.get(scope=TokenScope.SCIM)
    assert token.last_used_at is not None
    token.revoked_at = timezone.now()
    token.save()
    assert scim.get("/Users").status_code == 401


def test_discovery_documents_announce_users_only(scim: ScimClient) -> None:
    types = scim.get("/ResourceTypes").payload
    assert types["totalResults"] == 1
    assert [t["endpoint"] for t in types["Resources"]] == ["/Users"]
    schemas = {s["id"] for s in scim.get("/Schemas").payload["Resources"]}
    assert {USER, ENTERPRISE} <= schemas
    assert "urn:ietf:params:scim:schemas:core:2.0:Group" not in schemas
    config = scim.get("/ServiceProviderConfig").payload
    assert config["patch"]["supported"] is True
    assert config["bulk"]["supported"] is False
    assert scim.get("/Groups").status_code == 404
    assert scim.call("DELETE", "/ServiceProviderConfig").status_code == 405


def test_a_race_lost_to_the_unique_index_is_a_409(
    scim: ScimClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_person(email="ana.lopez@example.com")
    # As if another request created the same person between our check and our insert.
    monkeypatch.setattr("mentorwise.scim.services._check_unique", lambda values, person: None)
    response = scim.post("/Users", okta_user())
    assert response.status_code == 409
    assert response.payload["scimType"] == "uniqueness"
    assert Person.objects.filter(email="ana.lopez@example.com").count() == 1


def test_username_can_be_the_employee_id(scim: ScimClient, settings: Any) -> None:
    settings.MENTORWISE_SCIM_USERNAME = "employee_id"
    body = okta_user(userName="E-555")
    response = scim.post("/Users", body)
    assert response.status_code == 201, response.payload
    person = Person.objects.get(pk=int(response.payload["id"]))
    assert (person.employee_id, person.email) == ("E-555", "ana.lopez@example.com")
    found = scim.get("/Users", filter='userName eq "E-555"').payload
    assert [u["id"] for u in found["Resources"]] == [str(person.pk)]
    no_email = okta_user(userName="E-556", emails=[])
    missing = scim.post("/Users", no_email)
    assert missing.status_code == 400
    assert "emails" in missing.payload["detail"]


def test_reactivation_never_undoes_an_hris_termination(scim: ScimClient) -> None:
    left = make_person(termination_date=timezone.localdate() - dt.timedelta(days=30))
    leaving = make_person(termination_date=timezone.localdate() + dt.timedelta(days=14))
    for person in (left, leaving):
        response = scim.patch(
            f"/Users/{person.pk}", patch({"op": "replace", "path": "active", "value": True})
        )
        assert response.status_code == 200, response.payload
    left.refresh_from_db()
    leaving.refresh_from_db()
    assert left.termination_date == timezone.localdate() - dt.timedelta(days=30)
    assert leaving.termination_date == timezone.localdate() + dt.timedelta(days=14)
    assert scim.get(f"/Users/{left.pk}").payload["active"] is False
    assert not AuditEntry.objects.filter(action="scim.user_reactivated").exists()


def test_attribute_only_changes_are_audited(scim: ScimClient) -> None:
    uid = scim.post("/Users", okta_user()).payload["id"]
    scim.patch(f"/Users/{uid}", patch({"op": "replace", "path": "nickName", "value": "Annie"}))
    entry = AuditEntry.objects.get(action="scim.user_updated")
    assert entry.data["fields"] == ["attributes"]
    assert entry.actor.username == "scim-provisioning"


def test_entra_create_and_remove_manager_payloads(scim: ScimClient) -> None:
    boss = make_person()
    # Entra ID's "Create User" request, as its SCIM validator sends it.
    response = scim.post(
        "/Users",
        {
            "schemas": [USER, ENTERPRISE],
            "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
            "userName": "Test_User_ab64@contoso.com",
            "active": "True",
            "emails": [{"primary": "True", "type": "work", "value": "Test_User_ab64@contoso.com"}],
            "meta": {"resourceType": "User"},
            "name": {"formatted": "Grace Hopper", "familyName": "Hopper", "givenName": "Grace"},
            "roles": [],
            ENTERPRISE: {"employeeNumber": "701984", "manager": {"value": str(boss.pk)}},
        },
    )
    assert response.status_code == 201, response.payload
    uid = response.payload["id"]
    assert Person.objects.get(pk=int(uid)).manager_id == boss.pk
    removed = scim.patch(
        f"/Users/{uid}",
        patch(
            {
                "op": "Remove",
                "path": f"{ENTERPRISE}:manager",
                "value": [{"value": str(boss.pk)}],
            }
        ),
    )
    assert removed.status_code == 200, removed.payload
    assert Person.objects.get(pk=int(uid)).manager_id is None


def test_okta_put_with_read_only_attributes(scim: ScimClient) -> None:
    created = scim.post("/Users", okta_user()).payload
    body = {**created, "title": "Treasurer", "groups": [], "password": "Secret-1234567"}
    body["name"] = {"givenName": "Ana", "familyName": "López"}
    response = scim.put(f"/Users/{created['id']}", body)
    assert response.status_code == 200, response.payload
    person = Person.objects.get(pk=int(created["id"]))
    assert (person.title, person.last_name) == ("Treasurer", "López")
    assert response.payload["meta"]["created"] == created["meta"]["created"]


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        {"schemas": [PATCH], "Operations": [{"path": "title", "value": "x"}]},
        {"schemas": [PATCH], "Operations": [{"op": "explode", "path": "title"}]},
        {"schemas": [PATCH], "Operations": "nope"},
    ],
)
def test_malformed_patches_are_scim_400s(scim: ScimClient, body: Any) -> None:
    uid = scim.post("/Users", okta_user()).payload["id"]
    if isinstance(body, str):
        response = scim.client.generic(
            "PATCH",
            f"/scim/v2/Users/{uid}",
            data=body,
            content_type="application/scim+json",
            headers=scim.headers,
        )
        status, payload = response.status_code, response.json()
    else:
        response = scim.patch(f"/Users/{uid}", body)
        status, payload = response.status_code, response.payload
    assert status == 400, payload
    assert payload["schemas"] == [ERROR]
