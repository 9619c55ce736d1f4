"""Management-chain selectors against a naive walk over a generated organization."""

from __future__ import annotations

import io

import numpy as np
import pytest

from mentorwise.people.generator import generate_org
from mentorwise.people.models import Person
from mentorwise.people.selectors import (
    is_above,
    is_in_chain,
    org_chart_arrays,
    person_ancestors,
    person_descendants,
    person_list,
)
from mentorwise.people.services import people_import
from mentorwise.people.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thousand():
    org = generate_org(1000, seed=11)
    buffer = io.StringIO()
    org.write_csv(buffer)
    people_import(actor=None, data=buffer.getvalue().encode(), file_name="org.csv")
    people = {p.employee_id: p for p in Person.objects.all()}
    return org, people


def naive_ancestors(org, i):
    chain = []
    while org.manager_index[i] >= 0:
        i = int(org.manager_index[i])
        chain.append(i)
    return chain[::-1]


def test_ancestors_and_descendants_match_a_naive_walk(thousand, django_assert_max_num_queries):
    org, people = thousand
    rng = np.random.default_rng(3)
    children: dict[int, list[int]] = {}
    for i, m in enumerate(org.manager_index.tolist()):
        children.setdefault(m, []).append(i)
    for i in [0, *rng.integers(0, org.n, size=25).tolist()]:
        person = people[org.employee_id[i]]
        expected_up = [org.employee_id[j] for j in naive_ancestors(org, i)]
        with django_assert_max_num_queries(1):
            assert [p.employee_id for p in person_ancestors(person)] == expected_up
        below, stack = set(), list(children.get(i, []))
        while stack:
            j = stack.pop()
            below.add(org.employee_id[j])
            stack.extend(children.get(j, []))
        with django_assert_max_num_queries(1):
            assert {p.employee_id for p in person_descendants(person)} == below
        assert {p.employee_id for p in person_descendants(person, include_self=True)} == below | {
            person.employee_id
        }


def test_is_in_chain_matches_a_naive_walk(thousand):
    org, people = thousand
    rng = np.random.default_rng(5)
    pairs = rng.integers(0, org.n, size=(300, 2)).tolist()
    pairs += [[int(org.manager_index[i]), i] for i in range(1, 40)]
    for a, b in pairs:
        x, y = people[org.employee_id[a]], people[org.employee_id[b]]
        above = a in naive_ancestors(org, b)
        assert is_above(x, y) == above
        assert is_in_chain(x, y) == (above or b in naive_ancestors(org, a))
    ceo = people[org.employee_id[0]]
    assert not is_above(ceo, ceo) and not is_in_chain(ceo, ceo)


def test_siblings_are_not_in_each_others_chain():
    boss = PersonFactory()
    a, b = PersonFactory(manager=boss), PersonFactory(manager=boss)
    assert is_in_chain(boss, a) and is_in_chain(a, boss)
    assert not is_in_chain(a, b) and not is_above(a, boss)


def test_org_chart_arrays_give_the_parent_of_everyone(thousand):
    _, people = thousand
    arrays = org_chart_arrays()
    assert arrays.ids.size == 1000 and (arrays.parent == -1).sum() == 1
    by_pk = {p.pk: p for p in people.values()}
    for pos in range(0, 1000, 17):
        person = by_pk[int(arrays.ids[pos])]
        if person.manager_id is None:
            assert arrays.parent[pos] == -1
        else:
            assert arrays.ids[arrays.parent[pos]] == person.manager_id
        assert arrays.depth[pos] == person.depth
    assert arrays.index_of([person.pk])[0] == np.searchsorted(arrays.ids, person.pk)


def test_person_list_filters(hr_admin):
    PersonFactory(first_name="Zed", department="Sales", job_level=8, is_high_potential=True)
    PersonFactory(first_name="Yan", department="Sales", termination_date="2020-01-01")
    PersonFactory(first_name="Xia", department="Legal")
    names = lambda **f: sorted(p.first_name for p in person_list(actor=hr_admin, filters=f))  # noqa: E731
    assert names(department="Sales") == ["Yan", "Zed"]
    assert names(department="Sales", status="active") == ["Zed"]
    assert names(status="terminated") == ["Yan"]
    assert names(high_potential=True) == ["Zed"]
    assert names(level=8) == ["Zed"]
    assert names(q="xia") == ["Xia"]
