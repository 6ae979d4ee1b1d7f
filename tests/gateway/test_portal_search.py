"""The supplier portal's search: which tenders a supplier can still bid in, and how the filters
narrow them. Rows are written straight into the explorer's tender table of a migrated SQLite
database (what the projection writes; tests/gateway/test_read_models.py checks that it writes
these columns as the summaries say)."""

from __future__ import annotations

import json

import pytest

from app.db.migrate import upgrade
from app.db.session import make_engine, make_session_factory
from app.explorer.models import ExplorerTender
from app.portal.search import Filters, open_tenders

AT = 1_767_225_600  # 2026-01-01 00:00 UTC
ANY = Filters()


def row(n: int, title: str, deadline: int, **columns) -> ExplorerTender:
    values = {"agency": 1001, "category": "goods", "evaluation": "lowest_price", "method": "tender"}
    values |= {"status": "open"} | columns
    summary = {"tender_id": f"0x{n:064x}", "title": title, "bids": [], "commit_deadline": deadline, **values}
    return ExplorerTender(
        ocid=f"ocds-terang-{n}", position=n, title=title, summary=summary, commit_deadline=deadline, **values
    )


@pytest.fixture(scope="module")
def sessions(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('portal') / 'search.db'}"
    upgrade(url)
    factory = make_session_factory(make_engine(url))
    with factory.begin() as session:
        session.add_all(
            [
                row(1, "Pengadaan laptop sekolah", AT + 3600),
                row(2, "Pembangunan jembatan Sepaku", AT + 86400, category="construction"),
                row(3, "Pengadaan pompa air", AT + 600, agency=1002, method="tender_cepat"),
                row(4, "Pengadaan laptop kantor", AT, status="open"),  # the deadline is now: closed
                row(5, "Pengadaan laptop 100% baru", AT - 1),  # passed
                row(6, "Pengadaan genset", AT + 7200, status="award_proposed"),
                row(7, "Pengadaan meja_kursi", AT + 9000, status="cancelled"),
            ]
        )
    return factory


def search(sessions, filters=ANY, page=1, per_page=20):
    with sessions() as session:
        tenders, total = open_tenders(session, AT, filters, page, per_page)
    return [int(t.ocid.rsplit("-", 1)[1]) for t in tenders], total


def test_only_open_tenders_before_their_deadline_are_listed_soonest_first(sessions):
    assert search(sessions) == ([3, 1, 2], 3)


def test_a_deadline_equal_to_now_is_closed(sessions):
    with sessions() as session:
        assert [t.ocid for t in open_tenders(session, AT - 1, Filters(), 1, 20)[0]][:2] == [
            "ocds-terang-4",
            "ocds-terang-3",
        ]


def test_filters_narrow_by_agency_category_and_method(sessions):
    assert search(sessions, Filters(agency=1002)) == ([3], 1)
    assert search(sessions, Filters(category="construction")) == ([2], 1)
    assert search(sessions, Filters(method="tender_cepat")) == ([3], 1)
    assert search(sessions, Filters(agency=1001, category="goods")) == ([1], 1)


def test_every_word_of_a_title_search_must_appear_in_any_case(sessions):
    assert search(sessions, Filters(words="LAPTOP")) == ([1], 1)
    assert search(sessions, Filters(words="pengadaan air")) == ([3], 1)
    assert search(sessions, Filters(words="laptop kantor")) == ([], 0)  # closed


def test_wildcards_typed_into_the_search_are_plain_characters(sessions):
    assert search(sessions, Filters(words="%")) == ([], 0)
    assert search(sessions, Filters(words="_")) == ([], 0)


def test_pages_split_the_same_order(sessions):
    assert search(sessions, page=1, per_page=2) == ([3, 1], 3)
    assert search(sessions, page=2, per_page=2) == ([2], 3)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (("1002", "goods", "tender", "  pompa   air "), Filters(1002, "goods", "tender", "pompa air")),
        (("x", "weapons", "lelang", None), Filters()),
        (("99999999999", None, None, "a" * 500), Filters(words="a" * 100)),
        (("-1", "", "", ""), Filters()),
    ],
)
def test_a_hand_edited_link_narrows_by_what_it_names_that_exists(given, expected):
    assert Filters.parse(*given) == expected


def test_a_database_from_before_the_search_columns_gets_them_from_its_summaries_and_events(tmp_path):
    """Migration 0015 fills the columns from each stored summary, and the selection method from the
    tender's announcement, without a rebuild of the read models (their position stays)."""
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, "0014")
    engine = make_engine(url)
    summary = {"agency": 1002, "category": "goods", "evaluation": "lowest_price", "status": "open"}
    summary |= {"commit_deadline": AT, "bids": [], "tender_id": "0x" + "00" * 32, "title": "lama"}
    announced = {"params": {"ocid": "ocds-old", "method": 1}}  # ITenders.Method.TenderCepat
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO explorer_tenders (ocid, position, title, summary) VALUES ('ocds-old', 1, 'lama', ?)",
            (json.dumps(summary),),
        )
        connection.exec_driver_sql(
            "INSERT INTO chain_events (block_number, block_hash, log_index, tx_hash, tx_index,"
            " contract, address, event, args)"
            " VALUES (1, '0xab', 0, '0xcd', 0, 'Tenders', '0x00', 'TenderAnnounced', ?)",
            (json.dumps(announced),),
        )
        connection.exec_driver_sql(
            "INSERT INTO read_model_positions (name, block_number, block_hash) VALUES ('main', 7, '0xab')"
        )
    upgrade(url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM read_model_positions").scalar() == 1
        row = connection.exec_driver_sql(
            "SELECT agency, category, evaluation, method, status, commit_deadline, summary"
            " FROM explorer_tenders"
        ).one()
    assert tuple(row[:6]) == (1002, "goods", "lowest_price", "tender_cepat", "open", AT)
    assert json.loads(row[6])["method"] == "tender_cepat"
