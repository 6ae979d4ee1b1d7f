"""The response cache of the public reads built from the indexer's database (a plain ASGI
middleware over app/explorer/page_cache.py).

What is cached: the finished body (status 200 only, with its content type and language) of a GET
to one of CACHED below, per scheme, host, path and query, and for the explorer's pages per language
and time zone (app/explorer/i18n.py locale: ?lang, ?tz, their cookies, Accept-Language), as of the
indexed position (app/explorer/position.py), read from the database (one primary-key statement) by a
request when the last read is older than TERANG_READ_CACHE_POLL_SECONDS (0.25 s by default; 0: by
every request). Several gateway processes over one PostgreSQL each see a commit within that time,
and none serves a page older than the position it has read (app/explorer/page_cache.py). Each
cached answer carries an ETag derived from the position and the key; a matching If-None-Match is
answered 304.

What never is: any other method or route, in particular those that read the chain itself
(/tenders/{ocid}, /suppliers/{id}, the explorer's block, transaction and proposal pages), payee
accounts (not indexed), the streamed exports (/ocds/releases.jsonl, /ocds/records.jsonl,
/explorer/redflags.json), a request with an Authorization header or a cookie other than the
language and zone ones, an answer with Set-Cookie (?lang= and ?tz= set one), and every answer
other than 200."""

from __future__ import annotations

import re
from functools import partial

import anyio
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request

from app.db.session import engine_of
from app.explorer.i18n import LANG_COOKIE, ZONE_COOKIE, locale
from app.explorer.page_cache import UNKNOWN, Page, PageCache, etag_of
from app.explorer.position import Position, indexed_position

# path pattern -> whether the body depends on the reader's language and zone (explorer pages)
CACHED: tuple[tuple[re.Pattern[str], bool], ...] = tuple(
    (re.compile(pattern), localised)
    for pattern, localised in (
        (r"/explorer/", True),
        (r"/explorer/tenders", True),
        (r"/explorer/tenders/[^/]+", True),
        (r"/explorer/suppliers", True),
        (r"/explorer/suppliers/[^/]+", True),
        (r"/explorer/contracts", True),
        (r"/explorer/contracts/[^/]+", True),
        (r"/explorer/blocks", True),
        (r"/explorer/policies", True),
        (r"/explorer/policies/[^/]+", True),
        (r"/explorer/welfare", True),
        (r"/explorer/committee", True),
        (r"/explorer/redflags", True),
        (r"/ocds/releases", False),
        (r"/ocds/releases/[^/]+", False),
        (r"/ocds/records", False),
        (r"/ocds/records/[^/]+", False),
    )
)
PLAIN_COOKIES = frozenset({LANG_COOKIE, ZONE_COOKIE})
KEPT_HEADERS = frozenset({b"content-type", b"content-language"})
VARY = (b"vary", b"Accept-Language, Cookie")


def localised(path: str) -> bool | None:
    """Whether a cached route's body depends on the language (None: the route is not cached)."""
    for pattern, by_language in CACHED:
        if pattern.fullmatch(path):
            return by_language
    return None


def _read_position(sessions) -> Position | None:
    with engine_of(sessions).connect() as connection:
        return indexed_position(connection)


def _matches(if_none_match: str, etag: str) -> bool:
    return any(t.strip().removeprefix("W/") in (etag, "*") for t in if_none_match.split(","))


class CachedPagesMiddleware:
    def __init__(self, app, cache: PageCache) -> None:
        self.app = app
        self.cache = cache

    async def __call__(self, scope, receive, send) -> None:
        by_language = (
            localised(scope["path"])
            if scope["type"] == "http" and scope["method"] == "GET" and self.cache.enabled
            else None
        )
        if by_language is None:
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        if "authorization" in request.headers or set(request.cookies) - PLAIN_COOKIES:
            await self.app(scope, receive, send)  # a reader of their own: never shared
            return
        sessions = request.app.state.read_sessions
        position = self.cache.recent()
        if position is UNKNOWN:
            try:
                read = partial(_read_position, sessions)
                position = await anyio.to_thread.run_sync(self.cache.observe, read)
            except SQLAlchemyError:  # the database is unwell: the route answers as without a cache
                position = None
        if position is None:  # nothing indexed yet, or no position to trust
            await self.app(scope, receive, send)
            return
        key = str(request.url)
        if by_language:
            loc = locale(request)
            key += f"|{loc.lang}|{loc.zone}"
        etag = etag_of(position, key)
        validators = request.headers.get("if-none-match")
        fresh = validators is not None and _matches(validators, etag)
        page = self.cache.get(position, key)
        if page is not None:
            await _answer(send, page, fresh)
            return
        await self.app(scope, receive, _Keeper(send, self.cache, position, key, etag, by_language, fresh))


async def _answer(send, page: Page, not_modified: bool) -> None:
    if not_modified:
        headers = [h for h in page.headers if h[0] in (b"etag", b"vary")]
        await send({"type": "http.response.start", "status": 304, "headers": headers})
        await send({"type": "http.response.body", "body": b""})
        return
    headers = [*page.headers, (b"content-length", str(len(page.body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": page.body})


class _Keeper:
    """The `send` of a missed request: passes the answer on (304 instead when the client's
    validator matches) and keeps a copy of a 200 without Set-Cookie."""

    def __init__(self, send, cache: PageCache, position, key: str, etag: str, vary: bool, fresh: bool):
        self.send, self.cache, self.position, self.key = send, cache, position, key
        self.etag, self.vary, self.fresh = etag.encode(), vary, fresh
        self.keep = False  # a 200 without Set-Cookie: its copy may be kept
        self.whole = True  # the copy is still the whole body (not over the byte bound)
        self.headers: list[tuple[bytes, bytes]] = []
        self.parts: list[bytes] = []
        self.size = 0

    async def __call__(self, message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", ()))
            names = {name.lower() for name, _ in headers}
            self.keep = message["status"] == 200 and b"set-cookie" not in names
            if not self.keep:
                await self.send(message)
                return
            added = [(b"etag", self.etag)] + ([VARY] if self.vary else [])
            self.headers = [(n, v) for n, v in headers if n.lower() in KEPT_HEADERS] + added
            if self.fresh:
                await self.send({"type": "http.response.start", "status": 304, "headers": added})
                return
            await self.send({**message, "headers": headers + added})
            return
        if message["type"] != "http.response.body" or not self.keep:
            await self.send(message)
            return
        body = message.get("body", b"")
        more = message.get("more_body", False)
        self.size += len(body)
        if self.whole and self.size <= self.cache.max_entry_bytes:
            self.parts.append(body)
        else:
            self.whole, self.parts = False, []  # too large to keep: passed on only
        if self.fresh:
            if not more:
                await self.send({"type": "http.response.body", "body": b""})
        else:
            await self.send(message)
        if not more and self.whole:
            self.cache.put(self.position, self.key, Page(b"".join(self.parts), tuple(self.headers)))
