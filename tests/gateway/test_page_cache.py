"""The response cache of the public reads (app/explorer/cached_pages.py): a page is rendered once per
indexed position and served again from memory; a newly indexed batch or a rewind of the index
renders it anew; authenticated, cookie-setting and error answers are never kept; ETag and 304; the
bounds. The real app over its own SQLite database, with the indexer stepped by the test (so the
position moves exactly when the test says) and the pages' renders counted."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from app.config import settings_or_refusal
from app.db.session import make_engine, make_session_factory
from app.explorer import cached_pages
from app.explorer import routes as explorer_routes
from app.explorer.page_cache import UNKNOWN, Page, PageCache
from app.explorer.projection import ReadModels
from app.indexer import store
from app.indexer.store import Cursor
from app.main import create_app
from app.ocds import routes as ocds_routes
from tests.gateway import test_indexer as base
from tests.gateway.test_indexer import make_indexer, run_to_head

manifest, scenario = base.manifest, base.scenario

OCID = "ocds-terang-1001-2025-cache"
PAGE = f"/explorer/tenders/{OCID}"
RECORD = f"/ocds/records/{OCID}"


@pytest.fixture(scope="module")
def tender(scenario):
    return scenario.tender(OCID, {16: 1_850_000_000, 17: 1_790_000_000})


@pytest.fixture(scope="module")
def gateway(settings, tender, tmp_path_factory):
    """(client, the app's cache, a session factory on the app's database): the app's own indexer is
    off; the tests step one over its database."""
    url = f"sqlite:///{tmp_path_factory.mktemp('page-cache') / 'gateway.db'}"
    own = settings.model_copy(update={"database_url": url, "indexer_enabled": False})
    app = create_app(own)
    with TestClient(app) as client:
        engine = make_engine(url)
        yield client, app.state.page_cache, make_session_factory(engine)
        engine.dispose()


@pytest.fixture()
def renders(monkeypatch):
    """How many times an explorer page or an OCDS package was built."""
    counted = {"pages": 0, "packages": 0}
    render, package = explorer_routes.render, ocds_routes.package_text

    def counting_render(*args, **kwargs):
        counted["pages"] += 1
        return render(*args, **kwargs)

    def counting_package(*args, **kwargs):
        counted["packages"] += 1
        return package(*args, **kwargs)

    monkeypatch.setattr(explorer_routes, "render", counting_render)
    monkeypatch.setattr(ocds_routes, "package_text", counting_package)
    return counted


@pytest.fixture()
def indexed(chain_url, manifest, gateway):
    """The app's database indexed to the chain's head; the cache starts empty."""
    client, cache, sessions = gateway
    run_to_head(make_indexer(chain_url, sessions, manifest, projections=[ReadModels(0)]))
    cache.observe(lambda: None)  # a position no request reads: every entry dropped
    return client, cache, sessions


def rewind(sessions, blocks: int) -> None:
    """Rolls the index back below its `blocks` newest stored blocks, as the indexer does at a reorg
    (with its projection, in one transaction)."""
    with sessions() as session:
        cursor = store.load_cursor(session, 31337)
        number, block_hash = store.stored_blocks_below(session, cursor.block_number, blocks)[-1]
    with sessions.begin() as session:
        store.roll_back(session, 31337, Cursor(number, block_hash))
        ReadModels(0).catch_up(session)


def test_a_cached_page_is_served_again_without_rendering(indexed, renders):
    client, cache, _ = indexed
    first, again = client.get(PAGE), client.get(PAGE)
    assert first.status_code == again.status_code == 200 and OCID in first.text
    assert again.content == first.content and again.headers["etag"] == first.headers["etag"]
    assert again.headers["content-type"] == first.headers["content-type"]
    assert again.headers["x-request-id"] != first.headers["x-request-id"]  # outer middleware still ran
    assert renders["pages"] == 1
    record, record_again = client.get(RECORD), client.get(RECORD)
    assert record.status_code == 200 and record_again.json() == record.json()
    assert renders["packages"] == 1
    # another language is another page
    english = client.get(PAGE, headers={"Accept-Language": "en"})
    assert english.status_code == 200 and english.content != first.content and renders["pages"] == 2
    assert client.get(PAGE, headers={"Accept-Language": "en"}).content == english.content
    assert renders["pages"] == 2 and cache.hits >= 3
    metrics = client.get("/metrics").text
    assert f"terang_page_cache_hits_total {float(cache.hits)}" in metrics


def test_a_newly_indexed_batch_renders_the_page_anew(chain_url, manifest, indexed, renders):
    client, cache, sessions = indexed
    rewind(sessions, 5)  # the tender's last events are not indexed yet
    behind = client.get(PAGE)
    assert client.get(PAGE).content == behind.content and renders["pages"] == 1
    run_to_head(make_indexer(chain_url, sessions, manifest, projections=[ReadModels(0)]))
    ahead = client.get(PAGE)
    assert ahead.status_code == 200 and ahead.content != behind.content
    assert ahead.headers["etag"] != behind.headers["etag"] and renders["pages"] == 2
    assert client.get(PAGE).content == ahead.content and renders["pages"] == 2


def test_a_rewind_of_the_index_renders_the_page_anew(indexed, renders):
    client, cache, sessions = indexed
    before = client.get(PAGE)
    assert client.get(PAGE).content == before.content and renders["pages"] == 1
    rewind(sessions, 3)
    after = client.get(PAGE)
    assert after.status_code == 200 and after.content != before.content
    assert after.headers["etag"] != before.headers["etag"] and renders["pages"] == 2
    assert client.get(PAGE).content == after.content and renders["pages"] == 2


def test_an_authenticated_or_personal_request_is_never_cached(indexed, renders, token):
    client, cache, _ = indexed
    headers = token("AGENCY_OFFICER", agency=1001)
    assert client.get(PAGE, headers=headers).status_code == 200
    assert client.get(PAGE, headers=headers).status_code == 200
    assert renders["pages"] == 2 and cache.size()[0] == 0
    client.cookies.set("session", "someone")  # a cookie the page does not know of
    client.get(PAGE)
    client.cookies.clear()
    assert renders["pages"] == 3 and cache.size()[0] == 0
    chosen = client.get(PAGE, params={"lang": "en"})  # remembered in a cookie: Set-Cookie
    assert "set-cookie" in chosen.headers and cache.size()[0] == 0
    client.cookies.clear()


def test_an_error_answer_is_never_cached(indexed, renders):
    client, cache, _ = indexed
    missing = "/explorer/tenders/ocds-terang-1001-2025-none"
    assert client.get(missing).status_code == client.get(missing).status_code == 404
    assert client.get("/ocds/records/ocds-terang-1001-2025-none").status_code == 404
    assert renders["pages"] == 2 and cache.size()[0] == 0


def test_a_matching_etag_is_answered_304(indexed, renders):
    client, cache, _ = indexed
    first = client.get(PAGE)
    etag = first.headers["etag"]
    unchanged = client.get(PAGE, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b"" and unchanged.headers["etag"] == etag
    assert client.get(PAGE, headers={"If-None-Match": '"another"'}).content == first.content
    cache.observe(lambda: None)  # dropped: a miss whose validator matches is a 304 too
    assert client.get(PAGE, headers={"If-None-Match": etag}).status_code == 304
    assert renders["pages"] == 2


def test_the_cache_stays_within_its_bounds(indexed, renders, monkeypatch):
    client, cache, _ = indexed
    monkeypatch.setattr(cache, "max_entries", 3)
    pages = [PAGE, "/explorer/", "/explorer/contracts", "/explorer/blocks", "/explorer/tenders"]
    sizes = {path: len(client.get(path).content) for path in pages}
    assert cache.size()[0] == 3 and renders["pages"] == 5
    client.get(PAGE)  # the least recently used went first
    assert renders["pages"] == 6
    monkeypatch.setattr(cache, "max_bytes", sizes["/explorer/"] + sizes["/explorer/blocks"] + 200)
    cache.observe(lambda: None)
    for path in pages:
        client.get(path)
        entries, size = cache.size()
        assert size <= cache.max_bytes and entries <= 3
    monkeypatch.setattr(cache, "max_bytes", 10)  # smaller than any page: nothing kept
    cache.observe(lambda: None)
    client.get(PAGE)
    assert cache.size() == (0, 0)


def test_a_page_over_the_entry_bound_is_served_whole_and_pushes_nothing_out(indexed, renders, monkeypatch):
    """A reader paging through large packages must not flush the small pages everyone reads."""
    client, cache, _ = indexed
    cache.observe(lambda: None)
    small = client.get("/explorer/contracts").content
    large = client.get(PAGE).content
    monkeypatch.setattr(cache, "max_entry_bytes", len(small) + len("/explorer/contracts") + 300)
    cache.observe(lambda: None)
    kept = client.get("/explorer/contracts")
    assert kept.content == small and cache.size()[0] == 1
    for _ in range(3):
        assert client.get(PAGE).content == large  # whole, every time
    assert renders["pages"] == 2 + 1 + 3  # the large page rendered each time, never kept
    assert cache.size()[0] == 1 and client.get("/explorer/contracts").content == small
    assert renders["pages"] == 6  # the small page is still served from memory


@pytest.mark.parametrize(
    "name, value",
    [
        ("PAGE_CACHE_ENTRIES", "-1"),
        ("PAGE_CACHE_BYTES", "lots"),
        ("PAGE_CACHE_BYTES", "-5"),
        ("PAGE_CACHE_ENTRY_BYTES", "-1"),
    ],
)
def test_a_bad_bound_is_refused_in_one_line(name, value, monkeypatch, capsys):
    monkeypatch.setenv(f"TERANG_{name}", value)
    assert settings_or_refusal("gateway") is None
    refusal = capsys.readouterr().err
    assert f"TERANG_{name}" in refusal and refusal.count("\n") == 1


def test_a_zero_bound_turns_the_cache_off():
    assert not PageCache(0, 1024).enabled and not PageCache(16, 0).enabled and PageCache(16, 1024).enabled


def test_without_a_position_to_trust_the_page_is_rendered(indexed, renders, monkeypatch):
    client, cache, _ = indexed

    def unwell(sessions):
        raise OperationalError("SELECT position", {}, Exception("disk I/O error"))

    monkeypatch.setattr(cached_pages, "_read_position", unwell)
    assert client.get(PAGE).status_code == client.get(PAGE).status_code == 200
    assert renders["pages"] == 2 and cache.size()[0] == 0


def test_a_position_is_read_again_once_its_time_is_up():
    now = [100.0]
    cache = PageCache(16, 1 << 20, position_seconds=0.25, clock=lambda: now[0])
    reads = []

    def read():
        reads.append(1)
        return ("block", len(reads))

    assert cache.recent() is UNKNOWN  # never read
    first = cache.observe(read)
    assert cache.put(first, "/explorer/", Page(b"page", ()))
    now[0] += 0.2
    assert cache.recent() == first and cache.get(first, "/explorer/") is not None
    now[0] += 0.1
    assert cache.recent() is UNKNOWN  # time is up: the next request reads it
    second = cache.observe(read)
    assert second != first and len(reads) == 2
    assert cache.get(second, "/explorer/") is None and cache.get(first, "/explorer/") is None
    assert PageCache(16, 1 << 20).recent() is UNKNOWN  # 0 s: every request reads it
