"""The forms of REDIS_URL, read once: bot/config.py refuses a bad one at start-up
with a message naming what is wrong, client.py builds the client from the result.

  redis://[:password@]host:port/db, rediss://... (TLS), unix:///path/to/redis.sock
  redis+cluster://[:password@]host:port[,host:port...]      Redis Cluster (rediss+cluster: TLS)
  redis+sentinel://[:password@]host:port[,host:port...]/service[/db]   via Sentinel

Messages never repeat the URL, which may hold a password.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import unquote, urlsplit

_PLAIN = ("redis", "rediss", "unix")
_CLUSTER = ("redis+cluster", "rediss+cluster")
_SENTINEL = ("redis+sentinel",)
SCHEMES = (*_PLAIN, *_CLUSTER, *_SENTINEL)


class BadRedisUrl(ValueError):
    pass


@dataclass(frozen=True)
class RedisUrl:
    url: str
    kind: Literal["plain", "cluster", "sentinel"]
    tls: bool = False
    password: str | None = None
    hosts: list[tuple[str, int]] = field(default_factory=list)
    service: str = ""  # Sentinel: the monitored primary's name
    db: int = 0


def parse_redis_url(url: str) -> RedisUrl:
    """The URL's parts; BadRedisUrl says what is wrong."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        shown = f"scheme {parts.scheme!r}" if parts.scheme else "no scheme"
        forms = ", ".join(f"{s}://" for s in SCHEMES)
        raise BadRedisUrl(f"{shown} is not supported; use one of {forms}")
    if scheme in _CLUSTER:
        password, hosts = _hosts(parts.netloc)
        return RedisUrl(url, "cluster", scheme.startswith("rediss"), password, hosts)
    if scheme in _SENTINEL:
        password, hosts = _hosts(parts.netloc)
        path = [p for p in parts.path.split("/") if p]
        if not path:
            raise BadRedisUrl("redis+sentinel:// needs the service name: .../mymaster")
        return RedisUrl(url, "sentinel", False, password, hosts, path[0], _db(path[1:]))
    if scheme == "unix":
        if not parts.path:
            raise BadRedisUrl("unix:// needs the socket's path: unix:///path/to/redis.sock")
    else:
        try:
            parts.port  # noqa: B018 - reading it checks it
        except ValueError:
            raise BadRedisUrl("the port must be a number from 1 to 65535") from None
        _db([p for p in parts.path.split("/") if p])
    return RedisUrl(url, "plain", scheme == "rediss")


def _db(path: list[str]) -> int:
    if not path:
        return 0
    if len(path) > 1 or not path[0].isdigit():
        raise BadRedisUrl("the database after the last '/' must be a number, e.g. /0")
    return int(path[0])


def _hosts(netloc: str) -> tuple[str | None, list[tuple[str, int]]]:
    password = None
    if "@" in netloc:
        auth, netloc = netloc.rsplit("@", 1)
        password = unquote(auth.split(":", 1)[-1]) or None
    hosts = []
    for part in netloc.split(","):
        host, _, port = part.rpartition(":")
        if not host or not port.isdigit():
            raise BadRedisUrl(f"expected host:port, got {part!r}")
        hosts.append((host.strip("[]"), int(port)))
    return password, hosts
