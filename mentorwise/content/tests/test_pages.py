"""The translation pages: who sees them, what a save writes, and every refusal."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from conftest import make_person, make_user, page_client
from mentorwise.accounts.models import User
from mentorwise.core.models import AuditEntry, ContentTranslation
from mentorwise.programs.models import Program

pytestmark = pytest.mark.django_db

EDIT = "/translations/program/leadership-2026/fr/"


def test_hr_admin_sees_every_program_and_module_with_what_is_missing(
    hr_admin: User, program: Program, other_program: Program
) -> None:
    body = page_client(hr_admin).get("/translations/").content.decode()
    assert "Leadership 2026" in body and "Buddies" in body
    assert "What mentoring is" in body  # a built-in training module
    assert "missing" in body


def test_a_program_manager_sees_and_translates_only_their_programs(
    program_manager: User, program: Program, other_program: Program
) -> None:
    client = page_client(program_manager)
    overview = client.get("/translations/").content.decode()
    assert "Leadership 2026" in overview and "Buddies" not in overview
    assert "What mentoring is" not in overview  # modules are HR admins' to translate
    assert client.get(EDIT).status_code == 200
    assert client.get("/translations/program/buddies/fr/").status_code == 404
    assert client.get("/translations/module/what-is-mentoring/fr/").status_code == 404
    denied = client.post("/translations/program/buddies/fr/", {"program/name": "x"})
    assert denied.status_code == 404
    assert not _written()


@pytest.mark.parametrize("who", ["mentee", "mentor", "executive", "outsider"])
def test_people_who_translate_nothing_get_not_found_everywhere(
    request: pytest.FixtureRequest, who: str, program: Program
) -> None:
    client = page_client(request.getfixturevalue(who))
    for url in ("/translations/", EDIT, EDIT.rstrip("/") + ".po"):
        assert client.get(url).status_code == 404, url
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404, url
    assert client.post(EDIT, {"program/name": "x"}).status_code == 404
    assert client.post(EDIT + "upload/", {}).status_code == 404
    assert not _written()


def test_anonymous_visitors_are_sent_to_sign_in(program: Program) -> None:
    response = Client().get(EDIT)
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_saving_writes_every_text_in_one_go_and_shows_it_to_french_readers(
    program_manager: User, program: Program, mentee: User
) -> None:
    client = page_client(program_manager)
    response = client.post(
        EDIT,
        {
            "program/name": "Leadership 2026 (FR)",
            "program/objectives": "Préparer\nÉlargir\nRetenir",
            "survey-midpoint/questions.satisfaction.label": "Êtes-vous satisfait ?",
            "not-a-field": "ignored",
        },
    )
    assert response.status_code == 302
    assert _written() == 3
    entry = AuditEntry.objects.filter(action="content.translated").get()
    assert entry.data == {"language": "fr", "saved": 3, "removed": 0}
    mentee.language = "fr"
    mentee.save()
    page = page_client(mentee).get(f"/programs/{program.slug}/").content.decode()
    assert "Leadership 2026 (FR)" in page and "Élargir" in page
    assert 'lang="fr"' in page


def test_a_wrong_text_saves_nothing_and_names_each_problem(
    hr_admin: User, program: Program
) -> None:
    response = page_client(hr_admin).post(
        EDIT, {"program/name": "Bon nom", "program/description": "x" * 20_001}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "longer than 20000 characters" in body
    assert 'value="Bon nom"' in body  # what was typed is kept
    assert 'aria-invalid="true"' in body
    assert not _written()


def test_the_programs_own_language_and_unknown_languages_are_not_offered(
    hr_admin: User, program: Program
) -> None:
    client = page_client(hr_admin)
    assert client.get("/translations/program/leadership-2026/en/").status_code == 404
    assert client.get("/translations/program/leadership-2026/xx/").status_code == 404
    assert client.get("/translations/program/leadership-2026/en-xa/").status_code == 404


def test_a_po_file_goes_out_and_comes_back(hr_admin: User, program: Program) -> None:
    import polib

    client = page_client(hr_admin)
    exported = client.get(EDIT.rstrip("/") + ".po")
    assert exported.status_code == 200
    assert "attachment" in exported["Content-Disposition"]
    po = polib.pofile("\n" + exported.content.decode())
    ids = {e.msgctxt for e in po}
    assert {"program/name", "program/description", "survey-closing/questions.comments.label"} <= ids
    for entry in po:
        if entry.msgctxt == "program/name":
            entry.msgstr = "Leadership (PO)"
    response = client.post(EDIT + "upload/", {"file": _upload(str(po))}, format="multipart")
    assert response.status_code == 302
    with translation.override("fr"):
        assert Program.objects.get(pk=program.pk).title == "Leadership (PO)"


def test_a_po_file_for_an_older_text_or_another_program_is_refused_whole(
    hr_admin: User, program: Program
) -> None:
    import polib

    client = page_client(hr_admin)
    po = polib.pofile("\n" + client.get(EDIT.rstrip("/") + ".po").content.decode())
    for entry in po:
        entry.msgstr = "traduit"
        if entry.msgctxt == "program/name":
            entry.msgid = "An older name"
    po.append(polib.POEntry(msgctxt="program/nonsense", msgid="x", msgstr="y"))
    response = client.post(EDIT + "upload/", {"file": _upload(str(po))})
    assert response.status_code == 422
    body = response.content.decode()
    assert "changed after the file was exported" in body
    assert "program/nonsense" in body
    assert not _written()


def test_an_uploaded_text_naming_a_file_is_read_as_text_not_opened(
    hr_admin: User, program: Program
) -> None:
    response = page_client(hr_admin).post(EDIT + "upload/", {"file": _upload("/etc/passwd")})
    assert response.status_code == 422
    body = response.content.decode()
    assert "is not a PO file" in body and "root:" not in body
    assert not _written()


def test_a_user_who_manages_one_program_and_is_a_mentee_in_another_translates_only_the_first(
    program: Program, other_program: Program, skills: list
) -> None:
    from conftest import _enroll

    person = make_person(first_name="Dual", last_name="Roles")
    user = make_user(person)
    program.managers.add(user)
    _enroll(other_program, person, "mentee", skills)
    client = page_client(user)
    assert client.get(EDIT).status_code == 200
    assert client.get("/translations/program/buddies/fr/").status_code == 404


def _written() -> int:
    """Translations written by someone (the shipped ones are stored by the system)."""
    return ContentTranslation.objects.filter(updated_by__isnull=False).count()


def _upload(text: str):  # type: ignore[no-untyped-def]
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("t.po", text.encode(), content_type="text/x-gettext-translation")


def test_a_translation_of_an_original_changed_meanwhile_is_refused(
    hr_admin: User, program: Program
) -> None:
    from mentorwise.programs.services import ProgramChanges, program_update

    client = page_client(hr_admin)
    form = client.get(EDIT).content.decode()
    seen = form.split('name="seen:program/description" value="', 1)[1].split('"', 1)[0]
    program_update(actor=hr_admin, program=program, changes=ProgramChanges(description="New"))
    response = client.post(
        EDIT,
        {"program/description": "Ancienne", "seen:program/description": seen},
    )
    assert response.status_code == 422
    assert "its original changed while you were translating" in response.content.decode()
    assert not _written()


def test_a_po_file_with_a_byte_order_mark_is_read_and_one_for_another_language_refused(
    hr_admin: User, program: Program, other_program: Program
) -> None:
    import polib

    client = page_client(hr_admin)
    po = polib.pofile("\n" + client.get(EDIT.rstrip("/") + ".po").content.decode())
    for entry in po:
        if entry.msgctxt == "program/name":
            entry.msgstr = "Leadership (BOM)"
    with_bom = "\ufeff" + str(po)
    assert client.post(EDIT + "upload/", {"file": _upload(with_bom)}).status_code == 302
    german = client.post(
        "/translations/program/leadership-2026/de/upload/", {"file": _upload(str(po))}
    )
    assert german.status_code == 422
    assert "holds translations into fr, not de" in german.content.decode()
    elsewhere = client.post("/translations/program/buddies/fr/upload/", {"file": _upload(str(po))})
    assert elsewhere.status_code == 422
    assert "was made for program:leadership-2026" in elsewhere.content.decode()
    with translation.override("fr"):
        assert Program.objects.get(pk=program.pk).title == "Leadership (BOM)"
    written = ContentTranslation.objects.filter(updated_by__isnull=False)
    assert not written.filter(language="de").exists()
    assert not written.filter(owner="programs.program", owner_id=other_program.pk).exists()


def test_the_overview_reads_a_fixed_number_of_queries_however_many_programs(
    hr_admin: User, program: Program, django_assert_max_num_queries: object
) -> None:
    from mentorwise.content.status import status_overview
    from mentorwise.programs.services import program_create_from_template

    for n in range(8):
        program_create_from_template(actor=hr_admin, template_key="flash_mentoring", name=f"F{n}")
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        rows = status_overview(hr_admin)
    assert len([r for r in rows if r.target.kind == "program"]) == 9
