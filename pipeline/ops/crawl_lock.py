"""One crawl at a time across processes and hosts, held in the database.

PostgreSQL: a session advisory lock on a connection of its own (TCP keepalive on) kept open while the
crawl runs; the server frees it when that connection ends, however the process dies. The ``crawl_locks``
row only names the holder. A connection can also drop under a live crawl (a network blip, a restarted
pooler, ``pg_terminate_backend``): a heartbeat checks it, re-takes the lock when it is free, and otherwise
calls ``on_lost`` so that the crawl stops rather than run beside the one that took it.
SQLite: the ``crawl_locks`` row is the lock. A thread refreshes its heartbeat; a row whose heartbeat is
older than ``stale_after`` seconds belongs to a dead process and is taken over (``on_lost`` is called in
the process that lost it).
"""

from __future__ import annotations

import getpass
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, create_engine, delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from models.schema import CrawlLock
from models.types import utcnow
from pipeline.errors import HitmonError

log = logging.getLogger(__name__)

LOCK_NAME = "crawl"
ADVISORY_KEY = 0x6869746D6F6E  # "hitmon": the key of the PostgreSQL advisory lock
EX_TEMPFAIL = 75  # sysexits: try again later
# libpq: a peer that vanished (host down, NAT dropped) is noticed in about a minute, not hours.
KEEPALIVE = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}
MAX_PG_BEAT = 30.0  # seconds between checks of the PostgreSQL lock connection

OnLost = Callable[[str], None]


def _ignore_loss(reason: str) -> None:
    log.error("%s", reason)


@dataclass(frozen=True)
class LockHolder:
    owner: str
    since: datetime
    token: str = ""


class CrawlAlreadyRunning(HitmonError):
    """Another process holds the crawl lock. Exit status 75 (try again later)."""

    exit_code = EX_TEMPFAIL

    def __init__(self, holder: LockHolder | None):
        self.holder = holder
        if holder is None:
            super().__init__("a crawl is already running (holder unknown)")
        else:
            since = holder.since.strftime("%Y-%m-%d %H:%M:%S UTC")
            super().__init__(f"a crawl is already running ({holder.owner}, since {since})")


def default_owner(role: str = "crawl") -> str:
    """``role user@host pid N``: enough for an operator to find the holder."""
    return f"{role} {getpass.getuser()}@{socket.gethostname()} pid {os.getpid()}"


@contextmanager
def crawl_lock(
    engine: Engine,
    owner: str,
    *,
    wait: float = 0,
    stale_after: float = 900,
    poll: float = 1.0,
    clock: Callable[[], datetime] = utcnow,
    sleep: Callable[[float], None] = time.sleep,
    on_lost: OnLost = _ignore_loss,
) -> Iterator[LockHolder]:
    """Hold the crawl lock for the body of the ``with``; wait up to ``wait`` seconds for it.

    Raises CrawlAlreadyRunning naming the holder when it stays busy. ``on_lost(reason)`` is called from
    the heartbeat thread if another process takes the lock meanwhile: the body should then stop."""
    kind = _PostgresLock if engine.dialect.name == "postgresql" else _RowLock
    lock = kind(engine, owner[:200], stale_after, clock, on_lost)
    remaining = wait
    while not lock.acquire():
        if remaining <= 0:
            raise CrawlAlreadyRunning(current_holder(engine))
        step = min(poll, remaining)
        sleep(step)
        remaining -= step
    try:
        yield lock.holder
    finally:
        lock.release()


def current_holder(engine: Engine) -> LockHolder | None:
    """Who holds (or, on PostgreSQL, last took) the crawl lock, if anyone."""
    with engine.connect() as connection:
        row = connection.execute(select(CrawlLock).where(CrawlLock.name == LOCK_NAME)).first()
    return LockHolder(row.owner, row.acquired_at, row.token) if row else None


class _RowLock:
    """SQLite: the row is the lock; every step is one atomic statement, so no two holders can win."""

    def __init__(
        self, engine: Engine, owner: str, stale_after: float, clock: Callable[[], datetime], on_lost: OnLost
    ):
        self.engine, self.stale_after, self.clock, self.on_lost = engine, stale_after, clock, on_lost
        self.holder = LockHolder(owner, clock(), uuid.uuid4().hex)
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def acquire(self) -> bool:
        now = self.clock()
        self.holder = LockHolder(self.holder.owner, now, self.holder.token)
        if self._insert(now) or self._take_over_dead(now) or self._take_over_stale(now):
            self._beat = threading.Thread(target=self._heartbeat, name="crawl-lock-heartbeat", daemon=True)
            self._beat.start()
            return True
        return False

    def _insert(self, now: datetime) -> bool:
        try:
            with self.engine.begin() as connection:
                connection.execute(insert(CrawlLock).values(self._row(now)))
        except IntegrityError:
            return False
        return True

    def _take_over_dead(self, now: datetime) -> bool:
        """A holder on this host whose process is gone (killed outright) frees the lock at once, not after
        ``stale_after``. Only the row as read is replaced, so a concurrent taker cannot be overwritten."""
        with self.engine.begin() as connection:
            row = connection.execute(select(CrawlLock).where(CrawlLock.name == LOCK_NAME)).first()
            if row is None or row.host != socket.gethostname() or not row.pid or process_alive(row.pid):
                return False
            taken = connection.execute(
                update(CrawlLock)
                .where(CrawlLock.name == LOCK_NAME, CrawlLock.token == row.token)
                .values(self._row(now))
            ).rowcount
        if taken:
            log.warning("took over the crawl lock of %s: that process no longer exists", row.owner)
        return bool(taken)

    def _take_over_stale(self, now: datetime) -> bool:
        previous = current_holder(self.engine)
        cutoff = now - timedelta(seconds=self.stale_after)
        with self.engine.begin() as connection:
            taken = connection.execute(
                update(CrawlLock)
                .where(CrawlLock.name == LOCK_NAME, CrawlLock.heartbeat_at < cutoff)
                .values(self._row(now))
            ).rowcount
        if taken and previous:
            log.warning(
                "took over a stale crawl lock from %s (no heartbeat since before %s)", previous.owner, cutoff
            )
        return bool(taken)

    def _row(self, now: datetime) -> dict[str, object]:
        return _row(self.holder, now)

    def _heartbeat(self) -> None:
        while not self._stop.wait(self.stale_after / 3):
            try:
                with self.engine.begin() as connection:
                    statement = self._mine(update(CrawlLock)).values(heartbeat_at=self.clock())
                    kept = connection.execute(statement).rowcount
            except Exception as exc:  # a busy database: try again at the next beat
                log.warning("crawl lock heartbeat failed: %s", exc)
                continue
            if not kept:
                self.on_lost(f"lost the crawl lock: another process took it over from {self.holder.owner}")
                return

    def _mine(self, statement):  # type: ignore[no-untyped-def]
        return statement.where(CrawlLock.name == LOCK_NAME, CrawlLock.token == self.holder.token)

    def release(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join()
        with self.engine.begin() as connection:
            if not connection.execute(self._mine(delete(CrawlLock))).rowcount:
                log.warning(
                    "the crawl lock of %s had been taken over before it was released", self.holder.owner
                )


class _PostgresLock:
    """PostgreSQL: an advisory lock on a connection of its own, in autocommit (no idle transaction), with
    TCP keepalive, checked every heartbeat."""

    def __init__(
        self, engine: Engine, owner: str, stale_after: float, clock: Callable[[], datetime], on_lost: OnLost
    ):
        self.engine, self.clock, self.on_lost = engine, clock, on_lost
        self.beat = min(MAX_PG_BEAT, max(stale_after / 3, 0.5))
        # Outside the engine's pool: a dropped lock connection must never go back to the pool.
        self.lock_engine = create_engine(engine.url, poolclass=NullPool, connect_args=KEEPALIVE)
        self.holder = LockHolder(owner, clock(), uuid.uuid4().hex)
        self._connection: Connection | None = None
        self._stop = threading.Event()
        self._beat: threading.Thread | None = None

    def acquire(self) -> bool:
        if not self._take():
            return False
        self._beat = threading.Thread(target=self._heartbeat, name="crawl-lock-heartbeat", daemon=True)
        self._beat.start()
        return True

    def _take(self) -> bool:
        connection = self.lock_engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            taken = connection.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY})
        except Exception:
            connection.close()
            raise
        if not taken:
            connection.close()
            return False
        self._connection = connection
        now = self.clock()
        self.holder = LockHolder(self.holder.owner, now, self.holder.token)
        try:
            with self.engine.begin() as writer:  # only the advisory holder writes the row: no race
                writer.execute(delete(CrawlLock).where(CrawlLock.name == LOCK_NAME))
                writer.execute(insert(CrawlLock).values(_row(self.holder, now)))
        except Exception:
            self._drop_connection()
            raise
        return True

    def _heartbeat(self) -> None:
        """A live session keeps its advisory lock; a dropped one has lost it: take it again if free."""
        while not self._stop.wait(self.beat):
            if self._alive():
                continue
            self._drop_connection()
            try:
                retaken = self._take()
            except SQLAlchemyError as exc:
                log.warning("crawl lock connection lost; re-taking it failed: %s", _first_line(exc))
                continue  # the server may be back at the next beat; until then nobody else can write either
            if retaken:
                log.warning("crawl lock connection lost and the lock re-taken by %s", self.holder.owner)
                continue
            holder = current_holder(self.engine)
            by = f" by {holder.owner}" if holder and holder.token != self.holder.token else ""
            self.on_lost(f"lost the crawl lock: its database connection dropped and it was taken{by}")
            return

    def _alive(self) -> bool:
        if self._connection is None:
            return False
        try:
            self._connection.scalar(text("SELECT 1"))
        except SQLAlchemyError:
            return False
        return True

    def _drop_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.invalidate()
                connection.close()
            except SQLAlchemyError:
                pass

    def release(self) -> None:
        self._stop.set()
        if self._beat is not None:
            self._beat.join()
        connection, self._connection = self._connection, None
        try:
            if connection is None:
                return  # lost: the server released it with the connection
            try:
                with self.engine.begin() as writer:
                    mine = CrawlLock.token == self.holder.token
                    writer.execute(delete(CrawlLock).where(CrawlLock.name == LOCK_NAME, mine))
                connection.scalar(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            except SQLAlchemyError as exc:  # ending the session frees the lock anyway
                log.warning("releasing the crawl lock: %s", _first_line(exc))
                connection.invalidate()
            finally:
                connection.close()
        finally:
            self.lock_engine.dispose()


def _first_line(exc: BaseException) -> str:
    return str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True


def _row(holder: LockHolder, now: datetime) -> dict[str, object]:
    return {
        "name": LOCK_NAME,
        "owner": holder.owner,
        "token": holder.token,
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "acquired_at": now,
        "heartbeat_at": now,
    }
