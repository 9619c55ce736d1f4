"""Program and enrollment pages: thin views over selectors and services."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.accounts.roles import is_hr_admin
from mentorwise.core.confirm import confirmation_page, needs_confirmation
from mentorwise.core.errors import InvalidInput, MentorwiseError, NotFound
from mentorwise.core.htmx import run_action
from mentorwise.core.views import not_found_as_404
from mentorwise.programs import selectors, services
from mentorwise.programs.catalog import TEMPLATES
from mentorwise.programs.eligibility import ineligibility_reason, rules_describe, rules_validate
from mentorwise.programs.enrollment_inputs import WITHDRAWAL_REASON_MAX, Withdrawal
from mentorwise.programs.forms import EnrollmentForm, ProgramForm, add_service_errors
from mentorwise.programs.inputs import ProgramCreate
from mentorwise.programs.models import (
    EnrollmentStatus,
    Program,
    ProgramStatus,
    Role,
    Skill,
    role_noun,
)
from mentorwise.programs.permissions import can_manage_program


def program_list_view(request: AuthedRequest) -> HttpResponse:
    programs = selectors.program_list(actor=request.user, status=request.GET.get("status") or None)
    return render(
        request,
        "programs/list.html",
        {
            "programs": programs,
            "statuses": ProgramStatus.choices,
            "can_create": is_hr_admin(request.user),
        },
    )


def template_list_view(request: AuthedRequest) -> HttpResponse:
    if not is_hr_admin(request.user):
        raise Http404(_("No such page."))
    return render(
        request,
        "programs/templates.html",
        {
            "templates": [
                (t, [(Role(r).label, rules_describe(rules)) for r, rules in t.eligibility.items()])
                for t in TEMPLATES.values()
            ],
        },
    )


@require_POST
def program_create_view(request: AuthedRequest) -> HttpResponse:
    try:
        program = services.program_create(
            actor=request.user,
            data=ProgramCreate(
                template=request.POST.get("template", ""), name=request.POST.get("name", "")
            ),
        )
    except MentorwiseError as error:
        if not is_hr_admin(request.user):
            raise Http404(_("No such page.")) from None
        if isinstance(error, InvalidInput):
            messages.error(request, " ".join(e.message for e in error.errors))
        else:
            messages.error(request, error.message)
        return redirect("programs:templates")
    messages.success(
        request,
        _("“%(name)s” created as a draft. Review every field, then open enrollment.")
        % {"name": program.title},
    )
    return redirect("programs:edit", slug=program.slug)


@not_found_as_404
def program_detail_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = selectors.access_program(actor=request.user, slug=slug)
    manage = can_manage_program(request.user, program)
    mine = {e.role: e for e in selectors.my_enrollments(actor=request.user).filter(program=program)}
    person = request.user.person
    roles = []
    for role in program.roles:
        rules = program.eligibility.get(role, {})
        reason = (
            ineligibility_reason(rules, person)
            if person
            else _("Your login has no employee record.")
        )
        roles.append(
            {
                "role": role,
                "label": Role(role).label,
                "noun": role_noun(role),
                "rules": rules_describe(rules),
                "responsibilities": program.responsibilities_of(role),
                "enrollment": mine.get(role),
                "ineligible": reason,
            }
        )
    return render(
        request,
        "programs/detail.html",
        {
            "program": program,
            "manage": manage,
            "roles": roles,
            "counts": selectors.program_role_counts(program=program) if manage else None,
            "is_hr_admin": is_hr_admin(request.user),
            "managers": program.managers.select_related("person") if manage else [],
            "conflicts": selectors.overseer_conflicts(program=program) if manage else [],
        },
    )


@not_found_as_404
def program_edit_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = selectors.access_managed_program(actor=request.user, slug=slug)
    form = ProgramForm(
        request.POST or None, program=program, may_set_inclusion=is_hr_admin(request.user)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.program_update(actor=request.user, program=program, changes=form.changes())
        except InvalidInput as error:
            add_service_errors(form, error.errors)
        except MentorwiseError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Program saved."))
            return redirect("programs:detail", slug=program.slug)
    return render(
        request,
        "programs/edit.html",
        {
            "program": program,
            "form": form,
            "counts": selectors.program_role_counts(program=program),
        },
    )


@require_POST
@not_found_as_404
def eligibility_preview_view(request: AuthedRequest, slug: str) -> HttpResponse:
    """Live counts for the rules being edited (HTMX partial; nothing is saved)."""
    program = selectors.access_managed_program(actor=request.user, slug=slug)
    form = ProgramForm(request.POST, program=program)
    form.is_valid()  # partial input is fine for a preview: fields that do not parse are skipped
    errors: list[str] = []
    eligibility: dict[str, Any] = {}
    for role, rules in form.eligibility().items():
        try:
            eligibility[role] = rules_validate(rules, role=role)
        except InvalidInput as error:
            errors.extend(str(e) for e in error.errors)
    counts = (
        [] if errors else selectors.program_role_counts(program=program, eligibility=eligibility)
    )
    return render(
        request,
        "programs/edit.html#preview",
        {"counts": counts, "errors": errors, "program": program},
    )


@require_POST
@not_found_as_404
def program_managers_view(request: AuthedRequest, slug: str) -> HttpResponse:
    if not is_hr_admin(request.user):
        raise Http404(_("No such page."))
    program = selectors.access_program(actor=request.user, slug=slug)
    emails = request.POST.get("managers", "").replace(",", "\n").splitlines()
    try:
        services.program_managers_set(actor=request.user, program=program, emails=emails)
    except InvalidInput as error:
        messages.error(request, "; ".join(str(e) for e in error.errors))
    else:
        messages.success(request, _("Program managers saved."))
        _warn_conflicts(request, program)
    return redirect("programs:detail", slug=slug)


def _warn_conflicts(request: AuthedRequest, program: Program) -> None:
    """Name the overseers who also take part: they do not oversee their own relationships."""
    names = [c.person.full_name for c in selectors.overseer_conflicts(program=program)]
    if names:
        messages.warning(
            request,
            ngettext(
                "%(names)s also takes part in %(program)s: the other managers and HR admins "
                "oversee their relationships.",
                "%(names)s also take part in %(program)s: the other managers and HR admins "
                "oversee their relationships.",
                len(names),
            )
            % {"names": ", ".join(names), "program": program.title},
        )


@not_found_as_404
def enroll_view(request: AuthedRequest, slug: str, role: str) -> HttpResponse:
    program = selectors.access_program(actor=request.user, slug=slug)
    if role not in program.roles:
        raise Http404(_("No such role."))
    mine = selectors.my_enrollments(actor=request.user).filter(program=program, role=role).first()
    if mine is not None and mine.status == EnrollmentStatus.ACTIVE:
        messages.info(request, _("You are already enrolled in this role; here is your profile."))
        return redirect("programs:enrollment_edit", enrollment_id=mine.pk)
    form = EnrollmentForm(request.POST or None, program=program, role=role)
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_create(
                actor=request.user,
                program=program,
                data=services.EnrollmentNew(
                    role=role,
                    answers=form.answers(),
                    acknowledged=bool(form.cleaned_data.get("acknowledged")),
                ),
            )
        except InvalidInput as error:
            add_service_errors(form, error.errors)
        except MentorwiseError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("You are enrolled in %(program)s as %(role)s.")
                % {"program": program.title, "role": role_noun(role)},
            )
            if can_manage_program(request.user, program):
                messages.info(
                    request,
                    _(
                        "You oversee this program: its other managers and the HR admins see "
                        "that you take part, and they, not you, oversee your relationships "
                        "(safety reports, health, survey answers)."
                    ),
                )
            return redirect("programs:my_enrollments")
    return render(
        request,
        "programs/enroll.html",
        {
            "program": program,
            "role": role,
            "role_label": Role(role).label,
            "role_noun": role_noun(role),
            "form": form,
            "responsibilities": program.responsibilities_of(role),
        },
    )


@not_found_as_404
def enrollment_edit_view(request: AuthedRequest, enrollment_id: int) -> HttpResponse:
    enrollment = selectors.access_enrollment(actor=request.user, enrollment_id=enrollment_id)
    if enrollment.person_id != request.user.person_id:
        # A manager reads this enrollment elsewhere: it exists for them, but is not theirs.
        raise PermissionDenied(_("Only the enrolled person changes their answers."))
    initial = {
        "development_goals": enrollment.development_goals,
        "expertise": enrollment.expertise,
        "skills_wanted": list(enrollment.skills_wanted.all()),
        "skills_offered": list(enrollment.skills_offered.all()),
        "function_preference": enrollment.function_preference,
        "prefers_same_location": enrollment.prefers_same_location,
        "languages": ", ".join(enrollment.languages),
        "capacity": enrollment.capacity,
        "availability": enrollment.availability,
        **{f"q_{k}": v for k, v in enrollment.answers.items()},
    }
    form = EnrollmentForm(
        request.POST or None,
        initial=initial,
        program=enrollment.program,
        role=enrollment.role,
        with_ack=False,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.enrollment_update(
                actor=request.user, enrollment=enrollment, answers=form.answers()
            )
        except InvalidInput as error:
            add_service_errors(form, error.errors)
        except MentorwiseError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("programs:my_enrollments")
    return render(
        request, "programs/enrollment_edit.html", {"enrollment": enrollment, "form": form}
    )


@require_POST
@not_found_as_404
def enrollment_withdraw_view(request: AuthedRequest, enrollment_id: int) -> HttpResponse:
    enrollment = selectors.access_enrollment(actor=request.user, enrollment_id=enrollment_id)
    own = enrollment.person_id == request.user.person_id
    if needs_confirmation(request):
        values = {
            "program": enrollment.program.title,
            "role": enrollment.role_noun,
            "name": enrollment.person.full_name,
        }
        leaves = (
            _("You leave %(program)s as %(role)s: no more match offers in it.")
            if own
            else _("%(name)s leaves %(program)s as %(role)s: no more match offers in it.")
        )
        return confirmation_page(
            request,
            title=_("Withdraw from %(program)s?") % values,
            consequences=[
                leaves % values,
                _("Relationships already under way stay open; close them on their own pages."),
                _("Enrolling again later starts a new enrollment."),
            ],
            button=_("Withdraw"),
            reason=_("Why are you leaving? (optional)")
            if own
            else _("Why is %(name)s leaving? (optional)") % values,
            reason_max=WITHDRAWAL_REASON_MAX,
            cancel_url=reverse("programs:my_enrollments")
            if own
            else reverse("programs:participants", args=[enrollment.program.slug]),
        )
    run_action(
        request,
        lambda: services.enrollment_withdraw(
            actor=request.user,
            enrollment=enrollment,
            data=Withdrawal(reason=request.POST.get("reason", "")),
        ),
        _("Enrollment withdrawn."),
        labels={"reason": _("Reason")},
    )
    if enrollment.person_id == request.user.person_id:
        return redirect("programs:my_enrollments")
    return redirect("programs:participants", slug=enrollment.program.slug)


@require_POST
@not_found_as_404
def enrollment_availability_view(request: AuthedRequest, enrollment_id: int) -> HttpResponse:
    enrollment = selectors.access_enrollment(actor=request.user, enrollment_id=enrollment_id)
    capacity = request.POST.get("capacity")
    try:
        services.enrollment_set_availability(
            actor=request.user,
            enrollment=enrollment,
            paused=request.POST.get("paused") == "1",
            capacity=int(capacity) if capacity and capacity.isdigit() else None,
        )
    except NotFound:
        raise  # a 404 page, through not_found_as_404
    except MentorwiseError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Availability saved."))
    return redirect("programs:my_enrollments")


def my_enrollments_view(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "programs/my_enrollments.html",
        {
            "enrollments": selectors.my_enrollments(actor=request.user),
        },
    )


@not_found_as_404
def participants_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = selectors.access_managed_program(actor=request.user, slug=slug)
    enrollments = selectors.enrollment_list(
        actor=request.user,
        program=program,
        role=request.GET.get("role") or None,
        status=request.GET.get("status") or None,
        search=request.GET.get("q", "").strip(),
    )
    page = Paginator(enrollments, 50).get_page(request.GET.get("page"))
    context = {
        "program": program,
        "page": page,
        "roles": [(r, Role(r).label) for r in program.roles],
        "statuses": EnrollmentStatus.choices,
        "filters": request.GET,
        "counts": selectors.program_role_counts(program=program),
        "overseers": selectors.overseer_person_ids(program),
    }
    template = "programs/participants.html#rows" if request.htmx else "programs/participants.html"
    return render(request, template, context)


@require_POST
@not_found_as_404
def invite_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = selectors.access_managed_program(actor=request.user, slug=slug)
    filters: dict[str, Any] = {}
    for key in ("level_min", "level_max"):
        if request.POST.get(key):
            filters[key] = request.POST[key]
    for key in ("functions", "locations", "departments"):
        if request.POST.get(key, "").strip():
            filters[key] = request.POST[key]
    try:
        result = services.enrollment_invite_bulk(
            actor=request.user,
            program=program,
            role=request.POST.get("role", ""),
            filters=filters,
        )
    except InvalidInput as error:
        messages.error(request, "; ".join(str(e) for e in error.errors))
    except MentorwiseError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            ngettext(
                "Invited %(n)s person (%(already)s of %(eligible)s eligible were already "
                "invited or enrolled).",
                "Invited %(n)s people (%(already)s of %(eligible)s eligible were already "
                "invited or enrolled).",
                result.invited,
            )
            % {
                "n": result.invited,
                "already": result.already_enrolled,
                "eligible": result.eligible,
            },
        )
    return redirect("programs:participants", slug=program.slug)


def skills_view(request: AuthedRequest) -> HttpResponse:
    if not is_hr_admin(request.user):
        raise Http404(_("No such page."))
    if request.method == "POST":
        try:
            if request.POST.get("action") == "defaults":
                added = services.skills_seed_defaults(actor=request.user)
                messages.success(
                    request,
                    ngettext(
                        "Added %(n)s skill from the default taxonomy.",
                        "Added %(n)s skills from the default taxonomy.",
                        added,
                    )
                    % {"n": added},
                )
            elif request.POST.get("action") in ("retire", "activate"):
                services.skill_set_active(
                    actor=request.user,
                    skill_id=int(request.POST.get("skill", 0)),
                    active=request.POST["action"] == "activate",
                )
            else:
                skill = services.skill_create(
                    actor=request.user,
                    name=request.POST.get("name", ""),
                    category=request.POST.get("category", ""),
                )
                messages.success(request, _("Skill “%(name)s” added.") % {"name": skill.name})
        except InvalidInput as error:
            messages.error(request, "; ".join(str(e) for e in error.errors))
        except (MentorwiseError, ValueError) as error:
            messages.error(request, getattr(error, "message", str(error)))
        return redirect("programs:skills")
    return render(request, "programs/skills.html", {"skills": Skill.objects.all()})
