"""The SCIM protocol over Mentorwise's people: scim2-server's core with a Person storage.

scim2-server (from the python-scim project, on top of scim2-models) reads and validates the
requests, applies PUT and PATCH, answers the discovery endpoints and turns errors into SCIM
Error bodies; `PersonStorage` is where it reads and writes, through mapping.py and
services.py. Users only: Mentorwise has no group concept an identity provider should manage
(programs and relationships are decided in Mentorwise), so /Groups is not served and the
discovery documents say so.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.utils import timezone
from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    Context,
    EnterpriseUser,
    ETag,
    External,
    Filter,
    NotFoundException,
    NotImplementedException,
    Patch,
    Reference,
    Resource,
    ResourceType,
    ResponseParameters,
    ScimProvider,
    SearchRequest,
    ServiceProviderConfig,
    Sort,
    UnauthorizedException,
    User,
)
from scim2_server.responses import ScimResponse
from scim2_server.service import ScimService
from scim2_server.storage import ScimStorage, SearchPage

from mentorwise.people.models import Person
from mentorwise.scim.mapping import (
    MentorwisePerson,
    filter_to_q,
    live_people,
    person_to_scim,
    scim_to_values,
)
from mentorwise.scim.services import Caller, person_delete, person_provision


def service_provider_config() -> ServiceProviderConfig:
    return ServiceProviderConfig(
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=settings.MENTORWISE_SCIM_MAX_RESULTS),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer token",
                description="A Mentorwise API token with the SCIM scope "
                "(`mentorwise scim-token create`).",
                spec_uri=Reference[External]("https://www.rfc-editor.org/rfc/rfc6750"),
                primary=True,
            )
        ],
    )


@functools.cache
def scim_service() -> MentorwiseScimService:
    provider = ScimProvider(
        models=[User, EnterpriseUser, MentorwisePerson],
        resource_types=[ResourceType.from_resource(User[EnterpriseUser | MentorwisePerson])],
        config=service_provider_config(),
    )
    return MentorwiseScimService(provider)


class MentorwiseScimService(ScimService):
    def patch_response(
        self,
        base_url: str,
        resource: Resource[Any],
        response_parameters: ResponseParameters[Any],
    ) -> ScimResponse:
        """200 with the resource (RFC 7644 §3.5.2 allows 204; Okta expects the user back)."""
        published = self.publish(base_url, resource)
        return self.resource_response(
            published, Context.RESOURCE_REPLACEMENT_RESPONSE, response_parameters
        )


class PersonStorage(ScimStorage):
    """SCIM Users stored as Persons (plus a ScimUser row); one instance per request."""

    def __init__(self, caller: Caller | None, *, writing: bool = False) -> None:
        self._caller = caller
        # PUT and PATCH read the user, change it and write it back: the first read locks the
        # row, so that two concurrent changes apply one after the other (no lost update).
        self._writing = writing

    @property
    def caller(self) -> Caller:
        if self._caller is None:  # only the public discovery document is served without one
            raise UnauthorizedException
        return self._caller

    def _model(self, resource_type: ResourceType) -> type[Resource[Any]]:
        if resource_type.name != "User":
            raise NotImplementedException(detail=f"{resource_type.name} is not served.")
        return scim_service().get_model(resource_type)

    def _person(self, resource_id: str, *, lock: bool = False) -> Person:
        if not resource_id.isdigit():
            raise NotFoundException(detail=f"User {resource_id!r} not found")
        if lock:
            # Lock the row first, then read it (and its SCIM side) in a new statement: on
            # PostgreSQL a locking read re-reads only the locked table's row after a wait.
            list(Person.objects.select_for_update().filter(pk=int(resource_id)).values("pk"))
        people = live_people().select_related("scim", "manager")
        person = people.filter(pk=int(resource_id)).first()
        if person is None:
            raise NotFoundException(detail=f"User {resource_id!r} not found")
        return person

    def _resource(self, resource_type: ResourceType, person: Person) -> Resource[Any]:
        scim = getattr(person, "scim", None)
        return self._model(resource_type).model_validate(person_to_scim(person, scim))

    def get(
        self,
        resource_type: ResourceType,
        resource_id: str,
        *,
        response_parameters: ResponseParameters[Any] | None = None,
    ) -> Resource[Any]:
        return self._resource(resource_type, self._person(resource_id, lock=self._writing))

    def search(
        self,
        resource_types: list[ResourceType],
        search_request: SearchRequest[Any],
        *,
        position: Any = None,
    ) -> SearchPage:
        if len(resource_types) != 1:
            raise NotImplementedException(detail="Search /Users, not the server root.")
        resource_type = resource_types[0]
        people = live_people()
        if search_request.filter is not None:
            people = people.filter(filter_to_q(search_request.filter.ast, today=_today()))
        people = people.order_by("pk")
        total = people.count()
        start = search_request.start_index_0 or 0
        count = search_request.count
        if count is None:
            count = settings.MENTORWISE_SCIM_MAX_RESULTS
        page = list(people.select_related("scim", "manager")[start : start + count])
        return SearchPage(total, [self._resource(resource_type, p) for p in page])

    def create(self, resource_type: ResourceType, resource: Resource[Any]) -> Resource[Any]:
        self._model(resource_type)
        values, scim_values = scim_to_values(resource.model_dump())
        person = person_provision(
            caller=self.caller, values=values, scim_values=scim_values, person=None
        )
        return self.get(resource_type, str(person.pk))

    def update(
        self,
        resource_type: ResourceType,
        resource: Resource[Any],
        *,
        expected_version: str | None = None,
    ) -> Resource[Any]:
        self._model(resource_type)
        person = self._person(str(resource.id), lock=True)
        values, scim_values = scim_to_values(resource.model_dump())
        person_provision(caller=self.caller, values=values, scim_values=scim_values, person=person)
        return self.get(resource_type, str(person.pk))

    def delete(
        self,
        resource_type: ResourceType,
        resource_id: str,
        *,
        expected_version: str | None = None,
    ) -> None:
        self._model(resource_type)
        person_delete(caller=self.caller, person=self._person(resource_id, lock=True))


def _today() -> Any:
    return timezone.localdate()
