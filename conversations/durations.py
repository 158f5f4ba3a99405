"""Durations as people write them in the policy file: ``30s``, ``15m``, ``24h``, ``3d``,
``1w`` or combinations such as ``1d12h`` (largest unit first); a bare integer means
seconds."""

from __future__ import annotations

import re
from datetime import timedelta

_UNITS: tuple[tuple[str, int], ...] = (
    ("w", 7 * 86400),
    ("d", 86400),
    ("h", 3600),
    ("m", 60),
    ("s", 1),
)
# Each part takes the spaces after it: two "\s*" side by side (around a part left
# out) could share a run of spaces in any split, which backtracks polynomially.
_DURATION_RE = re.compile(
    r"^(?:(?P<w>\d+)\s*w\s*)?(?:(?P<d>\d+)\s*d\s*)?(?:(?P<h>\d+)\s*h\s*)?"
    r"(?:(?P<m>\d+)\s*m\s*)?(?:(?P<s>\d+)\s*s)?$"
)
DURATION_HINT = "use e.g. '30s', '15m', '24h', '3d', '1w', '1d12h' or whole seconds"


def parse_duration(text: str | int) -> timedelta:
    """Parse ``"30s"``, ``"15m"``, ``"24h"``, ``"3d"``, ``"1w"``, ``"1d12h"`` or seconds.

    Units must appear largest first, each at most once; matching is case-insensitive
    and spaces between parts are allowed (``"1d 12h"``). An ``int`` or a string of
    digits is a number of seconds. The result must be positive.

    Raises ``ValueError`` with a human-readable message on bad input.
    """
    if isinstance(text, bool):  # bool is an int subclass; `true` is never a duration
        raise ValueError(f"invalid duration {text!r}; {DURATION_HINT}")
    if isinstance(text, int):
        seconds = text
    elif isinstance(text, str):
        raw = text.strip().lower()
        if raw.isdigit():
            seconds = int(raw)
        else:
            match = _DURATION_RE.match(raw)
            if not raw or match is None:
                raise ValueError(f"invalid duration {text!r}; {DURATION_HINT}")
            seconds = sum(
                int(match.group(unit)) * size
                for unit, size in _UNITS
                if match.group(unit) is not None
            )
    else:
        raise ValueError(f"invalid duration {text!r}; {DURATION_HINT}")
    if seconds <= 0:
        raise ValueError(f"duration {text!r} must be greater than zero")
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError(f"duration {text!r} is too large") from None


def format_duration(td: timedelta) -> str:
    """Render a duration the way people write it in the policy file.

    Examples: 30 min -> ``"30m"``, 24 h -> ``"24h"``, 72 h -> ``"3d"``,
    36 h -> ``"1d12h"``, 90 s -> ``"1m30s"``.

    Days are used only for durations longer than one day, so exactly one day prints
    as the customary ``"24h"``. Weeks are never printed (``"14d"``, not ``"2w"``).
    The output always parses back to the same value with :func:`parse_duration`
    (sub-second parts, which the parser never produces, are printed as decimals).
    """
    if td < timedelta(0):
        return "-" + format_duration(-td)
    total_us = (td.days * 86400 + td.seconds) * 1_000_000 + td.microseconds
    seconds, micros = divmod(total_us, 1_000_000)
    if seconds == 0 and micros == 0:
        return "0s"
    parts: list[str] = []
    if seconds > 86400 or (seconds == 86400 and micros):
        days, seconds = divmod(seconds, 86400)
        parts.append(f"{days}d")
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    if hours:
        parts.append(f"{hours}h")
    if minutes:
        parts.append(f"{minutes}m")
    if micros:
        parts.append(f"{seconds}.{micros:06d}".rstrip("0") + "s")
    elif seconds:
        parts.append(f"{seconds}s")
    return "".join(parts)
