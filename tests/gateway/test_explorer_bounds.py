"""Numbers in explorer paths beyond what any chain or the database holds are the explorer's
not-found page (404), never a 500; what is not a number is a 422 problem."""

from __future__ import annotations

import pytest

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "path",
    [
        f"/explorer/blocks/{HUGE}",
        f"/explorer/blocks/-{HUGE}",
        "/explorer/blocks/-1",
        f"/explorer/suppliers/{HUGE}",
        f"/explorer/suppliers/-{HUGE}",
        f"/explorer/blocks?before={HUGE}",
        f"/explorer/blocks?before=-{HUGE}",
        f"/explorer/blocks/{2**63}",
        f"/explorer/suppliers/{2**63}",
    ],
)
def test_a_number_out_of_range_is_the_not_found_page(client, path):
    answer = client.get(path)
    assert answer.status_code == 404, answer.text
    assert answer.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize(
    "path", ["/explorer/blocks/abc", "/explorer/suppliers/1e99", "/explorer/blocks?before=x"]
)
def test_what_is_not_a_number_is_a_422_problem(client, path):
    answer = client.get(path)
    assert answer.status_code == 422 and answer.json()["code"] == "invalid_request"


def test_the_largest_number_the_database_holds_is_still_answered(client):
    assert client.get(f"/explorer/blocks/{2**63 - 1}").status_code == 404
    assert client.get("/explorer/blocks/0").status_code == 200
