"""Reasons say why a stated preference was not followed; near-peers mentor only in their own program."""

from __future__ import annotations

from mentorship.services.matching import assignment, scoring


def mentee(id, **kw):
    kw.setdefault("pgy", 1)
    kw.setdefault("program_id", 1)
    return scoring.MenteeIn(id=id, person_id=1000 + id, email=f"mentee{id}@x.org", name=f"Mentee {id}", **kw)


def mentor(id, name, **kw):
    return scoring.MentorIn(id=id, person_id=2000 + id, email=f"mentor{id}@x.org", name=name, **kw)


def by_id(suggestions):
    return {s.mentee.id: s for s in suggestions}


def test_preferred_mentor_without_a_free_place():
    problem = scoring.Problem(
        mentees=(mentee(1, preferred=frozenset({7}), preferred_names=((7, "Lena Park"),)),),
        mentors=(mentor(7, "Lena Park", capacity=2, load=2), mentor(8, "Otto Okay")),
    )
    (s,) = assignment.suggest(problem, scoring.Weights())
    assert s.mentor.id == 8
    assert s.reason.endswith("preferred mentor Lena Park: no free place")


def test_preferred_mentor_given_to_another_mentee_so_that_more_have_a_mentor():
    # Lena has one place; mentee 2 can only have Lena, mentee 1 prefers her but can also have Otto...
    # ...and Otto is full after mentee 1: so Lena to mentee 2 matches both.
    problem = scoring.Problem(
        mentees=(
            mentee(1, preferred=frozenset({7}), preferred_names=((7, "Lena Park"),)),
            mentee(2, excluded=frozenset({8})),
        ),
        mentors=(mentor(7, "Lena Park", capacity=1), mentor(8, "Otto Okay", capacity=1)),
    )
    s = by_id(assignment.suggest(problem, scoring.Weights()))
    assert s[1].mentor.id == 8 and s[2].mentor.id == 7
    assert (
        "preferred mentor Lena Park was suggested to another mentee so that more mentees have a mentor"
        in s[1].reason
    )


def test_preferred_mentor_given_to_another_mentee_for_a_higher_total():
    # Both can have either; mentee 2 shares three interests with Lena, so the total is higher that way.
    problem = scoring.Problem(
        mentees=(
            mentee(1, preferred=frozenset({7}), preferred_names=((7, "Lena Park"),)),
            mentee(2, interests=("a", "b", "c")),
        ),
        mentors=(
            mentor(7, "Lena Park", capacity=1, interests=("a", "b", "c")),
            mentor(8, "Otto Okay", capacity=1),
        ),
    )
    s = by_id(assignment.suggest(problem, scoring.Weights()))
    assert s[1].mentor.id == 8
    assert (
        "preferred mentor Lena Park was suggested to another mentee "
        "so that the suggestions score higher in total" in s[1].reason
    )


def test_preferred_mentor_ruled_out_and_unmatched_mentee_says_so():
    problem = scoring.Problem(
        mentees=(
            mentee(
                1,
                preferred=frozenset({7, 9}),
                preferred_names=((7, "Lena Park"), (9, "Gone Away")),
                excluded=frozenset({8}),
            ),
        ),
        mentors=(mentor(7, "Lena Park"), mentor(8, "Otto Okay")),
        history=frozenset({(1, 7)}),
    )
    (s,) = assignment.suggest(problem, scoring.Weights())
    assert s.mentor is None
    assert "preferred mentor Gone Away: not available to this run" in s.reason
    assert "preferred mentor Lena Park: already had a career pairing with them" in s.reason


def test_no_note_when_a_preferred_mentor_is_suggested():
    problem = scoring.Problem(
        mentees=(mentee(1, preferred=frozenset({7}), preferred_names=((7, "Lena Park"),)),),
        mentors=(mentor(7, "Lena Park"),),
    )
    (s,) = assignment.suggest(problem, scoring.Weights())
    assert s.mentor.id == 7 and "preferred mentor" not in s.reason


def test_near_peers_only_in_their_own_program_unless_the_setting_is_on():
    np_other = mentor(7, "Nia Peds", mentor_type="near_peer", pgy=3, program_id=2)
    np_own = mentor(8, "Sam Same", mentor_type="near_peer", pgy=3, program_id=1)
    mentees = (mentee(1, program_id=1),)
    table = scoring.score(scoring.Problem(mentees, (np_other, np_own)), scoring.Weights())
    assert table.feasible.tolist() == [[False, True]]
    only_other = scoring.score(scoring.Problem(mentees, (np_other,)), scoring.Weights())
    (s,) = assignment.suggest_from(only_other)
    assert s.mentor is None and "1 is a near-peer of another program" in s.reason
    anywhere = scoring.score(
        scoring.Problem(mentees, (np_other,), near_peer_any_program=True), scoring.Weights()
    )
    assert anywhere.feasible.tolist() == [[True]]
