"""The Python widget writer (core.widgets) against Django's own widget templates: the same
HTML for random names, values, attributes and choices (whole pages: tests/test_widget_pages.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override, trans_real
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorwise.core.forms import PageForm
from mentorwise.core.widgets import WidgetRenderer

TEMPLATES, PYTHON = DjangoTemplates(), WidgetRenderer()

text = st.text(alphabet=st.sampled_from(list("aZ9 <>&\"'é-_\n")), max_size=12)
values = st.one_of(
    st.none(),
    text,
    text.map(mark_safe),
    st.integers(-5000, 5000),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2040, 1, 1)),
    st.booleans(),
    st.just(gettext_lazy("Status")),
)
attr_names = st.text(alphabet=st.sampled_from(list("abcxyz-")), min_size=1, max_size=8)
attrs = st.dictionaries(attr_names, st.one_of(text, st.integers(), st.booleans()), max_size=4)
labels = st.one_of(text, st.integers(0, 3000), st.just(gettext_lazy("Active")))
choice_values = st.one_of(text, st.integers(-3, 3000))
flat_choices = st.lists(st.tuples(choice_values, labels), max_size=5)
choices = st.one_of(
    flat_choices,
    st.lists(st.tuples(text.filter(bool), flat_choices), max_size=3),  # optgroups
    st.lists(
        st.one_of(st.tuples(choice_values, labels), st.tuples(text.filter(bool), flat_choices)),
        max_size=4,
    ),
)
INPUTS = [
    forms.TextInput,
    forms.NumberInput,
    forms.EmailInput,
    forms.URLInput,
    forms.PasswordInput,
    forms.HiddenInput,
    forms.DateInput,
    forms.DateTimeInput,
    forms.TimeInput,
    forms.CheckboxInput,
    forms.Textarea,
]


def both(widget: forms.Widget, name: str, value: Any, extra: dict[str, Any]) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs=extra, renderer=TEMPLATES),
        widget.render(name, value, attrs=extra, renderer=PYTHON),
    )


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(INPUTS),
    name=text,
    value=values,
    own=attrs,
    extra=attrs,
    language=st.sampled_from(["en", "de", "fr", "ar"]),
)
def test_inputs_and_textareas_match_the_templates(
    kind: type[forms.Widget],
    name: str,
    value: Any,
    own: dict[str, Any],
    extra: dict[str, Any],
    language: str,
) -> None:
    with override(language):
        template_html, python_html = both(kind(attrs=own), name, value, extra)
    assert python_html == template_html


@settings(max_examples=300, deadline=None)
@given(
    multiple=st.booleans(),
    name=text,
    options=choices,
    chosen=st.lists(choice_values, max_size=3),
    extra=attrs,
    language=st.sampled_from(["en", "de", "ja"]),
)
def test_selects_match_the_templates(
    multiple: bool,
    name: str,
    options: list[Any],
    chosen: list[Any],
    extra: dict[str, Any],
    language: str,
) -> None:
    widget = (forms.SelectMultiple if multiple else forms.Select)(choices=options)
    value = chosen if multiple else (chosen[0] if chosen else None)
    with override(language):
        template_html, python_html = both(widget, name, value, extra)
    assert python_html == template_html


def test_other_widgets_go_to_the_template_engine() -> None:
    radio = forms.RadioSelect(choices=[("a", "A"), ("b", "B")])
    assert radio.render("r", "a", renderer=PYTHON) == radio.render("r", "a", renderer=TEMPLATES)
    boxes = forms.CheckboxSelectMultiple(choices=[(1, "One"), (2, "Two")])
    assert boxes.render("c", [2], renderer=PYTHON) == boxes.render("c", [2], renderer=TEMPLATES)


# The page forms' field list (forms/fields.html) --------------------------------------------

field_kinds = st.sampled_from(["text", "textarea", "checkbox", "radio", "boxes", "hidden", "date"])
field_specs = st.lists(
    st.tuples(
        field_kinds, st.booleans(), labels, st.one_of(st.just(""), text, text.map(mark_safe))
    ),
    min_size=1,
    max_size=5,
)
error_texts = st.lists(text, max_size=2)


OPTIONS = [("a", "A <b>"), ("b", gettext_lazy("Active"))]


def _field(kind: str, common: dict[str, Any]) -> forms.Field:
    if kind == "textarea":
        return forms.CharField(widget=forms.Textarea, **common)
    if kind == "checkbox":
        return forms.BooleanField(**common)
    if kind == "radio":
        return forms.ChoiceField(choices=OPTIONS, widget=forms.RadioSelect, **common)
    if kind == "boxes":
        return forms.MultipleChoiceField(
            choices=OPTIONS, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == "hidden":
        return forms.CharField(widget=forms.HiddenInput, **common)
    if kind == "date":
        return forms.DateField(**common)
    return forms.CharField(**common)


def _page_form_class(specs: list[tuple[str, bool, Any, Any]]) -> type[PageForm]:
    fields = {
        f"f{index}": _field(kind, {"required": required, "label": label, "help_text": help_text})
        for index, (kind, required, label, help_text) in enumerate(specs)
    }
    return type("RandomPageForm", (PageForm,), fields)


@settings(max_examples=300, deadline=None)
@given(
    specs=field_specs,
    bound=st.booleans(),
    data=st.dictionaries(st.sampled_from(["f0", "f1", "f2", "f3"]), text, max_size=4),
    form_errors=error_texts,
    field_errors=st.lists(st.tuples(st.integers(0, 4), text), max_size=4),
    auto_id=st.sampled_from(["id_%s", "pre-%s", False]),
    language=st.sampled_from(["en", "de", "fr", "ar"]),
)
def test_page_form_fields_match_the_template(
    specs: list[tuple[str, bool, Any, Any]],
    bound: bool,
    data: dict[str, str],
    form_errors: list[str],
    field_errors: list[tuple[int, str]],
    auto_id: str | bool,
    language: str,
) -> None:
    """Labels, help texts, required marks, checkboxes, radio and checkbox groups (fieldsets),
    hidden fields, errors of the form and of each field, bound or not, any auto_id."""
    form_class = _page_form_class(specs)
    with override(language):
        html = []
        for renderer in (TEMPLATES, PYTHON):
            form = form_class(data if bound else None, auto_id=auto_id, renderer=renderer)
            if bound:  # errors only on a bound form (as a refused service call adds them)
                form.is_valid()
                for message in form_errors:
                    form.add_error(None, message)
                for index, message in field_errors:
                    name = f"f{index % len(specs)}"
                    if name in form.fields:
                        form.add_error(name, message)
            html.append(str(form))
    assert html[1] == html[0]


def test_a_page_form_renders_through_the_python_writer() -> None:
    """The writer is what renders page forms (not the template, with the same output)."""
    form = _page_form_class([("text", True, "Name", "")])(renderer=PYTHON)
    calls: list[str] = []
    original = DjangoTemplates.render

    def spy(self: Any, template_name: str, *args: Any, **kwargs: Any) -> Any:
        calls.append(template_name)
        return original(self, template_name, *args, **kwargs)

    DjangoTemplates.render = spy  # type: ignore[method-assign]
    try:
        html = str(form)
    finally:
        DjangoTemplates.render = original  # type: ignore[method-assign]
    assert 'class="field"' in html and "forms/fields.html" not in calls


@pytest.fixture
def french_catalog() -> Iterator[dict[str, str]]:
    """The French catalog, whose entries a test may change (restored afterwards)."""
    trans_real.translation("fr")
    catalog = trans_real._translations["fr"]._catalog  # type: ignore[attr-defined]
    saved = dict(catalog.items())
    yield catalog
    for key in list(catalog.keys()):
        if key not in saved:
            del catalog[key]
    for key, value in saved.items():
        catalog[key] = value


def _both_renderers(form_class: type[PageForm], data: dict[str, str] | None) -> list[str]:
    html = []
    for renderer in (TEMPLATES, PYTHON):
        form = form_class(data, renderer=renderer)
        if data is not None:
            form.is_valid()
        html.append(str(form))
    return html


def test_a_translated_required_mark_is_not_escaped_twice(french_catalog: dict[str, str]) -> None:
    french_catalog["(required)"] = "(obligatoire & exigé)"
    form_class = _page_form_class([("text", True, "Nom", "")])
    with override("fr"):
        template_html, python_html = _both_renderers(form_class, None)
    assert "(obligatoire & exigé)" in template_html
    assert python_html == template_html


def test_a_malformed_translation_falls_back_to_english(french_catalog: dict[str, str]) -> None:
    """As the blocktranslate tag does: the whole sentence in English, not a server error."""
    french_catalog["%(label)s: %(errors)s"] = "%(label)s : %(erreurs)s"
    form_class = type(
        "HiddenNumber",
        (PageForm,),
        {"h": forms.IntegerField(widget=forms.HiddenInput, label="H")},
    )
    with override("fr"):
        template_html, python_html = _both_renderers(form_class, {"h": "x"})
    assert "H: Enter a whole number." in template_html
    assert python_html == template_html
