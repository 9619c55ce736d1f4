"""An erasure forgets what other systems sent about the person (privacy and SCIM together).

Privacy and SCIM sit side by side in the layers and do not import each other: the erasure
deletes every record listed in `privacy.inventory.LINKED`, which names the SCIM record, so no
signal is needed. This test lives outside both apps because it uses both.
"""

from __future__ import annotations

from typing import Any

from mentorwise.people.models import Person
from mentorwise.privacy.erasure import person_erase
from mentorwise.scim.models import ScimUser
from mentorwise.scim.tests.conftest import ScimClient, scim, scim_token  # noqa: F401
from mentorwise.scim.tests.test_users import okta_user


def test_erasure_forgets_what_the_provider_sent(scim: ScimClient, hr_admin: Any) -> None:  # noqa: F811
    uid = scim.post("/Users", okta_user(phoneNumbers=[{"value": "+49 30 1234"}])).payload["id"]
    person = Person.objects.get(pk=int(uid))
    assert ScimUser.objects.filter(person=person).exists()
    person_erase(actor=hr_admin, person=person, confirm=person.employee_id)
    assert not ScimUser.objects.filter(person=person).exists()
    assert scim.get(f"/Users/{uid}").status_code == 404
