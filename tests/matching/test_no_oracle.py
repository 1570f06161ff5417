"""Matching for a user without view_demographics: nothing in the scores, reasons, order or suggestions they
see depends on anyone's self-identification or concordance request. Users with it see the full score."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mentorship.services.matching import assignment, scoring
from tests.matching.test_scoring import mentee, mentor, problems

W = scoring.Weights()  # interests .35, fit .25, preference .2, concordance .15, spread .05


def concordant_or_less_loaded():
    """Ann wants a URiM-concordant mentor. Xena shares it but has one mentee; Yuri has none: the full
    score puts Xena first and suggests her, the score without concordance puts Yuri first."""
    return scoring.Problem(
        mentees=(mentee(1, wants_urim_concordance=True, urim=True, name="Ann"),),
        mentors=(mentor(1, urim=True, load=1, name="Xena"), mentor(2, load=0, name="Yuri")),
    )


def test_with_view_demographics_the_full_score_reason_order_and_suggestion():
    table = scoring.score(concordant_or_less_loaded(), W, show_concordance=True)
    assert table.reason(0, 0) == "meets the requested URiM concordance"
    assert table.score[0].tolist() == [pytest.approx(0.15 + 0.05 * 2 / 3, abs=1e-4), 0.05]
    assert [j for j, _s, _r in scoring.ranked_mentors(table, 0)] == [0, 1]
    (suggestion,) = assignment.suggest_from(table)
    assert suggestion.mentor.name == "Xena"


def test_without_it_the_score_leaves_the_term_out_renormalised_and_nothing_mentions_it():
    table = scoring.score(concordant_or_less_loaded(), W, show_concordance=False)
    others = W.total - W.concordance
    assert table.score[0].tolist() == [
        pytest.approx(0.05 * 2 / 3 / others, abs=1e-4),
        pytest.approx(0.05 / others, abs=1e-4),
    ]
    assert not table.met_urim.any() and not table.met_gender.any()
    reasons = [table.reason(0, j) for j in range(2)]
    assert reasons == ["no specific fit; has 2 of 3 places free", "no specific fit; has 3 of 3 places free"]
    # The order and the suggestion are by the score shown: Xena first would tell who shares Ann's identity.
    assert [j for j, _s, _r in scoring.ranked_mentors(table, 0)] == [1, 0]
    (suggestion,) = assignment.suggest_from(table)
    assert suggestion.mentor.name == "Yuri"


def test_a_plain_score_is_a_full_mark_without_concordance():
    problem = scoring.Problem(
        mentees=(mentee(1, interests=("qi",), preferred=frozenset({1}), program_specialty="Surgery"),),
        mentors=(mentor(1, interests=("qi",), specialty="surgery"),),
    )
    assert scoring.score(problem, W, show_concordance=False).score[0, 0] == 1.0
    assert scoring.score(problem, W, show_concordance=True).score[0, 0] == pytest.approx(0.85)


def _answers(draw, count: int, mentees: bool):
    genders = st.sampled_from([None, "woman", "man", "nonbinary", "self_described:two-spirit"])
    out = []
    for _ in range(count):
        answer = {"gender": draw(genders), "urim": draw(st.sampled_from([None, True, False]))}
        if mentees:
            answer["wants_gender_concordance"] = draw(st.booleans())
            answer["wants_urim_concordance"] = draw(st.booleans())
        out.append(answer)
    return out


@st.composite
def same_problem_other_answers(draw):
    """One problem twice: the same people, everyone's self-identification and requests drawn anew."""
    base = draw(problems())

    def with_answers():
        mentees = _answers(draw, len(base.mentees), True)
        mentors = _answers(draw, len(base.mentors), False)
        return scoring.Problem(
            tuple(replace(x, **a) for x, a in zip(base.mentees, mentees, strict=True)),
            tuple(replace(x, **a) for x, a in zip(base.mentors, mentors, strict=True)),
            base.kind,
            base.history,
        )

    return with_answers(), with_answers()


def _seen(table: scoring.ScoreTable) -> list:
    rows = [
        [(j, s, r) for j, s, r in scoring.ranked_mentors(table, i)] for i in range(len(table.problem.mentees))
    ]
    picks = [
        (s.mentee.id, s.mentor and s.mentor.id, s.score, s.reason) for s in assignment.suggest_from(table)
    ]
    return [table.score.tolist(), rows, picks]


@settings(max_examples=150, deadline=None)
@given(same_problem_other_answers())
def test_without_view_demographics_nothing_shown_depends_on_anyones_answers(pair):
    first, second = pair
    assert _seen(scoring.score(first, W, show_concordance=False)) == _seen(
        scoring.score(second, W, show_concordance=False)
    )
    for table in (
        scoring.score(first, W, show_concordance=False),
        scoring.score(second, W, show_concordance=False),
    ):
        reasons = [
            r for i in range(len(table.problem.mentees)) for _j, _s, r in scoring.ranked_mentors(table, i)
        ]
        assert not [r for r in reasons if "concordance" in r]
