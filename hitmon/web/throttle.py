"""Sign-in rate limiting: failed attempts per client address, and per username from that address, in a
sliding window.

There is no lock per username alone: it would let anyone lock a named editor out with a few wrong tries.
Guessing one editor's password from many addresses is bounded by (addresses x per_user) per window and
by argon2's cost; the client address is the socket's, or the proxy's X-Forwarded-For only when the socket
is a configured proxy (``web.trusted_proxies``), so it cannot be spoofed to reset the count.

Kept in the app instance (one per process); several processes each keep their own count, which still
bounds guessing to (processes x limit) per window.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from pipeline.config import WebSettings


class LoginThrottle:
    def __init__(
        self,
        per_user: int,
        per_address: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ):
        self._limits = {"user": per_user, "address": per_address}
        self._window = window_seconds
        self._clock = clock
        self._failures: dict[tuple[str, ...], deque[float]] = {}

    @classmethod
    def from_settings(cls, web: WebSettings) -> LoginThrottle:
        return cls(web.login_attempts_per_user, web.login_attempts_per_address, web.login_window_seconds)

    def blocked(self, username: str, address: str) -> bool:
        """Whether the address, or the username from this address, has used up its failed attempts."""
        return any(self._count(key) >= self._limits[key[0]] for key in _keys(username, address))

    def failed(self, username: str, address: str) -> None:
        for key in _keys(username, address):
            attempts = self._failures.setdefault(key, deque())
            self._prune(attempts)
            attempts.append(self._clock())

    def succeeded(self, username: str, address: str) -> None:
        self._failures.pop(_keys(username, address)[0], None)

    def _count(self, key: tuple[str, ...]) -> int:
        attempts = self._failures.get(key)
        if attempts is None:
            return 0
        self._prune(attempts)
        if not attempts:
            del self._failures[key]  # forget idle keys so guessed names cannot grow the table forever
        return len(attempts)

    def _prune(self, attempts: deque[float]) -> None:
        horizon = self._clock() - self._window
        while attempts and attempts[0] <= horizon:
            attempts.popleft()


def _keys(username: str, address: str) -> tuple[tuple[str, ...], ...]:
    return (("user", username.strip().casefold(), address), ("address", address))
