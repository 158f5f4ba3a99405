"""Reading a webhook's body with a size cap, refusing an oversized one before it is read.

aiohttp's own cap (`client_max_size`) raises its 413 from inside `request.read()`:
the exception's traceback keeps the frame holding the part already read (over 1 MB),
and aiohttp keeps that exception while the connection lingers to drain the rest of
the body and waits for the next request on it. So each refused post held its first
megabyte for as long as its connection lived: 100 posts of 10 MiB grew `serve` by
75 MB with a Content-Length and by 295 MB chunked (1.2 GB for 300), whatever
MALLOC_ARENA_MAX said (bench/serve_memory.py). Here a body announced too large is
refused on its Content-Length without reading a byte, one that is not announced
(chunked) is read up to the cap and dropped before answering, and the connection is
closed after the refusal: +4 MB for the same posts.
"""

from __future__ import annotations

from aiohttp import web

MAX_BODY = 1024 * 1024  # bytes; Slack's largest payloads (a modal's state) are far below


def too_large(limit: int = MAX_BODY) -> web.Response:
    response = web.Response(status=413, text=f"body larger than {limit} bytes")
    response.force_close()
    return response


async def read_body(request: web.Request, limit: int = MAX_BODY) -> bytes | None:
    """The body, or None when it is larger than `limit` (answer `too_large()` then)."""
    if request.content_length is not None and request.content_length > limit:
        return None
    body = bytearray()
    async for chunk in request.content.iter_chunked(64 * 1024):
        body += chunk
        if len(body) > limit:
            del body[:]
            return None
    return bytes(body)
