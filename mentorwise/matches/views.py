"""Matching pages: the program manager's review, and the mentee's search for a mentor."""

from __future__ import annotations

import html

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from mentorwise.accounts.http import AuthedRequest
from mentorwise.core.errors import MentorwiseError, NotFound
from mentorwise.core.htmx import action_response, refusal_text, render_swap, run_action
from mentorwise.core.views import not_found_as_404
from mentorwise.matches import scores, selectors, services
from mentorwise.matches.models import Match, MatchStatus, RunMethod, RunStatus
from mentorwise.matches.problem import giving_role, is_peer_program, taking_role
from mentorwise.programs.models import Program, Role, role_noun, role_plural
from mentorwise.programs.selectors import access_managed_program, access_program


def _managed(request: AuthedRequest, slug: str) -> Program:
    try:
        return access_managed_program(actor=request.user, slug=slug)
    except NotFound as error:
        raise Http404(error.message) from None


def _rows_html(template: str, rows: list[tuple[str, str]]) -> SafeString:
    """Long lists (thousands of options, hundreds of rows) escaped in one pass, as the
    template engine and `format_html` would (`html.escape`), but without their layers per
    value, which took most of the page's time."""
    return mark_safe("".join(template.format(*map(html.escape, row)) for row in rows))


def program_matching_view(request: AuthedRequest, slug: str) -> HttpResponse:
    """The manager's matching page: run, review proposals, publish."""
    program = _managed(request, slug)
    run = selectors.run_latest(program=program)
    show = request.GET.get("show", "open")
    statuses = {
        "open": (MatchStatus.PROPOSED, MatchStatus.APPROVED),
        "published": (MatchStatus.PUBLISHED, MatchStatus.ACCEPTED, MatchStatus.REQUESTED),
        "declined": (MatchStatus.REJECTED, MatchStatus.DECLINED, MatchStatus.EXPIRED),
    }.get(show)
    matches = selectors.program_matches(program=program, statuses=statuses)[:500]
    role = giving_role(program)
    return render(
        request,
        "matches/program.html",
        {
            "program": program,
            "run": run,
            "matches": matches,
            "show": show,
            "counts": {
                MatchStatus(status).label: n
                for status, n in selectors.program_match_counts(program=program).items()
            },
            "unmatched": _rows_html(
                "<tr><td>{}</td><td>{}</td></tr>", selectors.run_unmatched(run=run) if run else []
            ),
            "methods": RunMethod.choices,
            "running": run is not None and run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
            "mentee_options": _rows_html(
                '<option value="{}">{}</option>',
                selectors.enrollment_choices(program=program, role=taking_role(program)),
            ),
            "mentor_options": _rows_html(
                '<option value="{}">{}</option>',
                selectors.enrollment_choices(program=program, role=role),
            ),
            "is_peer": is_peer_program(program),
            "mentee_label": Role(taking_role(program)).label,
            "mentor_label": Role(role).label,
            "mentor_noun": role_noun(role),
            "mentor_plural": role_plural(role),
        },
    )


@require_POST
def run_create_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = _managed(request, slug)
    try:
        run = services.run_create(
            actor=request.user, program=program, method=request.POST.get("method", "optimal")
        )
        services.run_dispatch(run)
    except MentorwiseError as error:
        messages.error(request, refusal_text(error))
    else:
        run.refresh_from_db()
        if run.status == RunStatus.DONE:
            proposals = ngettext("%(n)d proposal", "%(n)d proposals", run.n_matched or 0) % {
                "n": run.n_matched or 0
            }
            messages.success(
                request,
                ngettext(
                    "Matching run finished: %(proposals)s for %(n)d mentee.",
                    "Matching run finished: %(proposals)s for %(n)d mentees.",
                    run.n_mentees or 0,
                )
                % {"proposals": proposals, "n": run.n_mentees or 0},
            )
        elif run.status == RunStatus.FAILED:
            messages.error(request, _("The matching run failed: %(error)s") % {"error": run.error})
        else:
            messages.info(
                request,
                _("This run is large and runs in the background; this page shows its progress."),
            )
    return redirect("matches:program", slug=program.slug)


def run_status_view(request: AuthedRequest, run_id: int) -> HttpResponse:
    """Progress of a run (polled by the matching page while it runs)."""
    try:
        run = selectors.access_run(actor=request.user, run_id=run_id)
    except NotFound as error:
        raise Http404(error.message) from None
    response = render(
        request,
        "matches/program.html#run-status",
        {
            "run": run,
            "program": run.program,
            "running": run.status in (RunStatus.QUEUED, RunStatus.RUNNING),
        },
    )
    if run.status in (RunStatus.DONE, RunStatus.FAILED) and request.htmx:
        response["HX-Refresh"] = "true"  # show the proposals
    return response


_ACTIONS = {
    "approve": lambda actor, match: services.match_approve(actor=actor, match=match),
    "reject": lambda actor, match: services.match_reject(actor=actor, match=match),
    "lock": lambda actor, match: services.match_lock(actor=actor, match=match, locked=True),
    "unlock": lambda actor, match: services.match_lock(actor=actor, match=match, locked=False),
}
_DONE = {
    "approve": gettext_lazy("Proposal approved."),
    "reject": gettext_lazy("Proposal declined."),
    "lock": gettext_lazy("Proposal locked: the next run keeps it."),
    "unlock": gettext_lazy("Proposal unlocked."),
}


@require_POST
@not_found_as_404
def match_action_view(request: AuthedRequest, match_id: int, action: str) -> HttpResponse:
    """Approve, decline, lock or unlock one proposal; HTMX swaps the row."""
    match = selectors.access_managed_match(actor=request.user, match_id=match_id)
    if action not in _ACTIONS and action != "forbid":
        raise Http404(_("No such action."))
    if action == "forbid":
        error = run_action(
            request,
            lambda: services.pair_forbid(
                actor=request.user,
                program=match.program,
                mentee_id=match.mentee_id,
                mentor_id=match.mentor_id,
                reason=request.POST.get("reason", ""),
            ),
            _("The pair will never be proposed again in this program."),
        )
    else:
        error = run_action(
            request, lambda: _ACTIONS[action](request.user, match), str(_DONE[action])
        )
    return action_response(
        request,
        error,
        swap=lambda: _match_row(request, match),
        page=lambda: redirect("matches:program", slug=match.program.slug),
    )


def _match_row(request: AuthedRequest, match: Match) -> HttpResponse:
    match.refresh_from_db()
    return render_swap(request, "matches/program.html#match-row", {"m": match})


@require_POST
def approve_all_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = _managed(request, slug)
    run = selectors.run_latest(program=program)
    if run is None:
        messages.error(request, _("Run matching first."))
    else:
        approved = services.matches_approve_all(actor=request.user, run=run)
        messages.success(
            request,
            ngettext("Approved %(n)d proposal.", "Approved %(n)d proposals.", approved)
            % {"n": approved},
        )
    return redirect("matches:program", slug=program.slug)


@require_POST
def publish_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = _managed(request, slug)
    published = services.matches_publish(actor=request.user, program=program)
    messages.success(
        request,
        ngettext(
            "Published %(n)d match: both people were notified and can now accept or decline.",
            "Published %(n)d matches: both people were notified and can now accept or decline.",
            published,
        )
        % {"n": published},
    )
    return redirect("matches:program", slug=program.slug)


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0


@require_POST
def manual_preview_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = _managed(request, slug)
    try:
        preview = scores.pair_preview(
            actor=request.user,
            program=program,
            mentee_id=_int(request.POST.get("mentee")),
            mentor_id=_int(request.POST.get("mentor")),
        )
    except MentorwiseError as error:
        return render(
            request, "matches/program.html#manual-preview", {"preview_error": refusal_text(error)}
        )
    return render(request, "matches/program.html#manual-preview", {"preview": preview})


@require_POST
def manual_create_view(request: AuthedRequest, slug: str) -> HttpResponse:
    program = _managed(request, slug)
    try:
        match = services.match_create_manual(
            actor=request.user,
            program=program,
            mentee_id=_int(request.POST.get("mentee")),
            mentor_id=_int(request.POST.get("mentor")),
        )
    except MentorwiseError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(request, _("Pair %(pair)s made by hand and approved.") % {"pair": match})
    return redirect("matches:program", slug=program.slug)


def find_mentor_view(request: AuthedRequest, slug: str) -> HttpResponse:
    """Self-match: a mentee's recommendations and the browsable list of mentors."""
    try:
        program = access_program(actor=request.user, slug=slug)
        cards = scores.mentor_cards(
            actor=request.user,
            program=program,
            search=request.GET.get("q", "").strip(),
            function=request.GET.get("function", ""),
            only_available=request.GET.get("available") == "1",
        )
    except NotFound as error:
        raise Http404(error.message) from None
    except MentorwiseError as error:
        messages.error(request, error.message)
        return redirect("programs:detail", slug=slug)
    requests = selectors.my_requests(person_id=request.user.person_id).filter(program=program)
    marks = selectors.my_marks(person_id=request.user.person_id, program=program)
    with_marks = [(c, marks.get(c.enrollment.pk)) for c in cards]
    context = {
        "program": program,
        "current": selectors.my_current_match(person_id=request.user.person_id, program=program),
        "recommended": [cm for cm in with_marks if cm[0].allowed][:5],
        "cards": Paginator(with_marks, 24).get_page(request.GET.get("page")),
        "requests": requests,
        "filters": request.GET,
        "mentor_label": Role(giving_role(program)).label,
        "mentor_noun": role_noun(giving_role(program)),
        "mentor_plural": role_plural(giving_role(program)),
        "functions": sorted(
            {c.enrollment.person.function for c in cards if c.enrollment.person.function}
        ),
    }
    template = "matches/find.html#cards" if request.htmx else "matches/find.html"
    return render(request, template, context)


def mentee_list_view(request: AuthedRequest, slug: str) -> HttpResponse:
    """For mentors, where the program allows: unmatched mentees to prefer or veto."""
    try:
        program = access_program(actor=request.user, slug=slug)
        cards = scores.mentee_cards(actor=request.user, program=program)
    except NotFound as error:
        raise Http404(error.message) from None
    except MentorwiseError as error:
        messages.error(request, error.message)
        return redirect("programs:detail", slug=slug)
    marks = selectors.my_marks(person_id=request.user.person_id, program=program)
    return render(
        request,
        "matches/mentees.html",
        {
            "program": program,
            "cards": [(c, marks.get(c.enrollment.pk)) for c in cards[:300]],
        },
    )


@require_POST
def request_mentor_view(request: AuthedRequest, slug: str, mentor_id: int) -> HttpResponse:
    try:
        program = access_program(actor=request.user, slug=slug)
        match = services.mentor_request_create(
            actor=request.user,
            program=program,
            mentor_id=mentor_id,
            message=request.POST.get("message", ""),
        )
    except NotFound as error:
        raise Http404(error.message) from None
    except MentorwiseError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(
            request,
            _("Request sent to %(name)s. They have until %(day)s to answer.")
            % {
                "name": match.mentor.person,
                "day": services.answer_day(match, request.user),
            },
        )
    if request.POST.get("back") == "mentees":
        return redirect("matches:mentees", slug=slug)
    return redirect("matches:find", slug=slug)


@require_POST
def preference_view(request: AuthedRequest, slug: str, other_id: int) -> HttpResponse:
    kind = request.POST.get("kind") or None
    try:
        program = access_program(actor=request.user, slug=slug)
        services.preference_set_in_program(
            actor=request.user, program=program, other_id=other_id, kind=kind
        )
    except NotFound as error:
        raise Http404(error.message) from None
    except MentorwiseError as error:
        messages.error(request, refusal_text(error))
    else:
        messages.success(
            request,
            {
                "prefer": _("Marked as preferred."),
                "veto": _("Vetoed: you will not be matched."),
            }.get(kind or "", _("Mark removed.")),
        )
    return redirect("matches:find", slug=slug)
