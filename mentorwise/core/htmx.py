"""What a page action answers after its service call, for full pages and HTMX alike.

The rule, defined here once: **a refused service call never renders the object.** A view
loads the object through its `access_*` selector (enough to act on it, not always enough to
read it: an overseer may reach a goal's id but not its text), calls one service, and only
when the service succeeded may it render the object again. A refusal answers

- to an HTMX request: the refusal's own status (403, 409, 422) with the message alone, in the
  out-of-band messages region, and `HX-Reswap: none`, so the swapped-in target stays as the
  user had it (mentorwise.js lets htmx swap that message despite the error status);
- to a full-page request: the message on the page the form returns to (post/redirect/get).

A `NotFound` is never turned into a message: it propagates and answers 404, exactly like an
id that does not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from mentorwise.core.errors import InvalidInput, MentorwiseError, NotFound
from mentorwise.core.forms import refusal_text_labelled

MESSAGES_TEMPLATE = "htmx/messages.html"


def refusal_text(error: MentorwiseError, labels: Mapping[str, str] | None = None) -> str:
    """The sentence a user reads for a refusal; invalid input names every field at once
    (by its label from `labels` when the page has them)."""
    if labels is not None:
        return refusal_text_labelled(error, labels)
    if isinstance(error, InvalidInput) and error.errors:
        return "; ".join(str(e) for e in error.errors)
    return error.message


def run_action(
    request: HttpRequest,
    action: Callable[[], object],
    success: str,
    *,
    labels: Mapping[str, str] | None = None,
) -> MentorwiseError | None:
    """Call the service of a page action and queue the outcome as a message.

    Returns the refusal (None on success); `NotFound` propagates (a 404 page).
    """
    try:
        action()
    except NotFound:
        raise
    except MentorwiseError as error:
        messages.error(request, refusal_text(error, labels))
        return error
    messages.success(request, success)
    return None


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def refused(request: HttpRequest, error: MentorwiseError) -> HttpResponse:
    """The HTMX answer to a refused action: its status and the queued message, nothing else."""
    if not len(messages.get_messages(request)):  # not queued by run_action: say it here
        messages.error(request, refusal_text(error))
    body = render_to_string(MESSAGES_TEMPLATE, request=request)
    response = HttpResponse(body, status=error.status)
    response["HX-Reswap"] = "none"
    return response


def render_swap(
    request: HttpRequest, template_name: str, context: dict[str, object]
) -> HttpResponse:
    """A fragment for HTMX to swap in after a successful action, with the queued messages
    out of band (into the page's aria-live region)."""
    body = render_to_string(template_name, context, request)
    return HttpResponse(body + render_to_string(MESSAGES_TEMPLATE, request=request))


def action_response(
    request: HttpRequest,
    error: MentorwiseError | None,
    *,
    page: Callable[[], HttpResponse],
    swap: Callable[[], HttpResponse] | None = None,
) -> HttpResponse:
    """The answer to a page action whose service returned `error` (None: it succeeded).

    Success: `swap()` (the refreshed fragment) for an HTMX request when the view has one,
    otherwise `page()` (usually a redirect back). Refusal: `refused()` for HTMX, `page()`
    for a full page; `swap` is never called, so the object is never rendered.
    """
    if error is not None:
        return refused(request, error) if is_htmx(request) else page()
    if swap is not None and is_htmx(request):
        return swap()
    return page()
