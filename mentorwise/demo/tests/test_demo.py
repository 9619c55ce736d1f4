"""`mentorwise demo` end to end on a small organization."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from mentorwise.accounts.models import User
from mentorwise.circles.selectors import health_of
from mentorwise.core.outbox import OUTBOX_BACKEND
from mentorwise.demo.seed import DEMO_PASSWORD
from mentorwise.journeys.models import Journey, StepCompletion
from mentorwise.people.models import CareerEvent, Person
from mentorwise.programs.models import Enrollment, EnrollmentStatus, Program, ProgramStatus
from mentorwise.relationships.health import Health
from mentorwise.relationships.models import RelationshipStatus

pytestmark = pytest.mark.django_db(transaction=True)


def run_demo(*args: str) -> str:
    out = io.StringIO()
    call_command(
        "demo", "--no-serve", "--people", "400", "--seed", "3", *args, stdout=out, verbosity=0
    )
    return out.getvalue()


def test_demo_seeds_a_populated_organization_and_prints_logins() -> None:
    output = run_demo()
    assert Person.objects.count() == 400
    assert Program.objects.count() >= 3
    programs_with_participants = {
        e.program_id for e in Enrollment.objects.filter(status=EnrollmentStatus.ACTIVE)
    }
    assert len(programs_with_participants) >= 3
    for username in ("hr.admin", "program.manager", "mentor", "mentee", "sponsor", "executive"):
        assert username in output
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD) and user.person is not None
    assert "http://127.0.0.1:8000/" in output
    # The logins work and land on pages with real content.
    client = Client()
    assert client.login(username="mentee", password=DEMO_PASSWORD)
    hipo = Program.objects.get(slug="leadership-mentoring")
    assert hipo.name in client.get("/").content.decode()
    # A completed past cohort with outcome history, shown on its outcomes page.
    past = Program.objects.get(slug__startswith="leadership-20", status=ProgramStatus.CLOSED)
    assert past.relationships.exclude(status=RelationshipStatus.CLOSED).count() == 0
    assert past.relationships.count() > 0
    assert CareerEvent.objects.filter(source="demo", kind="promotion").exists()
    assert Person.objects.filter(termination_kind="voluntary").exists()
    manager = Client()
    assert manager.login(username="program.manager", password=DEMO_PASSWORD)
    page = manager.get(f"/insights/programs/{past.slug}/outcomes/")
    assert page.status_code == 200
    assert "Retention after 12 months" in page.content.decode()
    # A peer program for first-time managers, with a run of peer pairs awaiting review.
    peers = Program.objects.get(slug="peer-managers")
    run = peers.runs.get()
    assert run.status == "done" and run.n_matched > 0, run.error
    paired = [e for m in run.matches.all() for e in (m.mentee_id, m.mentor_id)]
    assert len(paired) == len(set(paired))
    assert set(Enrollment.objects.filter(pk__in=paired).values_list("role", flat=True)) == {"peer"}
    page = manager.get(f"/matching/programs/{peers.slug}/")
    assert page.status_code == 200
    assert "Peer" in page.content.decode()
    # A running circle program: circles on track, at risk and closed, overseen by the manager.
    circles = Program.objects.get(slug="circles-2026")
    states = {(c.status, getattr(health_of(c), "health", None)) for c in circles.circles.all()}
    assert ("active", Health.ON_TRACK) in states and ("active", Health.AT_RISK) in states
    assert ("closed", None) in states
    assert manager.get(f"/circles/program/{circles.slug}/").status_code == 200
    # The executive reads the dashboards in aggregate.
    executive = Client()
    assert executive.login(username="executive", password=DEMO_PASSWORD)
    assert User.objects.get(username="executive").is_executive
    for url in ("/insights/", f"/insights/programs/{hipo.slug}/", "/insights/pipeline/"):
        assert executive.get(url).status_code == 200, url
    # The leadership program's communications: its own templates and a message already sent.
    page = manager.get(f"/communications/programs/{hipo.slug}/").content.decode()
    assert "Kick-off invitation" in page and "The program's own" in page
    assert "thank you," in page
    # Journeys in every program, and pairs at different points of theirs.
    assert Journey.objects.count() == Program.objects.count()
    assert not Journey.objects.filter(steps__isnull=True).exists()
    done = StepCompletion.objects.filter(relationship__program=hipo)
    assert done.exists()
    per_pair = {r: done.filter(relationship=r).count() for r in hipo.relationships.all()}
    assert len(set(per_pair.values())) > 2
    pair = hipo.relationships.filter(status=RelationshipStatus.ACTIVE).first()
    assert pair is not None
    page = manager.get(f"/relationships/{pair.pk}/journey/")  # the program's manager oversees
    assert page.status_code == 200 and "Due now" in page.content.decode()


def logins(output: str) -> list[str]:
    """The login lines the demo prints (username, role, name, what they do)."""
    return [line for line in output.splitlines() if " — " in line]


def test_demo_is_reused_and_reset_starts_over(settings: Any) -> None:
    settings.EMAIL_BACKEND = OUTBOX_BACKEND  # the demo's default (DEBUG on)
    first = run_demo()
    first_ids = set(Person.objects.values_list("employee_id", flat=True))
    again = run_demo()
    assert "reusing" in again
    # Every run prints every login with its role, the same list.
    assert logins(again) == logins(first) and len(logins(first)) == 6
    roles = {line.split()[0]: line for line in logins(again)}
    assert "Executive" in roles["executive"] and "HR admin" in roles["hr.admin"]
    assert "/outbox/" in again
    assert Person.objects.count() == 400
    run_demo("--reset")
    assert set(Person.objects.values_list("employee_id", flat=True)) == first_ids  # same seed
    assert User.objects.filter(username="hr.admin").count() == 1


def test_demo_refuses_tiny_sizes() -> None:
    with pytest.raises(CommandError, match="at least 50"):
        call_command("demo", "--no-serve", "--people", "3")
