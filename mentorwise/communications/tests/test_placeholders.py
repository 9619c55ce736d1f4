"""The sandboxed template language against an independent reading of its grammar and an
attacker who controls both the template text and every value (hypothesis, many examples)."""

from __future__ import annotations

import string

import pytest
from django.core.mail import EmailMessage
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mentorwise.communications import placeholders
from mentorwise.communications.placeholders import Problem, TemplateError, check, render

NAMES = ["first_name", "program_name", "program_url", "mentor_first_name", "x1"]
SECRET = "SECRET-VALUE-7f3a"
# Text an attacker would try: template code of Django and Jinja, HTML, header injection,
# format strings, and braces in every combination.
NASTY = [
    "{{",
    "}}",
    "{",
    "}",
    "{%",
    "%}",
    "{% debug %}",
    "{{ settings.SECRET_KEY }}",
    "{first_name.__class__}",
    "{first_name|upper}",
    "{0}",
    "{}",
    "{ first_name }",
    "{First_Name}",
    "{secret}",
    "<script>alert(1)</script>",
    "\r\nBcc: victim@example.com",
    "\n",
    "\r",
    "\x00",
    "\u2028",
    "%(first_name)s",
    "${first_name}",
    "é漢字🙂",
]
text_pieces = st.one_of(
    st.sampled_from(NASTY), st.sampled_from([f"{{{n}}}" for n in NAMES]), st.text()
)
templates = st.lists(text_pieces, max_size=12).map("".join)
values_text = st.one_of(st.sampled_from(NASTY), st.text(), st.text(min_size=5000, max_size=6000))


def reference_render(text: str, values: dict[str, str]) -> str | None:
    """The grammar read character by character (no regular expressions): the rendered text,
    or None when anything is wrong."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "{" and text[i + 1 : i + 2] == "{":
            out.append("{")
            i += 2
        elif ch == "}" and text[i + 1 : i + 2] == "}":
            out.append("}")
            i += 2
        elif ch == "}":
            return None
        elif ch == "{":
            end = i + 1
            while end < len(text) and text[end] not in "{}":
                end += 1
            if end >= len(text) or text[end] != "}":
                return None
            name = text[i + 1 : end]
            ok = (
                1 <= len(name) <= 40
                and name[0] in string.ascii_lowercase
                and all(c in string.ascii_lowercase + string.digits + "_" for c in name)
            )
            if not ok or name not in values:
                return None
            out.append(values[name])
            i = end + 1
        else:
            out.append(ch)
            i += 1
    return "".join(out)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(templates, st.dictionaries(st.sampled_from(NAMES), values_text))
@example("{{ settings.SECRET_KEY }}", {})
@example("{% for x in y %}{first_name}{% endfor %}", {"first_name": "A"})
@example("Hi {first_name}}", {"first_name": "A"})
def test_render_agrees_with_a_reading_of_the_grammar(text: str, values: dict[str, str]) -> None:
    expected = reference_render(text, values)
    problems = [p for p in check(text, values.keys(), required=False) if p.code != "too_long"]
    if expected is None:
        assert problems, "a template the grammar refuses must be a validation error"
        with pytest.raises(TemplateError):
            render(text, values)
    else:
        assert problems == []
        assert render(text, values) == expected


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(templates)
def test_every_problem_names_the_text_at_fault(text: str) -> None:
    for problem in check(text, NAMES, required=False):
        assert isinstance(problem, Problem)
        if problem.code in ("unknown", "malformed", "stray_brace"):
            # The text shown to the user is what is at that position in the template.
            assert text[problem.position :].startswith(problem.text)


# Well-formed templates built from parts, so the expected output is known independently.
parts = st.lists(
    st.one_of(
        st.tuples(st.just("lit"), st.text().map(lambda s: s.replace("{", "").replace("}", ""))),
        st.tuples(st.just("open"), st.just("{{")),
        st.tuples(st.just("close"), st.just("}}")),
        st.tuples(st.just("var"), st.sampled_from(NAMES[:3])),
    ),
    max_size=15,
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts, st.lists(values_text, min_size=3, max_size=3))
def test_values_are_plain_text_never_parsed_again_and_never_leak_another(
    template_parts: list[tuple[str, str]], vals: list[str]
) -> None:
    values = dict(zip(NAMES[:3], vals, strict=True))
    values["secret"] = SECRET  # offered, but no part of the template names it
    text = "".join(f"{{{p}}}" if kind == "var" else p for kind, p in template_parts)
    expected = "".join(
        values[p] if kind == "var" else {"open": "{", "close": "}"}.get(kind, p)
        for kind, p in template_parts
    )
    assert render(text, values) == expected
    if not any(SECRET in v for v in vals) and SECRET not in text:
        assert SECRET not in render(text, values)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(st.text(), st.sampled_from([f"{{{n}}}" for n in NAMES])), max_size=6),
    st.dictionaries(st.sampled_from(NAMES), values_text, min_size=len(NAMES), max_size=len(NAMES)),
)
def test_a_subject_is_one_line_whatever_the_values(
    pieces: list[str], values: dict[str, str]
) -> None:
    text = "".join(pieces)
    problems = check(text, values.keys(), subject=True, required=False)
    if any(p.code != "too_long" for p in problems):
        with pytest.raises(TemplateError):
            placeholders.render_subject(text, values)
        return
    subject = placeholders.render_subject(text, values)
    assert len(subject) <= placeholders.SUBJECT_MAX
    assert not any(ch in subject for ch in "\r\n\x00\x0b\x0c\u2028\u2029\x85")
    # Django refuses a header with a line break: this one builds, with one Subject header.
    message = EmailMessage(subject=subject, body="b", from_email="a@example.com", to=["b@x.org"])
    raw = message.message().as_bytes()
    header = raw.split(b"\n\n", 1)[0]
    assert header.count(b"\nBcc:") == 0
    assert sum(line.startswith(b"Subject:") for line in header.split(b"\n")) == 1


@pytest.mark.parametrize(
    ("text", "code", "at_fault"),
    [
        ("Hello {name}", "unknown", "{name}"),
        ("Hello {first_name.upper}", "malformed", "{first_name.upper}"),
        ("{first_name|title}", "malformed", "{first_name|title}"),
        ("{% if x %}", "malformed", "{% if x %}"),
        ("{{ first_name }}", None, None),  # an escaped brace pair: literal text, no problem
        ("{}", "malformed", "{}"),
        ("a } b", "stray_brace", "}"),
        ("a { b", "stray_brace", "{"),
    ],
)
def test_problems_name_the_placeholder(text: str, code: str | None, at_fault: str | None) -> None:
    problems = check(text, NAMES)
    if code is None:
        assert problems == []
        assert render(text, {}) == "{ first_name }"
    else:
        assert (problems[0].code, problems[0].text) == (code, at_fault)


def test_a_subject_template_with_a_line_break_is_refused() -> None:
    assert [p.code for p in check("Hi\r\nBcc: x@y", NAMES, subject=True)] == [
        "line_break",
        "line_break",
    ]
