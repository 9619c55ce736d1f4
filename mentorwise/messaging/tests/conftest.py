from __future__ import annotations

from collections.abc import Iterator

import pytest

from mentorwise.messaging import contract
from mentorwise.messaging.tests.factories import RecordingAdapter


@pytest.fixture
def chat() -> Iterator[RecordingAdapter]:
    """A recording chat adapter registered for the test (and removed after it)."""
    adapter = RecordingAdapter()
    saved = dict(contract._ADAPTERS)
    contract.adapter_register(adapter)
    yield adapter
    contract._ADAPTERS.clear()
    contract._ADAPTERS.update(saved)
