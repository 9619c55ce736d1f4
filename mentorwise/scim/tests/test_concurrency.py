"""Two identity-provider requests changing the same user at once lose nothing (real threads,
real transactions, on PostgreSQL: CI's second run)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from mentorwise.people.models import Person
from mentorwise.scim.models import ScimUser
from mentorwise.scim.tests.conftest import ScimClient

PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the in-memory SQLite test database (shared cache) has table locks that ignore the "
    "busy timeout; real concurrent transactions are tested on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_patches_of_one_user_lose_no_write(scim_token: str) -> None:
    client = ScimClient(scim_token)
    uid = client.post(
        "/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": "a@x.io"}
    ).payload["id"]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def change(path: str, value: str) -> None:
        try:
            own = ScimClient(scim_token)
            barrier.wait(timeout=30)
            response = own.patch(
                f"/Users/{uid}",
                {"schemas": [PATCH], "Operations": [{"op": "add", "path": path, "value": value}]},
            )
            statuses.append(response.status_code)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=change, args=("title", "Controller")),
        threading.Thread(target=change, args=("nickName", "Annie")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert statuses == [200, 200]
    person = Person.objects.get(pk=int(uid))
    assert person.title == "Controller"
    assert ScimUser.objects.get(person=person).attributes.get("nickName") == "Annie"
