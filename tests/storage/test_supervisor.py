"""The embedded server's supervisor on a fake server and fake time: when it restarts,
how long it waits between tries, and when it leaves the server alone. (A real chat
process whose redis-server is killed: tests/cli/test_durability.py.)"""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from bot.storage.embedded import EmbeddedRedis, EmbeddedRedisError
from bot.storage.supervisor import Supervisor


class FakeLock:
    def __init__(self) -> None:
        self.closed = False

    def close(self) -> None:
        self.closed = True


class FakeServer:
    def __init__(self, *, owned_elsewhere: bool = False) -> None:
        self.alive = True
        self.stopped = False
        self.code: int | None = None
        self.failures = 0  # how many starts fail from now on
        self.starts = 0
        self.owned_elsewhere = owned_elsewhere
        self.lock = FakeLock()
        self.home: str | None = "a1"

    def die(self, code: int | None) -> None:
        self.alive, self.code = False, code

    def is_alive(self) -> bool:
        return self.alive

    def was_stopped(self) -> bool:
        return self.stopped

    def home_identity(self) -> str | None:
        return self.home

    def exit_code(self) -> int | None:
        code, self.code = self.code, None
        return code

    def start_unless_alive(self) -> bool:
        self.starts += 1
        if self.failures:
            self.failures -= 1
            self.code = 1
            raise EmbeddedRedisError("redis-server failed to start (exit 1)")
        self.alive = True
        return True

    def try_own(self) -> FakeLock | None:
        return None if self.owned_elsewhere else self.lock


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


def _supervisor(server: FakeServer, time: FakeTime) -> Supervisor:
    return Supervisor(server, sleep=time.sleep, monotonic=time.monotonic)


def _messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "bot.storage.supervisor"]


async def test_restarts_after_half_a_second_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    server, time = FakeServer(), FakeTime()
    supervisor = _supervisor(server, time)
    await supervisor.tick()
    assert supervisor.owns and server.starts == 0 and time.waits == []

    server.die(-9)
    with caplog.at_level(logging.WARNING):
        await supervisor.tick()
    assert server.alive and server.starts == 1
    assert time.waits == [0.5]
    assert _messages(caplog) == [
        "embedded redis exited with code -9; restarting (attempt 1)",
        "embedded redis restarted",
    ]


async def test_failed_restarts_wait_twice_as_long_each_time_up_to_30s(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, time = FakeServer(), FakeTime()
    supervisor = _supervisor(server, time)
    server.die(-9)
    server.failures = 8
    while not server.alive:
        await supervisor.tick()
    assert time.waits == [0.5, 1, 2, 4, 8, 16, 30, 30, 30]
    messages = _messages(caplog)
    assert messages[0] == "embedded redis exited with code -9; restarting (attempt 1)"
    # Later tries report the exit code of the server that failed to start.
    assert "embedded redis exited with code 1; restarting (attempt 9)" in messages
    assert messages[-1] == "embedded redis restarted"

    # Dying again soon after: the wait keeps growing.
    time.waits.clear()
    server.die(-9)
    await supervisor.tick()
    assert time.waits == [30]

    # After staying up 30 s, a new death starts again from half a second.
    time.now += 30
    await supervisor.tick()
    server.die(-9)
    time.waits.clear()
    await supervisor.tick()
    assert time.waits == [0.5]
    assert _messages(caplog)[-2] == "embedded redis exited with code -9; restarting (attempt 1)"


async def test_only_the_owner_restarts() -> None:
    server, time = FakeServer(owned_elsewhere=True), FakeTime()
    supervisor = _supervisor(server, time)
    server.die(None)
    await supervisor.tick()
    assert not supervisor.owns and server.starts == 0

    server.owned_elsewhere = False  # the owner process ended: its lock is free
    await supervisor.tick()
    assert supervisor.owns and server.starts == 1 and server.alive


async def test_a_server_stopped_on_purpose_stays_stopped(caplog: pytest.LogCaptureFixture) -> None:
    server, time = FakeServer(), FakeTime()
    supervisor = _supervisor(server, time)
    server.stopped = True
    server.die(0)
    for _ in range(3):
        await supervisor.tick()
    assert server.starts == 0
    assert _messages(caplog) == ["embedded redis was stopped on purpose; not restarting it"]


async def test_the_owner_lock_is_given_up_when_supervision_ends() -> None:
    server, time = FakeServer(), FakeTime()

    async def stop_after_first_tick(seconds: float) -> None:
        raise RuntimeError("stop")

    supervisor = Supervisor(server, sleep=stop_after_first_tick, monotonic=time.monotonic)
    with pytest.raises(RuntimeError):
        await supervisor.run()
    assert server.lock.closed and not supervisor.owns


async def test_a_failing_check_is_logged_once_and_watching_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, time = FakeServer(), FakeTime()

    def broken() -> bool:
        raise EmbeddedRedisError("bad setting DATA_DIR: cannot write in /x/redis")

    server.is_alive = broken  # type: ignore[method-assign]

    async def sleep(seconds: float) -> None:
        if len(time.waits) == 3:
            raise RuntimeError("stop")
        await time.sleep(seconds)

    supervisor = Supervisor(server, sleep=sleep, monotonic=time.monotonic)
    with pytest.raises(RuntimeError):
        await supervisor.run()
    assert time.waits == [1.0, 1.0, 1.0]  # it kept watching
    assert _messages(caplog) == ["embedded redis supervision failed; trying again"]


@pytest.mark.parametrize("home", [None, "b2"], ids=["removed", "replaced"])
async def test_a_data_dir_removed_or_replaced_ends_the_supervision(
    home: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    server, time = FakeServer(), FakeTime()
    supervisor = _supervisor(server, time)
    server.die(-9)
    server.home = home
    await supervisor.run()  # returns instead of watching forever
    assert server.starts == 0
    assert server.lock.closed or not supervisor.owns
    assert any("removed or replaced" in m for m in _messages(caplog))


def test_a_real_data_dir_is_told_apart_once_removed_or_replaced(tmp_path: Path) -> None:
    server = EmbeddedRedis(tmp_path / "data")
    server.home.mkdir(parents=True)
    first = server.home_identity()
    assert first is not None and server.home_identity() == first
    shutil.rmtree(tmp_path / "data")
    assert server.home_identity() is None
    server.home.mkdir(parents=True)
    assert server.home_identity() not in (None, first)
