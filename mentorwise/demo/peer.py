"""The demo's peer program: first-time managers paired with each other, a run to review.

Seeded through the same services a real installation uses: the program from its template,
the peers' enrollments (goals and wanted skills, as a first-time manager would write them),
and a matching run whose proposals wait for the program manager's review.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.utils import timezone

from mentorwise.accounts.models import User
from mentorwise.matches.services import run_create, run_dispatch
from mentorwise.people.generator import SyntheticOrg, generate_profiles
from mentorwise.programs.eligibility import eligible_people
from mentorwise.programs.models import (
    Enrollment,
    EnrollmentStatus,
    Program,
    ProgramStatus,
    Role,
)
from mentorwise.programs.services.program_create import program_create_from_template

# Share of the eligible first-time managers who enrolled, and at most this many peers.
PEER_SHARE = 0.7
MAX_PEERS = 400
# The smallest cohort the demo pairs, and how far back "became a manager" may go for it.
MIN_COHORT = 12
WIDENING_MONTHS = (18, 36, 60, 120)


def demo_peer_program(
    *,
    admin: User,
    manager: User,
    org: SyntheticOrg,
    index_of: dict[int, int],
    skill_pk: dict[str, int],
    seed: int,
    today: dt.date,
    exclude: set[int | None],
) -> Program:
    """Create the peer program for first-time managers, enroll peers and run the matching."""
    program = program_create_from_template(
        actor=admin,
        template_key="peer_first_time_managers",
        slug="peer-managers",
        start_date=today - dt.timedelta(days=7),
    )
    Program.objects.filter(pk=program.pk).update(
        status=ProgramStatus.ACTIVE, mentor_training_required=False
    )
    program.refresh_from_db()
    program.managers.add(manager)
    rng = np.random.default_rng(seed)
    # A small demo organization has few managers new in the role: the program widens "new"
    # (as a program manager would) until it has a cohort worth pairing.
    for months in WIDENING_MONTHS:
        rules = {"first_time_manager_months": months}
        pks = eligible_people(rules).values_list("pk", flat=True)
        eligible = np.array(sorted(set(pks) - exclude), dtype=np.int64)
        if eligible.size >= MIN_COHORT:
            break
    if rules != program.eligibility.get(Role.PEER):
        Program.objects.filter(pk=program.pk).update(eligibility={Role.PEER.value: rules})
        program.refresh_from_db()
    if eligible.size < 2:
        return program
    k = min(MAX_PEERS, max(2, round(eligible.size * PEER_SHARE)))
    chosen = np.sort(rng.choice(eligible, size=k, replace=False))
    # A peer writes goals and wanted skills as a mentee would.
    profiles = generate_profiles(org, [index_of[int(pk)] for pk in chosen], "mentee", seed)
    now = timezone.now()
    created = Enrollment.objects.bulk_create(
        [
            Enrollment(
                program=program,
                person_id=int(pk),
                role=Role.PEER,
                status=EnrollmentStatus.ACTIVE,
                development_goals=profiles.development_goals[r],
                capacity=1,
                languages=org.languages[index_of[int(pk)]],
                acknowledged_at=now,
            )
            for r, pk in enumerate(chosen.tolist())
        ]
    )
    wanted = Enrollment.skills_wanted.through
    wanted.objects.bulk_create(
        [
            wanted(enrollment_id=enrollment.pk, skill_id=skill_pk[s])
            for r, enrollment in enumerate(created)
            for s in profiles.skills_wanted[r]
            if s in skill_pk
        ]
    )
    # The program manager reviews the proposals of this run (Matching page of the program).
    run_dispatch(run_create(actor=manager, program=program))
    return program
