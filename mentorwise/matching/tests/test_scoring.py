"""Scoring: criteria, hard rules, reasons for pairs and for unmatched mentees."""

from __future__ import annotations

import numpy as np
import pytest

from mentorwise.matching import (
    MatchingInputError,
    Participants,
    ProgramRules,
    ScoringModel,
    explain_unmatched,
    management_chains,
    solve,
)
from mentorwise.matching.explain import BELOW_MIN_SCORE, MENTORS_FULL, NO_ALLOWED_MENTOR

SKILLS = ["Negotiation", "Public speaking", "Data analysis", "Hiring", "Delegation"]


def people(
    ids,
    names,
    levels,
    *,
    skills=None,
    text=None,
    function=None,
    department=None,
    location=None,
    utc=None,
    languages=None,
    chain=None,
    **extra,
) -> Participants:
    n = len(ids)
    return Participants(
        ids=np.array(ids),
        names=names,
        job_level=np.array(levels),
        function=function or ["Sales"] * n,
        department=department or ["Enterprise Sales"] * n,
        location=location or ["London"] * n,
        utc_offset=np.array(utc if utc is not None else [0.0] * n),
        languages=languages or [["en"]] * n,
        skills=skills or [[] for _ in range(n)],
        text=text or [""] * n,
        chain=chain,
        **extra,
    )


def test_pair_reasons_name_skills_seniority_and_function() -> None:
    mentees = people(
        [1],
        ["Ana"],
        [3],
        skills=[["Negotiation", "Public speaking", "Data analysis", "Hiring"]],
        text=["I want to get better at negotiation with large customers"],
    )
    mentors = people(
        [10, 11],
        ["Bo", "Cy"],
        [5, 3],
        skills=[["Negotiation", "Public speaking", "Data analysis"], ["Delegation"]],
        text=["Twenty years negotiating enterprise deals", "Payroll expert"],
        function=["Engineering", "Sales"],
    )
    model = ScoringModel(mentees, mentors, ProgramRules(chain_exclusion_depth=0))
    explanation = model.explain(0, 0, limit=6)
    text = str(explanation)
    assert "offers 3 of the 4 skills Ana wants: negotiation, public speaking, data analysis" in text
    assert "two levels above" in text
    assert "different function (Sales → Engineering)" in text
    assert explanation.reasons == sorted(explanation.reasons, key=lambda r: -r.contribution)
    assert model.explain(0, 0).score > model.explain(0, 1).score
    block = model.block(0, 1)
    assert block[0, 0] == pytest.approx(explanation.score, abs=1e-5)
    lo, hi = model.score_range()
    assert lo <= block.min() and block.max() <= hi


def test_scores_are_weighted_sub_scores_in_unit_range() -> None:
    rng = np.random.default_rng(0)
    n, m = 30, 12
    mentees = people(
        list(range(n)),
        [f"e{i}" for i in range(n)],
        rng.integers(1, 8, n),
        skills=[list(rng.choice(SKILLS, 2, replace=False)) for _ in range(n)],
        function=list(rng.choice(["Sales", "IT", "Legal"], n)),
        location=list(rng.choice(["London", "Paris"], n)),
        utc=[0.0] * n,
    )
    mentors = people(
        list(range(100, 100 + m)),
        [f"r{j}" for j in range(m)],
        rng.integers(3, 10, m),
        skills=[list(rng.choice(SKILLS, 3, replace=False)) for _ in range(m)],
        function=list(rng.choice(["Sales", "IT", "Legal"], m)),
        location=list(rng.choice(["London", "Paris"], m)),
        utc=[0.0] * m,
    )
    model = ScoringModel(mentees, mentors, ProgramRules(chain_exclusion_depth=0))
    dense = model.dense()
    for i in range(0, n, 7):
        for j in range(m):
            subs = model.sub_scores(i, j)
            assert all(-1e-6 <= v <= 1 + 1e-6 for v in subs.values())
            expected = sum(model.weights[k] * v for k, v in subs.items())
            assert dense[i, j] == pytest.approx(expected, abs=1e-5)


def test_reverse_mentoring_inverts_the_seniority_preference() -> None:
    mentees = people([1], ["Exec"], [8])
    mentors = people([10, 11], ["Junior", "Senior"], [6, 10])
    weights = {"seniority": 1}
    normal = ScoringModel(mentees, mentors, ProgramRules(weights=weights))
    reverse = ScoringModel(mentees, mentors, ProgramRules(weights=weights, reverse_mentoring=True))
    assert normal.dense()[0].tolist() == pytest.approx([0.0, 1.0])
    assert reverse.dense()[0].tolist() == pytest.approx([1.0, 0.0])
    assert "two levels below (reverse mentoring)" in str(reverse.explain(0, 0))
    assert solve(reverse.dense(), [1, 1]).pairs.tolist() == [[0, 0]]


def test_minimum_level_gap_is_a_hard_rule_in_both_directions() -> None:
    mentees = people([1], ["Ana"], [6])
    mentors = people([10, 11, 12], ["Near", "Far", "Below"], [7, 8, 3])
    weights = {"seniority": 1}
    sponsor = ScoringModel(mentees, mentors, ProgramRules(weights=weights, min_level_gap=2))
    assert sponsor.allowed()[0].tolist() == [False, True, False]
    assert "not 2 or more levels above" in sponsor.why_not(0, 0)[0]
    reverse = ScoringModel(
        mentees,
        mentors,
        ProgramRules(
            weights=weights, min_level_gap=2, reverse_mentoring=True, seniority_gap=(2, 4)
        ),
    )
    assert reverse.allowed()[0].tolist() == [False, False, True]


def test_management_chain_is_excluded_both_ways_up_to_the_depth() -> None:
    # Org: 0 CEO <- 1 VP <- 2 director <- 3 manager <- 4 analyst
    manager_index = np.array([-1, 0, 1, 2, 3])
    mentee_rows = np.array([4, 1])
    mentor_rows = np.array([3, 2, 1, 0, 4])
    mentees = people(
        mentee_rows,
        ["analyst", "vp"],
        [1, 8],
        chain=management_chains(manager_index, mentee_rows, 5),
    )
    mentors = people(
        mentor_rows,
        ["manager", "director", "vp", "ceo", "analyst"],
        [4, 6, 8, 10, 1],
        chain=management_chains(manager_index, mentor_rows, 5),
    )
    model = ScoringModel(mentees, mentors, ProgramRules(chain_exclusion_depth=2))
    allowed = model.allowed()
    # The analyst's manager and director are excluded; the VP (3 up) and the CEO are allowed.
    assert allowed[0].tolist() == [False, False, True, True, False]  # last: same person
    # The VP: reports 1-2 levels down and the manager above are excluded, and the VP is not
    # their own mentor; the analyst three levels down is outside the depth.
    assert allowed[1].tolist() == [False, False, False, False, True]
    assert "in each other's management chain" in model.why_not(0, 0)
    assert "same person" in model.why_not(0, 4)
    deeper = ScoringModel(mentees, mentors, ProgramRules(chain_exclusion_depth=3))
    assert deeper.allowed()[0, 2] == np.False_
    result = solve(model, [1, 1, 1, 1, 1], certify=True)
    for i, j in result.pairs:
        assert allowed[i, j]


def test_hard_rules_language_training_vetoes_previous_and_admin_forbids() -> None:
    mentees = people(
        [1, 2],
        ["Ana", "Ben"],
        [2, 2],
        languages=[["fr"], ["en", "de"]],
        vetoed=[[12], []],
        preferred=[[11], []],
    )
    mentors = people(
        [10, 11, 12, 13],
        ["Bo", "Cy", "Di", "Ed"],
        [4, 4, 4, 4],
        languages=[["fr", "en"], ["fr"], ["fr"], ["de"]],
        training_completed=np.array([True, True, True, False]),
    )
    rules = ProgramRules(
        language_required=True,
        training_required=True,
        previous_pairs=[(2, 10)],
        forbidden_pairs=[(1, 10)],
    )
    model = ScoringModel(mentees, mentors, rules)
    assert model.allowed().tolist() == [[False, True, False, False], [False, False, False, False]]
    assert model.why_not(0, 0) == ["excluded by an administrator"]
    assert model.why_not(0, 2) == ["vetoed"]
    assert model.why_not(1, 0) == ["already paired before"]
    assert "no shared language" in model.why_not(1, 1)
    assert "Ed has not completed mentor training" in model.why_not(1, 3)
    assert "Ana asked for Cy" in str(model.explain(0, 1, limit=9))
    # Words fit for both people of a pair leave the marks out; marks() names them apart.
    assert model.why_not(0, 2, marks=False) == []
    assert "asked for" not in str(model.explain(0, 1, limit=9, marks=False))
    assert model.explain(0, 1, marks=False).score == model.explain(0, 1).score
    assert model.marks(0, 1) == ["Ana asked for Cy"] and model.marks(0, 2) == ["vetoed"]
    assert model.marks(1, 1) == []


def test_unmatched_reasons_no_allowed_mentor_full_and_below_minimum() -> None:
    mentees = people(
        [1, 2, 3, 4],
        ["Ana", "Ben", "Cas", "Dee"],
        [1, 1, 1, 1],
        skills=[["Hiring"], ["Hiring"], ["Delegation"], ["Hiring"]],
        vetoed=[[], [], [], [10, 11]],
    )
    mentors = people([10, 11], ["Bo", "Cy"], [3, 3], skills=[["Hiring"], ["Hiring"]])
    rules = ProgramRules(weights={"skills": 1}, min_score=0.5, chain_exclusion_depth=0)
    model = ScoringModel(mentees, mentors, rules)
    capacities = np.array([1, 0])
    result = solve(model, capacities, certify=True)
    assert result.matched == 1
    reasons = {r.mentee: r for r in (model.explain_unmatched(i, result, capacities)
                                     for i in result.unmatched)}  # fmt: skip
    full = [i for i in (0, 1) if i in reasons]
    assert len(full) == 1 and reasons[full[0]].code == MENTORS_FULL
    assert reasons[2].code == BELOW_MIN_SCORE
    assert "below the program minimum" in reasons[2].message
    assert reasons[3].code == NO_ALLOWED_MENTOR
    assert "No mentor is allowed for Dee" in reasons[3].message


def test_explain_unmatched_on_plain_score_matrices() -> None:
    scores = np.array([[0.9, 0.8], [0.7, 0.6], [0.1, 0.2], [0.5, 0.5]])
    allowed = np.array([[True, True], [True, False], [True, True], [False, False]])
    result = solve(scores, [1, 0], allowed=allowed, min_score=0.3)
    codes = {r.mentee: r.code for r in explain_unmatched(scores, [1, 0], result, allowed, 0.3)}
    assert codes == {1: MENTORS_FULL, 2: BELOW_MIN_SCORE, 3: NO_ALLOWED_MENTOR}


def test_inclusion_option_needs_a_justification_and_stays_out_of_the_reasons() -> None:
    mentees = people([1, 2], ["Ana", "Ben"], [2, 2], inclusion_flag=np.array([True, False]))
    mentors = people([10, 11], ["Senior", "Peer"], [9, 4])
    with pytest.raises(MatchingInputError, match="needs a recorded justification"):
        ScoringModel(mentees, mentors, ProgramRules(inclusion=True))
    with pytest.raises(MatchingInputError, match="inclusion option is not enabled"):
        ScoringModel(mentees, mentors, ProgramRules(weights={"inclusion": 1, "skills": 1}))
    rules = ProgramRules(
        weights={"inclusion": 1},
        inclusion=True,
        inclusion_justification="Sponsorship program for under-represented talent, HR 2026-03",
    )
    model = ScoringModel(mentees, mentors, rules)
    result = solve(model, [1, 1], certify=True)
    assert result.pairs.tolist() == [[0, 0], [1, 1]]
    assert "inclusion" not in {r.criterion for r in model.explain(0, 0).reasons}
    off = ScoringModel(mentees, mentors, ProgramRules())
    assert "inclusion" not in off.weights


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (ProgramRules(weights={"charm": 1}), r"weights\['charm'\]: unknown criterion"),
        (ProgramRules(weights={"skills": -1}), r"weights\['skills'\] = -1: must be >= 0"),
        (ProgramRules(weights={"skills": 0}), "at least one criterion"),
        (ProgramRules(seniority_gap=(3, 1)), r"seniority_gap = \(3, 1\)"),
        (ProgramRules(function_preference="maybe"), "function_preference = 'maybe'"),
        (ProgramRules(chain_exclusion_depth=-1), "chain_exclusion_depth = -1"),
    ],
)
def test_bad_program_rules_are_refused_by_name(rules, message) -> None:
    mentees = people([1], ["Ana"], [1])
    mentors = people([10], ["Bo"], [3])
    with pytest.raises(MatchingInputError, match=message):
        ScoringModel(mentees, mentors, rules)


def test_participant_columns_must_line_up() -> None:
    with pytest.raises(MatchingInputError, match="names has 1 entries but ids has 2"):
        people([1, 2], ["Ana"], [1, 2])
    with pytest.raises(MatchingInputError, match=r"job_level\[1\] = -1: must be >= 0"):
        people([1, 2], ["Ana", "Bo"], [1, -1])
    with pytest.raises(MatchingInputError, match="ids must be unique"):
        people([1, 1], ["Ana", "Bo"], [1, 1])


def test_missing_categorical_values_are_their_own_category() -> None:
    mentees = people([1], ["Ana"], [1], function=[None])
    mentors = people([10, 11], ["Bo", "Cy"], [3, 3], function=[None, "Sales"])
    weights = {"function": 1}
    model = ScoringModel(mentees, mentors, ProgramRules(weights=weights))
    assert model.dense()[0].tolist() == pytest.approx([0.0, 1.0])


def test_text_similarity_uses_tfidf_and_names_shared_terms() -> None:
    mentees = people([1], ["Ana"], [1], text=["negotiation with procurement teams"])
    mentors = people(
        [10, 11],
        ["Bo", "Cy"],
        [3, 3],
        text=["I run procurement negotiation", "kubernetes clusters"],
    )
    model = ScoringModel(mentees, mentors, ProgramRules(weights={"goals_text": 1}))
    dense = model.dense()
    assert dense[0, 0] > 0.3 > dense[0, 1]
    assert "negotiation" in str(model.explain(0, 0)) or "procurement" in str(model.explain(0, 0))


def test_text_model_is_reused_only_for_the_same_corpus() -> None:
    """The fitted text model is kept per corpus: a second model over the same texts scores
    exactly as a fresh fit, and one changed text (or a text moved to the other side) fits anew."""
    from mentorwise.matching.scoring import model as scoring_model

    rng = np.random.default_rng(7)
    words = [
        "negotiation",
        "procurement",
        "hiring",
        "budget",
        "cloud",
        "security",
        "data",
        "sales",
        "coaching",
    ]
    texts = [" ".join(rng.choice(words, 4)) for _ in range(60)]
    rules = ProgramRules(weights={"goals_text": 1})

    def build(mentee_texts: list[str], mentor_texts: list[str]) -> ScoringModel:
        n, m = len(mentee_texts), len(mentor_texts)
        mentees = people(list(range(n)), [f"e{i}" for i in range(n)], [1] * n, text=mentee_texts)
        ids = list(range(1000, 1000 + m))
        mentors = people(ids, [f"r{i}" for i in range(m)], [3] * m, text=mentor_texts)
        return ScoringModel(mentees, mentors, rules, text_dims=4)

    scoring_model._TEXT_MODELS.clear()
    fresh = build(texts[:40], texts[40:]).dense()
    assert len(scoring_model._TEXT_MODELS) == 1
    again = build(texts[:40], texts[40:])
    assert len(scoring_model._TEXT_MODELS) == 1
    assert np.array_equal(again.dense(), fresh)
    assert again.explain(0, 0) == build(texts[:40], texts[40:]).explain(0, 0)
    changed = [*texts[:39], "kubernetes clusters", *texts[40:]]
    build(changed[:40], changed[40:])
    build(texts[:41], texts[41:])
    assert len(scoring_model._TEXT_MODELS) == 3
    scoring_model._TEXT_MODELS.clear()
    assert np.array_equal(build(texts[:40], texts[40:]).dense(), fresh)


def test_feature_matching_equals_dense_optimum_on_a_medium_program() -> None:
    rng = np.random.default_rng(4)
    n, m = 400, 120
    funcs = ["Sales", "IT", "Legal", "Finance"]
    mentees = people(
        list(range(n)),
        [f"e{i}" for i in range(n)],
        rng.integers(1, 6, n),
        skills=[list(rng.choice(SKILLS, 2, replace=False)) for _ in range(n)],
        function=list(rng.choice(funcs, n)),
        location=list(rng.choice(["London", "Paris", "Tokyo"], n)),
        utc=list(rng.choice([0.0, 1.0, 9.0], n)),
        vetoed=[[int(x)] for x in rng.integers(1000, 1000 + m, n)],
    )
    mentors = people(
        list(range(1000, 1000 + m)),
        [f"r{j}" for j in range(m)],
        rng.integers(3, 10, m),
        skills=[list(rng.choice(SKILLS, 3, replace=False)) for _ in range(m)],
        function=list(rng.choice(funcs, m)),
        location=list(rng.choice(["London", "Paris", "Tokyo"], m)),
        utc=list(rng.choice([0.0, 1.0, 9.0], m)),
    )
    capacities = rng.integers(0, 4, m)
    model = ScoringModel(mentees, mentors, ProgramRules(min_score=0.2), block_size=64)
    dense = model.dense()
    exact = solve(np.where(np.isfinite(dense), dense, 0), capacities, allowed=np.isfinite(dense))
    from_features = solve(model, capacities, certify=True)
    assert from_features.certified
    assert from_features.matched == exact.matched
    assert from_features.total_score == pytest.approx(exact.total_score, abs=1e-6)
    quick = solve(model, capacities)
    assert quick.upper_bound >= exact.total_score - 1e-6
    assert quick.total_score <= exact.total_score + 1e-6
    for method in ("stable", "greedy"):
        other = solve(model, capacities, method=method)
        assert np.isfinite(dense[other.pairs[:, 0], other.pairs[:, 1]]).all()


def _inclusion_pair() -> tuple[Participants, Participants, ProgramRules]:
    """Two mentees alike in every criterion but the consented inclusion flag; a senior and a
    junior mentor."""
    mentees = people(
        [1, 2],
        ["Ana", "Ana"],  # the same name too, so that reasons can be compared word for word
        [3, 3],
        skills=[["Negotiation", "Hiring"]] * 2,
        text=["negotiation with customers"] * 2,
        inclusion_flag=np.array([True, False]),
    )
    mentors = people(
        [10, 11],
        ["Senior", "Junior"],
        [8, 5],
        skills=[["Negotiation"], ["Hiring", "Negotiation"]],
        text=["customers", "negotiation"],
    )
    rules = ProgramRules(
        inclusion=True,
        inclusion_justification="Sponsorship program for under-represented talent, HR 2026-03",
        weights={**ProgramRules().weights, "inclusion": 3},
        chain_exclusion_depth=0,
    )
    return mentees, mentors, rules


def test_fit_and_reasons_never_include_the_inclusion_term() -> None:
    mentees, mentors, rules = _inclusion_pair()
    model = ScoringModel(mentees, mentors, rules)
    off = ScoringModel(mentees, mentors, ProgramRules(chain_exclusion_depth=0))
    for j in range(2):
        flagged, other = model.explain(0, j), model.explain(1, j)
        # The two mentees differ only in the flag: every number read about a pair is equal...
        assert flagged.score == other.score
        assert [(r.criterion, r.weight, r.text) for r in flagged.reasons] == [
            (r.criterion, r.weight, r.text) for r in other.reasons
        ]
        # ...and the same as with the option off.
        assert flagged.score == pytest.approx(off.explain(0, j).score, abs=1e-9)
    fits, _ = model.raw_block(0, 2)
    assert fits[0].tolist() == fits[1].tolist()
    # What the solver maximises does favour the flagged mentee with the senior mentor.
    objective = model.block(0, 2)
    assert objective[0, 0] > objective[1, 0]
    assert objective[0, 1] == objective[1, 1]
    lo, hi = model.score_range()
    assert lo <= objective.min() and objective.max() <= hi


def test_minimum_score_applies_to_the_fit_not_to_the_inclusion_term() -> None:
    mentees, mentors, rules = _inclusion_pair()
    # Just above the fit of the unflagged mentee with the senior mentor (the two mentees' fits
    # are equal): the inclusion term would lift the flagged mentee's pair over it.
    rules.min_score = ScoringModel(mentees, mentors, rules).explain(1, 0).score + 0.01
    model = ScoringModel(mentees, mentors, rules)
    blocked = ~np.isfinite(model.block(0, 2)[:, 0])
    # Whether the pair is allowed cannot depend on the flag (a "below the minimum" warning or
    # an unmatched reason would otherwise tell the flag).
    assert blocked.tolist() == [True, True]


def test_positions_agree_with_an_id_index_dict() -> None:
    """The vectorised lookup of the management-chain rule finds what ``{id: index}`` finds,
    including the last index of an id listed twice and ids absent from the side."""
    from mentorwise.matching.scoring.model import _positions

    rng = np.random.default_rng(3)
    for _ in range(50):
        ids = rng.integers(0, 40, size=int(rng.integers(0, 25)))
        values = rng.integers(-1, 45, size=30)
        index = {int(p): k for k, p in enumerate(ids.tolist())}
        found, at = _positions(ids, values)
        assert found.tolist() == [int(v) in index for v in values]
        assert [int(a) for a, f in zip(at, found, strict=True) if f] == [
            index[int(v)] for v in values if int(v) in index
        ]


def test_management_chain_pairs_are_forbidden_both_ways() -> None:
    """A mentee's manager (listed in the chain) and a mentor's report are forbidden pairs;
    everyone else is allowed."""
    mentees = people(
        [1, 2, 3], ["Ana", "Bo", "Cy"], [1, 1, 1], chain=np.array([[10, -1]] + [[-1, -1]] * 2)
    )
    mentors = people(
        [10, 11, 12], ["Di", "Ed", "Flo"], [3, 3, 3], chain=np.array([[-1, -1], [2, -1], [-1, -1]])
    )
    model = ScoringModel(mentees, mentors, ProgramRules(weights={"seniority": 1}))
    allowed = np.isfinite(model.dense())
    assert allowed.tolist() == [[False, True, True], [True, False, True], [True, True, True]]
    assert model.why_not(0, 0) == ["in each other's management chain"]
    assert model.why_not(1, 1) == ["in each other's management chain"]
