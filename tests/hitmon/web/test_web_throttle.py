from __future__ import annotations

from hitmon.web.throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_failures_block_the_name_from_that_address_and_the_address_within_the_window() -> None:
    clock = Clock()
    throttle = LoginThrottle(per_user=2, per_address=3, window_seconds=60, clock=clock)
    throttle.failed("Editor1", "10.0.0.1")
    assert not throttle.blocked("editor1", "10.0.0.1")
    throttle.failed("editor1", "10.0.0.1")
    assert throttle.blocked("EDITOR1", "10.0.0.1")  # the name, from this address
    assert not throttle.blocked("editor1", "10.0.0.9")  # the editor at her own desk is not locked out
    assert not throttle.blocked("admin1", "10.0.0.1")
    throttle.failed("other", "10.0.0.1")
    assert throttle.blocked("admin1", "10.0.0.1")  # the address, for any name
    clock.now += 61
    assert not throttle.blocked("editor1", "10.0.0.1")


def test_success_clears_the_username_but_not_the_address() -> None:
    throttle = LoginThrottle(per_user=1, per_address=1, window_seconds=60, clock=Clock())
    throttle.failed("editor1", "10.0.0.1")
    throttle.succeeded("editor1", "10.0.0.1")
    assert not throttle.blocked("editor1", "10.0.0.2")
    assert throttle.blocked("editor1", "10.0.0.1")


def test_idle_keys_are_forgotten() -> None:
    clock = Clock()
    throttle = LoginThrottle(per_user=5, per_address=5, window_seconds=10, clock=clock)
    for n in range(100):
        throttle.failed(f"guess{n}", "10.0.0.1")
    clock.now += 11
    for n in range(100):
        throttle.blocked(f"guess{n}", "10.0.0.1")
    assert not throttle._failures
