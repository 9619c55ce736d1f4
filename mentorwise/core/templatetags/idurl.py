"""`{% url %}` as Django's, with URLs of integer ids built by `core.idurls.id_url`.

Installed as a template builtin (settings' `TEMPLATES`), so it replaces Django's tag in every
template without a `{% load %}`; the tag's syntax and every answer are Django's (the parsing
is Django's own; `core/tests/test_idurls.py` renders both).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template import defaulttags
from django.template.base import Parser, Token
from django.urls import NoReverseMatch, reverse
from django.utils.html import conditional_escape

from mentorwise.core.idurls import id_url

register = template.Library()


class IdURLNode(defaulttags.URLNode):
    def render(self, context: template.Context) -> str:
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        current_app = _current_app(context)
        url = ""
        try:
            if kwargs:
                url = reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)
            else:
                url = id_url(view_name, args, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


def _current_app(context: template.Context) -> Any:
    """The namespace Django's tag asks `reverse()` for (the request's, if it has one)."""
    request = getattr(context, "request", None)
    try:
        return request.current_app  # type: ignore[union-attr]
    except AttributeError:
        try:
            return request.resolver_match.namespace  # type: ignore[union-attr]
        except AttributeError:
            return None


@register.tag("url")
def url(parser: Parser, token: Token) -> IdURLNode:
    node = defaulttags.url(parser, token)
    return IdURLNode(node.view_name, node.args, node.kwargs, node.asvar)
