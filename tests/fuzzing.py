"""Shared pieces of the fuzz tests: the hypothesis settings and nasty text values.

`MENTORWISE_FUZZ_EXAMPLES` raises the number of examples for a longer local run; CI uses
the bounded, derandomized default so that a run is quick and repeatable.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

FUZZ = settings(
    max_examples=int(os.environ.get("MENTORWISE_FUZZ_EXAMPLES", "25")),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

# Values that break parsers: numbers out of range, impossible dates, other date formats,
# broken JSON, NUL characters, formulas, markup, very long text.
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "-inf",
    "2026-02-30",
    "31/12/2026",
    "12/31/2026",
    "2026-13-01",
    "2026-01-01T25:61",
    "2026-01-01 10:00",
    "9999-12-31",
    "0001-01-01",
    "0000-00-00",
    "{",
    "[]",
    "{}",
    "null",
    '{"mentee": {"job_level_min": "x"}}',
    '{"weights": {"skills": "heavy"}}',
    '[{"key": "", "type": "scale", "min": 5, "max": 1}]',
    "a\x00b",
    "\x00",
    "=1+1",
    "<script>alert(1)</script>",
    "😀",
    "x" * 5000,
    "true",
    "on",
]
texts = st.one_of(st.sampled_from(NASTY), st.text(max_size=40))
