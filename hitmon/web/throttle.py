"""Sign-in rate limiting: failed attempts per username and per client address in a sliding window.

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
        self._failures: dict[tuple[str, str], deque[float]] = {}

    @classmethod
    def from_settings(cls, web: WebSettings) -> LoginThrottle:
        return cls(web.login_attempts_per_user, web.login_attempts_per_address, web.login_window_seconds)

    def blocked(self, username: str, address: str) -> bool:
        """Whether either the username or the address has used up its failed attempts."""
        return any(self._count(key) >= self._limits[key[0]] for key in _keys(username, address))

    def failed(self, username: str, address: str) -> None:
        for key in _keys(username, address):
            attempts = self._failures.setdefault(key, deque())
            self._prune(attempts)
            attempts.append(self._clock())

    def succeeded(self, username: str) -> None:
        self._failures.pop(_keys(username, "")[0], None)

    def _count(self, key: tuple[str, str]) -> int:
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


def _keys(username: str, address: str) -> tuple[tuple[str, str], ...]:
    return (("user", username.strip().casefold()), ("address", address))
