"""core.idurls and the `{% url %}` builtin give Django's own answer for every URL pattern of
the project, with any arguments, and fall back to it where the shortcut would not."""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import (
    NoReverseMatch,
    URLResolver,
    get_resolver,
    path,
    re_path,
    register_converter,
    reverse,
)

from mentorwise.core import idurls
from mentorwise.core.idurls import id_url
from mentorwise.core.templatetags.idurl import IdURLNode


def named_patterns(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            yield from named_patterns(pattern, namespace)
        elif pattern.name:
            yield prefix + pattern.name


def outcome(call: Any, name: str, args: tuple[Any, ...]) -> str:
    """`call(name, args=args)`'s URL, or the failure Django's tag would raise."""
    try:
        return str(call(name, args=args))
    except NoReverseMatch:
        return "NoReverseMatch"


def shortcut(name: str, *, args: tuple[Any, ...]) -> str:
    return id_url(name, args)


def arguments(rng: random.Random, n: int) -> list[tuple[Any, ...]]:
    ints = [0, 1, 7, 42, 10**6, 2**31 - 1, 2**63 - 1, rng.randrange(10**12)]
    others: list[Any] = [-1, 2**63, 2**70, "12", "abc", "a/b", True, None, 3.0]
    sets = [tuple(rng.choice(ints) for _ in range(n)) for _ in range(6)]
    sets += [tuple(rng.choice(ints + others) for _ in range(n)) for _ in range(6)]
    return sets


def test_every_url_of_the_project_is_djangos() -> None:
    idurls.forget()
    rng = random.Random(3)
    names = sorted(set(named_patterns(get_resolver())))
    assert len(names) > 150
    fixed = 0
    for name in names:
        for n in range(4):
            for args in arguments(rng, n):
                expected = outcome(reverse, name, args)
                assert outcome(shortcut, name, args) == expected, (name, args)
                assert outcome(shortcut, name, args) == expected, (name, args)  # learnt
        fixed += sum(1 for key, pieces in idurls._pieces.items() if key[2] == name and pieces)
    # Most views with ids take the shortcut (not a check that could pass by never taking it).
    assert fixed > 100


def _padded_to_url(value: int) -> str:
    return f"{value:04d}"


class Padded:
    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return _padded_to_url(value)


register_converter(Padded, "padded")


def _view(*args: Any, **kwargs: Any) -> None:
    return None


urlpatterns = [
    path("item/<int:pk>/", _view, name="item"),
    path("item/<int:pk>/part/<int:part>/", _view, name="part"),
    re_path(r"^year/(?P<year>[0-9]{4})/$", _view, name="year"),
    re_path(r"^nonzero/(?P<pk>[1-9][0-9]*)/$", _view, name="nonzero"),
    path("padded/<padded:pk>/", _view, name="padded"),
    path("word/<str:word>/", _view, name="word"),
    path("7/<int:pk>/7/", _view, name="sevens"),
]


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("name", "takes_shortcut"),
    [
        ("item", True),
        ("part", True),
        ("sevens", True),
        ("year", False),  # four digits only
        ("nonzero", False),  # no 0
        ("padded", False),  # the converter writes 0007
        ("word", True),  # any text: integers are written as they are
    ],
)
def test_patterns_that_are_not_plain_ids_are_left_to_django(
    name: str, takes_shortcut: bool
) -> None:
    idurls.forget()
    rng = random.Random(name)
    n = 2 if name == "part" else 1
    for args in [*arguments(rng, n), (1999,) * n, (2024,) * n, (0,) * n]:
        assert outcome(shortcut, name, args) == outcome(reverse, name, args), args
    learnt = [pieces for key, pieces in idurls._pieces.items() if key[2] == name]
    assert bool(learnt and learnt[0]) is takes_shortcut
    idurls.forget()


def test_the_url_tag_is_the_builtin_and_renders_as_djangos() -> None:
    page = Template(
        "{% url 'relationships:detail' rid %}|{% url 'relationships:detail' 'x' as gone %}"
        "[{{ gone }}]|{% url 'people:list' %}|"
        "{% url 'relationships:detail' rid as kept %}{{ kept }}"
    )
    assert isinstance(page.nodelist[0], IdURLNode)
    detail = reverse("relationships:detail", args=[12])
    assert page.render(Context({"rid": 12})) == (f"{detail}|[]|{reverse('people:list')}|{detail}")
    with pytest.raises(NoReverseMatch):
        Template("{% url 'relationships:detail' 'x' %}").render(Context({}))


def test_views_without_arguments_are_learnt_once_and_give_djangos_url() -> None:
    idurls.forget()
    names = sorted(set(named_patterns(get_resolver())))
    plain = [name for name in names if outcome(reverse, name, ()) != "NoReverseMatch"]
    assert len(plain) > 40
    for name in plain:
        assert idurls.named_url(name) == reverse(name)
        assert idurls.named_url(name) == reverse(name)  # learnt
    learnt = {key[2] for key, pieces in idurls._pieces.items() if key[4] == 0 and pieces}
    assert learnt == set(plain)


def test_a_view_without_arguments_follows_the_script_prefix() -> None:
    from django.urls import set_script_prefix

    idurls.forget()
    try:
        set_script_prefix("/mentoring/")
        assert idurls.named_url("people:list") == "/mentoring/people/" == reverse("people:list")
    finally:
        set_script_prefix("/")
    assert idurls.named_url("people:list") == "/people/" == reverse("people:list")
    idurls.forget()


def test_no_url_depends_on_the_language() -> None:
    """What `id_url` learns is keyed by URL configuration, script prefix and view, not by
    language: a language prefix (`i18n_patterns`) or a translated route would need the
    language in that key."""
    from django.urls import LocalePrefixPattern

    def walk(resolver: URLResolver) -> Iterator[Any]:
        for pattern in resolver.url_patterns:
            yield pattern.pattern
            if isinstance(pattern, URLResolver):
                yield from walk(pattern)

    patterns = list(walk(get_resolver()))
    assert len(patterns) > 150
    for pattern in patterns:
        assert not isinstance(pattern, LocalePrefixPattern), pattern
        route = getattr(pattern, "_route", None) or getattr(pattern, "_regex", None)
        assert route is None or type(route) is str, (pattern, type(route))
