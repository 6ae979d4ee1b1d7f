"""T003: two tenderers who keep meeting take turns winning."""

from tests.redflags.releases import award, bid, flags, release


def tender(ocid, winner, *tenderers):
    return release(ocid, bids=[bid(t) for t in tenderers], awards=[award(winner)])


def test_pair_taking_turns_is_flagged_with_their_shared_processes():
    releases = [
        tender("T1", "CV-A", "CV-A", "CV-B"),
        tender("T2", "CV-B", "CV-A", "CV-B"),
        tender("T3", "CV-A", "CV-A", "CV-B"),
    ]
    assert flags(releases, "[T003]") == {
        "OCID": {"T1": {"T003": 1.0}, "T2": {"T003": 1.0}, "T3": {"T003": 1.0}},
        "Tenderer": {"CV-A": {"T003": 1.0}, "CV-B": {"T003": 1.0}},
    }


def test_pair_where_one_always_wins_is_not_rotation():
    releases = [tender(f"T{i}", "CV-A", "CV-A", "CV-B") for i in range(3)]
    assert flags(releases, "[T003]") == {}


def test_pair_that_met_twice_is_too_few_meetings():
    releases = [tender("T1", "CV-A", "CV-A", "CV-B"), tender("T2", "CV-B", "CV-A", "CV-B")]
    assert flags(releases, "[T003]") == {}


def test_pair_winning_less_than_half_of_their_meetings_is_not_partnered():
    releases = [
        tender("T1", "CV-A", "CV-A", "CV-B", "CV-C"),
        tender("T2", "CV-B", "CV-A", "CV-B", "CV-C"),
        tender("T3", "CV-C", "CV-A", "CV-B", "CV-C"),
        tender("T4", "CV-C", "CV-A", "CV-B", "CV-C"),
        tender("T5", "CV-C", "CV-A", "CV-B", "CV-C"),
    ]
    # A and B won 2 of their 5 meetings: not partners. C pairs with each (4 of 5 meetings).
    assert flags(releases, "[T003]")["Tenderer"] == {
        "CV-A": {"T003": 1.0},
        "CV-C": {"T003": 2.0},
        "CV-B": {"T003": 1.0},
    }


def test_ring_of_three_flags_each_member_with_two_partners():
    ring = ("CV-A", "CV-B", "CV-C")
    releases = [tender(f"T{i}", ring[i % 3], *ring) for i in range(6)]
    assert flags(releases, "[T003]")["Tenderer"] == {
        "CV-A": {"T003": 2.0},
        "CV-B": {"T003": 2.0},
        "CV-C": {"T003": 2.0},
    }


def test_requiring_the_pair_to_win_every_meeting_ignores_rings():
    ring = ("CV-A", "CV-B", "CV-C")
    releases = [tender(f"T{i}", ring[i % 3], *ring) for i in range(6)]
    assert flags(releases, "[T003]\nminimum_share = 1") == {}


def test_minimums_are_configurable():
    releases = [tender("T1", "CV-A", "CV-A", "CV-B"), tender("T2", "CV-B", "CV-A", "CV-B")]
    assert flags(releases, "[T003]\nminimum_contracting_processes = 2") != {}
    assert flags(releases, "[T003]\nminimum_contracting_processes = 2\nminimum_wins = 2") == {}
