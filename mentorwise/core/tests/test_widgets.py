"""The Python widget writer (core.widgets) against Django's own widget templates: the same
HTML for random names, values, attributes and choices (whole pages: tests/test_widget_pages.py)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override
from hypothesis import given, settings
from hypothesis import strategies as st

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
