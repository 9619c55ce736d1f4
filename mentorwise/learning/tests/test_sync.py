"""Built-in modules: shipped files are valid, synced after migrate, and re-syncing is safe."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from mentorwise.core.errors import InvalidInput
from mentorwise.core.models import AuditEntry
from mentorwise.learning.builtin import MODULES_DIR, builtin_modules_read
from mentorwise.learning.models import ModuleCompletion, TrainingModule
from mentorwise.learning.services import modules_sync_builtin
from mentorwise.learning.tests.factories import make_module

pytestmark = pytest.mark.django_db

REQUIRED_TOPICS = {
    "what-is-mentoring",
    "developmental-conversations",
    "active-listening",
    "inclusive-mentoring-and-sponsorship",
    "supporting-a-first-time-manager",
    "reverse-mentoring",
}


def test_shipped_modules_are_valid_and_substantial() -> None:
    modules = builtin_modules_read()
    assert {m.slug for m in modules} >= REQUIRED_TOPICS
    for module in modules:
        assert 3 <= len(module.questions) <= 5, module.slug
        assert 400 <= len(module.body_markdown.split()) <= 900, module.slug
        assert all(q["explanation"] for q in module.questions)


def test_builtin_modules_are_in_the_database_after_migrate() -> None:
    slugs = set(TrainingModule.objects.filter(is_builtin=True).values_list("slug", flat=True))
    assert slugs >= REQUIRED_TOPICS


def test_sync_twice_changes_nothing() -> None:
    before = list(TrainingModule.objects.values("slug", "version", "updated_at"))
    audits = AuditEntry.objects.count()
    result = modules_sync_builtin()
    assert not (result.created or result.updated or result.retired)
    assert len(result.unchanged) == len(builtin_modules_read())
    assert list(TrainingModule.objects.values("slug", "version", "updated_at")) == before
    assert AuditEntry.objects.count() == audits


def _copy_modules(tmp_path: Path) -> Path:
    target = tmp_path / "modules"
    shutil.copytree(MODULES_DIR, target)
    return target


def test_sync_updates_changed_content_and_raises_the_version(tmp_path: Path) -> None:
    directory = _copy_modules(tmp_path)
    path = directory / "03-active-listening.md"
    path.write_text(path.read_text().replace("Most of us listen", "Many of us listen"))
    module = TrainingModule.objects.get(slug="active-listening")
    result = modules_sync_builtin(directory=directory)
    assert result.updated == ["active-listening"]
    module.refresh_from_db()
    assert module.version == 2 and "Many of us listen" in module.body_markdown
    assert AuditEntry.objects.filter(action="training_module.synced_updated").count() == 1
    assert modules_sync_builtin(directory=directory).updated == []


def test_sync_keeps_admin_modules_and_retires_removed_builtins(tmp_path, mentor) -> None:
    directory = _copy_modules(tmp_path)
    (directory / "06-reverse-mentoring.md").unlink()
    own = make_module("our-values")
    reverse = TrainingModule.objects.get(slug="reverse-mentoring")
    ModuleCompletion.objects.create(person=mentor.person, module=reverse, score=100)
    result = modules_sync_builtin(directory=directory)
    assert result.retired == ["reverse-mentoring"]
    reverse.refresh_from_db()
    assert not reverse.is_active and reverse.completions.count() == 1
    assert TrainingModule.objects.filter(pk=own.pk, is_active=True).exists()


def test_sync_never_overwrites_an_admin_module_with_the_same_slug() -> None:
    TrainingModule.objects.filter(slug="active-listening").delete()
    own = make_module("active-listening", title="Our own listening module")
    result = modules_sync_builtin()
    assert result.skipped == ["active-listening"]
    own.refresh_from_db()
    assert own.title == "Our own listening module" and not own.is_builtin


def test_sync_restores_a_deleted_builtin() -> None:
    TrainingModule.objects.filter(slug="active-listening").delete()
    assert modules_sync_builtin().created == ["active-listening"]


def test_bad_module_file_is_reported_with_file_and_field(tmp_path: Path) -> None:
    directory = _copy_modules(tmp_path)
    path = directory / "01-what-is-mentoring.md"
    path.write_text(path.read_text().replace('answer = "b"', 'answer = "z"', 1))
    with pytest.raises(InvalidInput) as caught:
        modules_sync_builtin(directory=directory)
    assert "01-what-is-mentoring.md: questions[1].answer" in str(caught.value.errors[0])


def test_command_prints_a_summary() -> None:
    out = StringIO()
    call_command("sync_training", stdout=out)
    assert "0 added, 0 updated" in out.getvalue()


def test_command_fails_with_the_problem(monkeypatch, tmp_path: Path) -> None:
    directory = _copy_modules(tmp_path)
    (directory / "99-broken.md").write_text("no header\n")
    monkeypatch.setattr(
        "mentorwise.learning.management.commands.sync_training.modules_sync_builtin",
        lambda actor: modules_sync_builtin(actor=actor, directory=directory),
    )
    with pytest.raises(CommandError, match=r"99-broken\.md"):
        call_command("sync_training", stdout=StringIO())


def test_builtins_follow_file_order_and_renaming_a_file_is_not_a_new_version(tmp_path) -> None:
    first = TrainingModule.objects.filter(is_active=True).first()
    assert first is not None and first.slug == "what-is-mentoring"
    directory = _copy_modules(tmp_path)
    (directory / "03-active-listening.md").rename(directory / "00-active-listening.md")
    result = modules_sync_builtin(directory=directory)
    assert result.updated == []
    module = TrainingModule.objects.get(slug="active-listening")
    assert module.position == 1 and module.version == 1
