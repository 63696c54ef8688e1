"""The mock clock: everything that expires asks it, so tests can move time (docs/design.md, admin API)."""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime
from typing import Any

from mockserver.domain.errors import BadRequest, Conflict

#: 9999-12-31T23:59:59Z: RFC 3339 timestamps (four-digit years, RFC 3339 §5.6) stop there.
LATEST_EPOCH = 253402300799.0


def _in_range(epoch_seconds: float) -> float:
    """RFC 3339 can only write years 0000-9999; the mock keeps time within 1970..9999."""
    if not (math.isfinite(epoch_seconds) and 0 <= epoch_seconds <= LATEST_EPOCH):
        raise Conflict("the clock would leave the representable range (1970..9999)")
    return epoch_seconds


class Clock:
    """Wall-clock time plus an offset that the admin API can set or advance.

    ``now()`` is seconds since the epoch as a float; ``frozen`` stops time at a fixed instant,
    which makes expiry tests exact.
    """

    def __init__(self) -> None:
        self.offset = 0.0
        self.frozen_at: float | None = None

    def now(self) -> float:
        """Current mock time in epoch seconds."""
        if self.frozen_at is not None:
            return self.frozen_at
        return time.time() + self.offset

    def utcnow(self) -> datetime:
        """Current mock time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.now(), tz=UTC)

    def advance(self, seconds: float) -> None:
        """Move time forward (or back, with a negative value); :class:`Conflict` out of range."""
        _in_range(self.now() + seconds)
        if self.frozen_at is not None:
            self.frozen_at += seconds
        else:
            self.offset += seconds

    def set(self, epoch_seconds: float, *, frozen: bool = False) -> None:
        """Jump to an instant; with ``frozen`` time stays there until changed again."""
        _in_range(epoch_seconds)
        if frozen:
            self.frozen_at = epoch_seconds
            self.offset = 0.0
        else:
            self.frozen_at = None
            self.offset = epoch_seconds - time.time()

    def reset(self) -> None:
        """Back to real time."""
        self.offset = 0.0
        self.frozen_at = None

    def export(self) -> dict[str, float | None]:
        """State for the admin snapshot."""
        return {"offset": self.offset, "frozen_at": self.frozen_at}

    def restore(self, data: Any) -> None:
        """Inverse of :meth:`export`: :class:`BadRequest` for a malformed value, :class:`Conflict`
        when the time it gives falls outside 1970..9999 (it depends on the current time)."""
        try:
            offset = float(data.get("offset") or 0.0)
            frozen = data.get("frozen_at")
            frozen_at = None if frozen is None else float(frozen)
        except (AttributeError, TypeError, ValueError):
            raise BadRequest("clock must be {offset: number, frozen_at: number|null}") from None
        _in_range(frozen_at if frozen_at is not None else time.time() + offset)
        self.offset, self.frozen_at = offset, frozen_at


def rfc3339(epoch_seconds: float) -> str:
    """RFC 3339 UTC timestamp with a ``Z`` suffix, as protobuf JSON and SCIM ``meta`` use."""
    return datetime.fromtimestamp(epoch_seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
