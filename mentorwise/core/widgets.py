"""Form widgets written out in Python: the same HTML as Django's widget templates, cheaper.

A page form renders each field's widget through the template engine: `input.html` with its
included `attrs.html`, a `select.html` including one `select_option.html` per choice. On a
relationship page (about a dozen forms) that was a tenth of the request's CPU. The renderer
below writes the widgets whose templates are Django's own (inputs of every type, textareas,
selects) directly, and hands everything else (form and field templates, other widgets, a
widget with a template of its own) to the template engine. `core/tests/test_widgets.py`
compares both renderers on random names, values, attributes and choices.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any

from django.forms import Form
from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.template.base import template_localtime  # type: ignore[attr-defined]  # re-exported from django.utils.timezone
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext, override

_WIDGETS = "django/forms/widgets/"
# core.forms.PageForm's template (named there; written out here as well).
PAGE_FORM_TEMPLATE = "forms/fields.html"


def _shown(value: Any) -> str:
    """`{{ value }}` in a template: local time, localized, escaped unless already safe."""
    if type(value) is str:  # most values: text neither localized nor safe, only escaped
        return html.escape(value)
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return str(conditional_escape(value))


def _as_string(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: the text of the value, escaped unless it was safe."""
    if isinstance(value, tuple):
        value = str(value)
    text = "%s" % value  # noqa: UP031 - stringformat's own operation
    return text if isinstance(value, SafeData) else str(conditional_escape(text))


def _attrs(attrs: Mapping[str, Any]) -> str:
    """`attrs.html`: ` name="value"`, a bare ` name` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {_shown(name)}")
        else:
            parts.append(f' {_shown(name)}="{_as_string(value)}"')
    return "".join(parts)


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown_value = f' value="{_as_string(value)}"' if value is not None else ""
    return (
        f'<input type="{_shown(widget["type"])}" name="{_shown(widget["name"])}"'
        f"{shown_value}{_attrs(widget['attrs'])}>"
    )


def _textarea(widget: Mapping[str, Any]) -> str:
    value = _shown(widget["value"]) if widget["value"] else ""
    return (
        f'<textarea name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    )


def _option(option: Mapping[str, Any]) -> str:
    return (
        f'<option value="{_as_string(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_shown(option['label'])}</option>"
    )


def _select(widget: Mapping[str, Any]) -> str | None:
    parts = [f'<select name="{_shown(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_shown(group_name)}">')
        for option in group_choices:
            if option["template_name"] != _WIDGETS + "select_option.html":
                return None  # an option of its own kind: the template engine renders it
            parts.append(f"\n  {_option(option)}\n")
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


# Django's widget templates written here (a renderer strips what it renders, so the files'
# final newlines are not part of the widget).
_WRITERS: dict[str, Callable[[Mapping[str, Any]], str | None]] = {
    _WIDGETS + "input.html": _input,
    **{
        f"{_WIDGETS}{name}.html": _input
        for name in (
            "text",
            "number",
            "email",
            "url",
            "password",
            "hidden",
            "date",
            "datetime",
            "time",
            "checkbox",
            "search",
            "color",
            "tel",
        )
    },
    _WIDGETS + "textarea.html": _textarea,
    _WIDGETS + "select.html": _select,
}


_REQUIRED_MARK = (
    ' <span class="required-mark" aria-hidden="true">*</span>'
    '<span class="visually-hidden"> {required}</span>'
)


def _required(field: Any) -> str:
    # `{% translate "(required)" %}` of a template literal: the translation is not escaped.
    return _REQUIRED_MARK.format(required=gettext("(required)")) if field.field.required else ""


def _field_errors(field: Any) -> str:
    if not field.errors:
        return ""
    errors = " ".join(_shown(e) for e in field.errors)
    return f'<p class="field-error" id="{_shown(field.auto_id)}_error">{errors}</p>'


def _hidden_field_errors(field: Any) -> str:
    """`{% blocktranslate %}{{ label }}: {{ errors }}{% endblocktranslate %}` of a hidden
    field; like the tag, the whole sentence in English when a translation's placeholders do
    not fit."""

    def sentence(text: str) -> str:
        errors = " ".join(str(conditional_escape(e)) for e in field.errors)
        return text % {"label": _shown(field.label), "errors": errors}

    try:
        return sentence(gettext("%(label)s: %(errors)s"))
    except (KeyError, ValueError):
        with override(None):
            return sentence("%(label)s: %(errors)s")


def _visible_field(field: Any) -> str:
    """One visible field of `forms/fields.html`: its label, help, input and error."""
    label_for = f'<label for="{_shown(field.id_for_label)}">'
    if field.widget_type == "checkbox":
        body = f"{label_for}{_shown(field)} {_shown(field.label)}</label>\n  "
    elif field.use_fieldset:
        described = f' aria-describedby="{_shown(field.auto_id)}_error"' if field.errors else ""
        body = (
            f'<fieldset class="choices"{described}><legend>{_shown(field.label)}'
            f"{_required(field)}</legend>\n  {_shown(field)}</fieldset>\n  "
        )
    else:
        help_text = (
            f'<p class="help" id="{_shown(field.auto_id)}_helptext">{_shown(field.help_text)}</p>'
            if field.help_text
            else ""
        )
        label = f"{label_for}{_shown(field.label)}{_required(field)}</label>"
        body = f"{label}\n  {help_text}\n  {_shown(field)}"
    has_error = " has-error" if field.errors else ""
    return f'\n<div class="field{has_error}">\n  {body}\n  {_field_errors(field)}\n</div>\n'


def _page_form(context: Mapping[str, Any]) -> str:
    """`forms/fields.html` (core.forms.PageForm's template): the same HTML, stripped as a
    renderer strips what it renders."""
    form = context["form"]
    parts = []
    if form.non_field_errors():
        errors = "".join(f"<p>{_shown(e)}</p>" for e in form.non_field_errors())
        parts.append(f'<div class="errors form-errors" role="alert">{errors}</div>')
    parts.append("\n")
    for field in form.hidden_fields():
        parts.append(_shown(field))
        if field.errors:
            parts.append(f'<p class="field-error" role="alert">{_hidden_field_errors(field)}</p>')
    parts.append("\n")
    parts.extend(_visible_field(field) for field in form.visible_fields())
    return "".join(parts).strip()


class WidgetRenderer(DjangoTemplates):
    """Django's template renderer, writing Django's own widget templates and the page
    forms' field list (`forms/fields.html`) in Python."""

    def render(
        self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None
    ) -> SafeString | str:
        if template_name == PAGE_FORM_TEMPLATE and isinstance(context.get("form"), Form):
            return mark_safe(_page_form(context))
        writer = _WRITERS.get(template_name)
        widget = context.get("widget") if writer is not None else None
        if writer is not None and isinstance(widget, Mapping) and len(context) == 1:
            html = writer(widget)
            if html is not None:
                return mark_safe(html)
        return str(super().render(template_name, context, request))
