"""Passkeys and security keys (WebAuthn) as the second step of a password sign-in.

py_webauthn builds the browser's options and verifies its answers: the challenge (single
use: the caller keeps it in the session and drops it after one try), the origin and relying
party, the signature over the authenticator data, user presence and the signature counter.
This module stores what a registration yields and decides whose key may answer.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import (
    InvalidAuthenticationResponse,
    InvalidJSONStructure,
    InvalidRegistrationResponse,
)
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from mentorwise.accounts.models import Passkey, User
from mentorwise.accounts.two_step import (
    confirm_current_method,
    two_step_forget,
    two_step_required,
    uses_two_step,
)
from mentorwise.core.audit import audit_record
from mentorwise.core.errors import FieldError, Forbidden, InvalidInput, NotFound

_REFUSED = (InvalidRegistrationResponse, InvalidJSONStructure, ValueError, KeyError, TypeError)
_REFUSED_SIGN_IN = (InvalidAuthenticationResponse, InvalidJSONStructure, ValueError, KeyError)


@dataclass(frozen=True)
class RelyingParty:
    """Who the browser thinks it talks to: the site's host name and exact origin."""

    rp_id: str
    origin: str

    @classmethod
    def of(cls, request: HttpRequest) -> RelyingParty:
        """MENTORWISE_WEBAUTHN_RP_ID, else this request's host (Django has checked it against
        ALLOWED_HOSTS), with the scheme Django sees (behind a proxy: SECURE_PROXY_SSL_HEADER)."""
        host = request.get_host()
        origin = f"{request.scheme}://{host}"
        return cls(settings.MENTORWISE_WEBAUTHN_RP_ID or host.split(":")[0], origin)


@dataclass(frozen=True)
class Challenge:
    """Options for the browser (JSON) and the challenge the answer must sign."""

    options_json: str
    challenge: bytes


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id))
        for key in Passkey.objects.filter(user=user)
    ]


def _user_handle(user: User) -> bytes:
    # An opaque id (WebAuthn advises against personal data): the key of the login.
    return str(user.pk).encode()


def registration_challenge(*, actor: User, rp: RelyingParty) -> Challenge:
    options = generate_registration_options(
        rp_id=rp.rp_id,
        rp_name=settings.MENTORWISE_MFA_ISSUER,
        user_id=_user_handle(actor),
        user_name=actor.get_username(),
        user_display_name=actor.get_full_name() or actor.get_username(),
        challenge=secrets.token_bytes(32),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=_descriptors(actor),  # the same key is not registered twice
    )
    return Challenge(options_to_json(options), options.challenge)


def _name_error(name: str) -> list[FieldError]:
    if not name.strip():
        return [FieldError("name", _("Give the passkey a name, such as the device it is on."))]
    return []


@transaction.atomic
def passkey_register(
    *,
    actor: User,
    rp: RelyingParty,
    challenge: bytes,
    credential: str,
    name: str,
    current_code: str = "",
) -> Passkey:
    """Keep the public key of a new passkey, once the browser's answer checks out. A login
    that already has a method confirms with it first (`current_code`)."""
    if errors := _name_error(name):
        raise InvalidInput(errors)
    confirm_current_method(actor=actor, code=current_code)
    try:
        verified = verify_registration_response(
            credential=json.loads(credential),
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
        )
    except _REFUSED as refused:
        raise InvalidInput(
            [FieldError("credential", _("The passkey could not be registered."))]
        ) from refused
    credential_id = bytes_to_base64url(verified.credential_id)
    if Passkey.objects.filter(credential_id=credential_id).exists():
        raise InvalidInput([FieldError("credential", _("This passkey is registered already."))])
    passkey = Passkey.objects.create(
        user=actor,
        name=name.strip()[:100],
        credential_id=credential_id,
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
    )
    audit_record(
        actor=actor, action="user.passkey_added", target=actor, data={"name": passkey.name}
    )
    return passkey


def sign_in_challenge(*, user: User, rp: RelyingParty) -> Challenge:
    options = generate_authentication_options(
        rp_id=rp.rp_id,
        challenge=secrets.token_bytes(32),
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return Challenge(options_to_json(options), options.challenge)


@transaction.atomic
def passkey_check(*, user: User, rp: RelyingParty, challenge: bytes, credential: str) -> bool:
    """Whether one of this login's passkeys signed the challenge (and its counter rose)."""
    try:
        answer = json.loads(credential)
        raw_id = str(answer.get("rawId") or answer.get("id") or "")
    except (ValueError, AttributeError):
        return False
    passkey = Passkey.objects.select_for_update().filter(user=user, credential_id=raw_id).first()
    if passkey is None:
        return False  # someone else's key, or an unknown one
    try:
        verified = verify_authentication_response(
            credential=answer,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
            credential_public_key=bytes(passkey.public_key),
            credential_current_sign_count=passkey.sign_count,
        )
    except _REFUSED_SIGN_IN:
        return False
    passkey.sign_count = verified.new_sign_count
    passkey.last_used_at = timezone.now()
    passkey.save(update_fields=["sign_count", "last_used_at"])
    return True


@transaction.atomic
def passkey_remove(*, actor: User, passkey_id: int, code: str) -> None:
    """Remove one of the actor's passkeys, confirmed with a current method (`code`: from the
    app or a recovery code). A role that requires two-step sign-in may not remove its last
    method; removing the last one otherwise turns two-step sign-in off."""
    passkey = Passkey.objects.filter(pk=passkey_id, user=actor).first()
    if passkey is None:
        raise NotFound(_("No such passkey."))
    confirm_current_method(actor=actor, code=code)
    passkey.delete()
    if not uses_two_step(actor):
        if two_step_required(actor):  # raising rolls the removal back
            raise Forbidden(
                _("Two-step sign-in is required for your role: add another method first.")
            )
        two_step_forget(actor)
    audit_record(
        actor=actor, action="user.passkey_removed", target=actor, data={"name": passkey.name}
    )
