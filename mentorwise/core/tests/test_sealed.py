"""Secrets sealed at rest (core.sealed): opened by every configured key, sealed by the first."""

from __future__ import annotations

from typing import Any

import pytest

from mentorwise.core.sealed import CannotOpen, reseal, seal, unseal


def test_a_sealed_value_hides_it_and_opens_again(settings: Any) -> None:
    settings.MENTORWISE_ENCRYPTION_KEYS = ["first key " * 5]
    sealed = seal("JBSWY3DPEHPK3PXP")
    assert "JBSWY3DPEHPK3PXP" not in sealed and seal("JBSWY3DPEHPK3PXP") != sealed  # random IV
    assert unseal(sealed) == "JBSWY3DPEHPK3PXP"


def test_rotation_new_key_first_old_ones_still_open(settings: Any) -> None:
    settings.MENTORWISE_ENCRYPTION_KEYS = ["old key " * 5]
    old = seal("a secret")
    settings.MENTORWISE_ENCRYPTION_KEYS = ["new key " * 5, "old key " * 5]
    assert unseal(old) == "a secret"
    rotated = reseal(old)
    settings.MENTORWISE_ENCRYPTION_KEYS = ["new key " * 5]
    assert unseal(rotated) == "a secret"
    with pytest.raises(CannotOpen):
        unseal(old)  # the old key is gone


def test_without_configured_keys_the_secret_key_and_its_fallbacks_seal(settings: Any) -> None:
    settings.MENTORWISE_ENCRYPTION_KEYS = []
    settings.SECRET_KEY = "k" * 60
    sealed = seal("value")
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "n" * 60, ["k" * 60]
    assert unseal(sealed) == "value"
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(CannotOpen):
        unseal(sealed)
