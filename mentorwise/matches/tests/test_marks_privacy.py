"""Preferences and vetoes are shown only to the person who cast them.

From both sides of a program (a mentor marking a mentee, a mentee marking a mentor) and
through every way a participant reads the other side: the find page and its HTMX partial,
the mentees page, `GET /api/programs/{slug}/mentors`, a proposed match's reasons (page,
e-mail, `GET /api/me/open-matches`). The marked person sees no trace: not the word, not a
reason, not a different score, order or can-request flag for anyone else; a mentor who
vetoed them is simply not in their list (as for a request: 404), like one who is paused.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from conftest import _enroll, make_person, make_user
from mentorwise.accounts.services import api_token_create
from mentorwise.matches import scores, services
from mentorwise.matches.models import Match, MatchStatus
from mentorwise.programs.models import Enrollment, Program

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(program: Program, program_manager, mentee, other_mentee, mentor, skills) -> Program:
    """Ana and Omar (mentees), Marta and Mikel (mentors, 2 places each); self-match on and
    mentors may mark mentees."""
    _enroll(program, make_person(first_name="Mikel", job_level=8), "mentor", skills, capacity=2)
    options = {**program.matching.get("options", {}), "mentor_preferences": True}
    Program.objects.filter(pk=program.pk).update(
        mentor_training_required=False,
        self_match=True,
        matching={**program.matching, "options": options},
    )
    program.refresh_from_db()
    return program


def enrollment(user: Any) -> Enrollment:
    return Enrollment.objects.get(person=user.person)


def mark(user: Any, other: Any, kind: str) -> None:
    services.preference_set(
        actor=user, enrollment=enrollment(user), other_id=enrollment(other).pk, kind=kind
    )


def web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api(user: Any) -> Client:
    _, raw = api_token_create(actor=user, name="t", scope="read")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def find_bodies(user: Any, program: Program) -> list[str]:
    """The find page, its HTMX partial and the API list, as the user reads them."""
    url = f"/matching/programs/{program.slug}/find/"
    page, partial = web(user).get(url), web(user).get(url, HTTP_HX_REQUEST="true")
    listed = api(user).get(f"/api/programs/{program.slug}/mentors")
    assert page.status_code == partial.status_code == listed.status_code == 200
    return [page.content.decode(), partial.content.decode(), listed.content.decode()]


def mentees_bodies(user: Any, program: Program) -> list[str]:
    url = f"/matching/programs/{program.slug}/mentees/"
    page, partial = web(user).get(url), web(user).get(url, HTTP_HX_REQUEST="true")
    assert page.status_code == partial.status_code == 200
    return [page.content.decode(), partial.content.decode()]


def mentor_view(user: Any, program: Program) -> dict[str, tuple[Any, ...]]:
    """What a mentee reads of every mentor: fit, reasons, places, may-request, order."""
    cards = scores.mentor_cards(actor=user, program=program)
    return {
        c.enrollment.person.first_name: (n, c.score, c.reasons, c.allowed, c.blocked_because)
        for n, c in enumerate(cards)
    }


def mentee_view(user: Any, program: Program) -> dict[str, tuple[Any, ...]]:
    cards = scores.mentee_cards(actor=user, program=program)
    return {
        c.enrollment.person.first_name: (n, c.score, c.reasons, c.blocked_because)
        for n, c in enumerate(cards)
    }


# A mentor marks a mentee -----------------------------------------------------------------


def test_a_mentors_veto_leaves_no_trace_for_the_vetoed_mentee(setup, mentee, mentor) -> None:
    before = mentor_view(mentee, setup)
    assert set(before) == {"Marta", "Mikel"}
    mark(mentor, mentee, "veto")
    after = mentor_view(mentee, setup)
    # Marta is not in Ana's list, as a mentor who is paused or not in the program; Mikel's
    # card (place in the order included) is exactly what it was.
    assert set(after) == {"Mikel"}
    assert after["Mikel"][1:] == before["Mikel"][1:]
    for body in find_bodies(mentee, setup):
        assert "vetoed" not in body and "Marta" not in body and "Mikel" in body
    with pytest.raises(services.NotFound):
        services.mentor_request_create(
            actor=mentee, program=setup, mentor_id=enrollment(mentor).pk, message=""
        )


def test_the_mentor_who_vetoed_sees_their_own_veto(setup, mentee, mentor) -> None:
    mark(mentor, mentee, "veto")
    for body in mentees_bodies(mentor, setup):
        assert "Ana Mentee" in body and "vetoed" in body
    ana = mentee_view(mentor, setup)["Ana"]
    assert ana[3] == ["vetoed"] and ana[0] == 1  # listed last, blocked by her own mark


def test_a_mentors_preference_does_not_change_what_the_mentee_reads(setup, mentee, mentor) -> None:
    before = mentor_view(mentee, setup)
    mark(mentor, mentee, "prefer")
    assert mentor_view(mentee, setup) == before
    for body in find_bodies(mentee, setup):
        assert "asked for" not in body and "preferred" not in body


# A mentee marks a mentor -----------------------------------------------------------------


def test_a_mentees_veto_leaves_no_trace_for_the_vetoed_mentor(
    setup, mentee, other_mentee, mentor
) -> None:
    before = mentee_view(mentor, setup)
    assert set(before) == {"Ana", "Omar"}
    mark(mentee, mentor, "veto")
    after = mentee_view(mentor, setup)
    assert set(after) == {"Omar"} and after["Omar"][1:] == before["Omar"][1:]
    for body in mentees_bodies(mentor, setup):
        assert "vetoed" not in body and "Ana Mentee" not in body and "Omar" in body


def test_the_mentee_who_vetoed_sees_their_own_veto(setup, mentee, mentor) -> None:
    mark(mentee, mentor, "veto")
    marta = mentor_view(mentee, setup)["Marta"]
    assert marta[4] == ["vetoed"] and marta[3] is False
    assert all("vetoed" in body for body in find_bodies(mentee, setup))


def test_a_mentees_preference_does_not_change_what_the_mentor_reads(setup, mentee, mentor) -> None:
    before = mentee_view(mentor, setup)
    mark(mentee, mentor, "prefer")
    assert mentee_view(mentor, setup) == before
    for body in mentees_bodies(mentor, setup):
        assert "asked for" not in body


def test_after_vetoing_each_other_each_still_sees_and_can_clear_their_own(
    setup, mentee, mentor
) -> None:
    mark(mentee, mentor, "veto")
    mark(mentor, mentee, "veto")
    assert mentor_view(mentee, setup)["Marta"][4] == ["vetoed"]
    assert mentee_view(mentor, setup)["Ana"][3] == ["vetoed"]
    mark(mentee, mentor, None)  # Ana clears hers: Marta's veto now hides Marta from her
    assert "Marta" not in mentor_view(mentee, setup)


# Matches both people read ----------------------------------------------------------------


def test_proposed_matches_carry_no_marks_to_the_pair(
    setup, program_manager, mentee, mentor, django_capture_on_commit_callbacks
) -> None:
    """Marta asked for Ana: the run's stored reasons (page, e-mail, API) do not say so."""
    Enrollment.objects.filter(person__first_name="Mikel").update(capacity=0)
    # Preferences weigh most here, so "Marta asked for Ana" would be the first reason.
    criteria = {**setup.matching["criteria"], "preferences": 20}
    Program.objects.filter(pk=setup.pk).update(matching={**setup.matching, "criteria": criteria})
    setup.refresh_from_db()
    mark(mentor, mentee, "prefer")
    run = services.run_create(actor=program_manager, program=setup)
    services.run_dispatch(run)
    match = Match.objects.get(mentee=enrollment(mentee), status=MatchStatus.PROPOSED)
    assert match.reasons and not any("asked for" in r for r in match.reasons)
    services.match_approve(actor=program_manager, match=match)
    with django_capture_on_commit_callbacks(execute=True):
        services.matches_publish(actor=program_manager, program=setup)
    texts = [m.body for m in mail.outbox if m.to == [mentee.person.email]]
    texts.append(web(mentee).get("/relationships/").content.decode())
    (opened,) = api(mentee).get("/api/me/open-matches").json()
    assert opened["id"] == match.pk and opened["score"] is None and opened["warnings"] == []
    texts.append(str(opened))
    assert texts[0] and all("asked for" not in text for text in texts)


def test_managers_preview_names_the_marks_but_the_match_stores_none(
    setup, program_manager, mentee, mentor
) -> None:
    mark(mentee, mentor, "veto")
    preview = scores.pair_preview(
        actor=program_manager,
        program=setup,
        mentee_id=enrollment(mentee).pk,
        mentor_id=enrollment(mentor).pk,
    )
    assert preview.marks == ["vetoed"] and "vetoed" not in preview.warnings
    match = services.match_create_manual(
        actor=program_manager,
        program=setup,
        mentee_id=enrollment(mentee).pk,
        mentor_id=enrollment(mentor).pk,
    )
    assert "vetoed" not in match.warnings and not any("asked for" in r for r in match.reasons)


def test_a_second_mentor_with_room_is_unaffected_by_other_peoples_marks(
    setup, mentee, other_mentee, mentor
) -> None:
    """Other mentees' marks never reach Ana's list either (only her own count)."""
    mikel = make_user(Enrollment.objects.get(person__first_name="Mikel").person)
    before = mentor_view(mentee, setup)
    mark(other_mentee, mentor, "prefer")
    mark(other_mentee, mikel, "veto")
    mark(mikel, other_mentee, "veto")
    assert mentor_view(mentee, setup) == before


def test_matches_stored_before_lose_their_marks(setup, mentee, mentor) -> None:
    """The data migration rewrites stored reasons and warnings, nothing else."""
    from django.apps import apps

    migration = importlib.import_module(
        "mentorwise.matches.migrations.0002_match_texts_without_marks"
    )
    kept = ["offers 2 of the 2 skills Ana wants: negotiation", "four levels above"]
    match = Match.objects.create(
        program=setup,
        mentee=enrollment(mentee),
        mentor=enrollment(mentor),
        status=MatchStatus.PUBLISHED,
        reasons=["Marta asked for Ana", *kept, "Ana and Marta asked for each other"],
        warnings=["vetoed", "already paired before"],
    )
    migration.strip_marks(apps, None)
    match.refresh_from_db()
    assert match.reasons == kept and match.warnings == ["already paired before"]
