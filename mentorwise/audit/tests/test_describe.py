"""The audit log shows what changed in words, never a Python dict."""

from __future__ import annotations

import pytest

from conftest import page_client
from mentorwise.audit.describe import describe, value_text
from mentorwise.core.audit import audit_record


def test_details_read_as_words():
    assert describe({"fields": ["end_date", "name"], "full": False, "rows": 12000}) == [
        ("Fields", "end date, name"),
        ("Whole workforce", "no"),
        ("Rows", "12,000"),
    ]
    assert describe({"before": ["mentor"], "after": ["mentor", "sponsor"]}) == [
        ("Changed", "mentor → mentor, sponsor")
    ]
    assert describe({"reason": "Left the company."}) == [("Reason", "Left the company.")]
    assert describe({}) == [] and describe(None) == []


def test_long_lists_are_cut_and_nested_values_spelled_out():
    assert value_text(list(range(25))) == "0, 1, 2, 3, 4, 5, 6, 7, 8, 9 and 15 more"
    assert value_text({"level_min": 3, "high_potential": True}) == (
        "level min: 3; high potential: yes"
    )
    assert value_text([]) == "none" and value_text(None) == "—"


@pytest.mark.django_db
def test_the_audit_page_shows_no_dict_repr(hr_admin):
    audit_record(
        actor=hr_admin,
        action="program.updated",
        data={"fields": ["end_date"], "filters": {"level": 7}, "people": [1, 2]},
    )
    html = page_client(hr_admin).get("/audit/").content.decode()
    assert "{&#x27;" not in html and "{'" not in html and "[1, 2]" not in html
    assert "Program updated" in html
    assert "Fields: end date" in html and "Filters: level: 7" in html and "People: 1, 2" in html
