"""The supplier portal's pages answer every link a reader can type: an unknown tender is the
portal's not-found page (404, in the reader's language), a page number out of range or not a number
is a 422 problem, and a hand-edited filter is never a 500."""

from __future__ import annotations

import pytest


def test_the_portal_lists_open_tenders_in_indonesian_first(client):
    answer = client.get("/portal/")
    assert answer.status_code == 200
    assert answer.headers["content-language"] == "id"
    assert "Tender yang masih menerima penawaran" in answer.text


def test_an_unknown_tender_is_the_not_found_page_in_the_readers_language(client):
    answer = client.get("/portal/tenders/ocds-terang-none", headers={"Accept-Language": "en"})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "Tender not found." in answer.text


@pytest.mark.parametrize("page", ["0", "-1", "10001", "abc", "99999999999999999999"])
def test_a_page_out_of_range_or_not_a_number_is_a_422_problem(client, page):
    answer = client.get(f"/portal/?page={page}")
    assert answer.status_code == 422 and answer.json()["code"] == "invalid_request"


@pytest.mark.parametrize(
    "query",
    ["agency=99999999999999999999", "category=%00", "method=<script>", "q=" + "%25" * 300, "agency=-5"],
)
def test_a_hand_edited_filter_is_answered(client, query):
    answer = client.get(f"/portal/?{query}")
    assert answer.status_code == 200
    assert "<script>" not in answer.text.split("<main>")[1]


def test_its_stylesheet_is_served_from_the_gateway_and_nothing_else_is(client):
    assert client.get("/portal/static/portal.css").headers["content-type"].startswith("text/css")
    assert client.get("/portal/static/../routes.py").status_code == 404
    assert client.get("/portal/static/nothing.css").status_code == 404
