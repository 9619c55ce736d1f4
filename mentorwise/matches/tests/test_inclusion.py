"""With the inclusion option on, no per-pair number anyone reads moves with a mentee's group."""

from __future__ import annotations

import pytest

from mentorwise.matches import scores, services
from mentorwise.matches.models import Match, MatchStatus, RunStatus
from mentorwise.people.models import Demographics
from mentorwise.programs.models import Enrollment, Program
from mentorwise.programs.services import ProgramChanges, program_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(program: Program, hr_admin, mentee, other_mentee, mentor):
    """Ana (woman) and Omar (man), both consented to matching use; Marta, a level-8 mentor."""
    Program.objects.filter(pk=program.pk).update(mentor_training_required=False, self_match=True)
    program.refresh_from_db()
    for user, gender in ((mentee, "woman"), (other_mentee, "man")):
        Demographics.objects.create(person=user.person, gender=gender, consent_matching_use=True)
    return program


def enable_inclusion(program: Program, hr_admin, group: str) -> None:
    options = {**program.matching["options"]}
    options["inclusion"] = {
        "enabled": True,
        "justification": "Promotion rates of women at level 6 lag by 9 points.",
        "groups": [group],
        "senior_level": 7,
        "weight": 5,
    }
    program_update(
        actor=hr_admin,
        program=program,
        changes=ProgramChanges(matching={**program.matching, "options": options}),
    )
    program.refresh_from_db()


def enrollment(user) -> Enrollment:
    return Enrollment.objects.get(person=user.person)


def preview(program, actor, mentee, mentor) -> scores.PairPreview:
    return scores.pair_preview(
        actor=actor,
        program=program,
        mentee_id=enrollment(mentee).pk,
        mentor_id=enrollment(mentor).pk,
    )


def test_pair_preview_and_self_match_scores_ignore_the_inclusion_term(
    setup, hr_admin, program_manager, mentee, mentor
) -> None:
    before = preview(setup, program_manager, mentee, mentor)
    cards_before = scores.mentor_cards(actor=mentee, program=setup)
    # The manager's two readings, groups "women" and then "men" (set by HR now), agree, and
    # agree with the option off: the fit says nothing about Ana's gender.
    for group in ("gender:woman", "gender:man"):
        enable_inclusion(setup, hr_admin, group)
        seen = preview(setup, program_manager, mentee, mentor)
        assert (seen.score, seen.reasons, seen.warnings) == (
            before.score,
            before.reasons,
            before.warnings,
        )
        cards = scores.mentor_cards(actor=mentee, program=setup)
        assert [(c.score, c.reasons) for c in cards] == [(c.score, c.reasons) for c in cards_before]


def test_run_shows_fits_their_sum_and_no_bound_when_inclusion_is_on(
    setup, hr_admin, program_manager, mentee, other_mentee, mentor
) -> None:
    enable_inclusion(setup, hr_admin, "gender:woman")
    run = services.run_create(actor=program_manager, program=setup)
    services.run_dispatch(run)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.n_matched == 2
    proposals = list(Match.objects.filter(run=run, status=MatchStatus.PROPOSED))
    for match in proposals:
        shown = scores.pair_preview(
            actor=program_manager,
            program=setup,
            mentee_id=match.mentee_id,
            mentor_id=match.mentor_id,
        )
        assert (match.score, match.reasons) == (shown.score, shown.reasons)
    assert run.total_score == pytest.approx(sum(m.score for m in proposals), abs=1e-3)
    # The solver's bound is on an objective that contains the inclusion term: not shown.
    assert run.upper_bound is None


def test_scores_stored_with_the_inclusion_term_are_forgotten_on_upgrade(
    setup, other_program, hr_admin, program_manager, mentee, mentor
) -> None:
    """Scores stored before fits left out the term cannot be told apart from fits: cleared."""
    from importlib import import_module

    from django.apps import apps

    from mentorwise.matches.models import MatchingRun

    enable_inclusion(setup, hr_admin, "gender:woman")
    run = MatchingRun.objects.create(program=setup, total_score=3.5, upper_bound=3.6)
    stored = Match.objects.create(
        program=setup, mentee=enrollment(mentee), mentor=enrollment(mentor), score=0.91
    )
    elsewhere = MatchingRun.objects.create(program=other_program, total_score=2.0)
    migration = import_module(
        "mentorwise.matches.migrations.0003_forget_scores_with_the_inclusion_term"
    )
    migration.forget(apps, None)
    stored.refresh_from_db()
    run.refresh_from_db()
    assert stored.score is None
    assert (run.total_score, run.upper_bound) == (None, None)
    elsewhere.refresh_from_db()
    assert elsewhere.total_score == 2.0  # programs without the option keep their numbers
