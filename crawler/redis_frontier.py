"""The shared crawl frontier in Redis: a reliable FIFO queue of serialized requests, a Bloom filter of
the request fingerprints seen in this crawl, worker liveness, and per-domain politeness slots.

Keys, all under one prefix (``distributed.key_prefix``):

- ``P:frontier``: list of requests, pushed left, popped right. An entry is opaque here except for its
  first word: the request's host, then a space, then the pickled request (crawler.redis_scheduler).
- ``P:processing:W``: the requests worker W has popped and not yet finished (LMOVE from the frontier,
  so a request is always in exactly one of the two lists). Finishing one is an LREM (the "ack").
- ``P:alive:W``: expires ``alive_ttl`` after W's last heartbeat; ``P:workers`` names every worker.
  A worker whose alive key has expired is dead: its processing list goes back to the frontier.
- ``P:seen``: the Bloom filter bitmap (k bits per fingerprint, tested and set atomically in Lua).
- ``P:robots:HOST``: the host's robots.txt as the first worker to need it fetched it, for the others.
- ``P:slot:HOST``: a per-domain politeness slot (SET NX PX): while it exists, no worker sends HOST a
  request. ``pop_polite`` takes the oldest request whose host's slot is free and reserves the slot in
  the same step, so a worker never holds a request that must wait for its host.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass

import redis

# Tests and sets the k bits of one fingerprint at once: two workers offering the same URL at the same
# moment cannot both see it as new. Returns 1 when every bit was already set (seen before).
_BLOOM_ADD = """
local seen = 1
for i = 1, #ARGV do
  if redis.call('SETBIT', KEYS[1], ARGV[i], 1) == 0 then seen = 0 end
end
return seen
"""

# The oldest request whose host is free to be asked, looked for among the oldest ARGV[4] requests (a
# chunk of ARGV[5] at a time, each host tried once), moved to this worker's processing list with its
# host's slot taken (value ARGV[3], for ARGV[2] ms). An entry without a host (no space) needs no slot.
# Returns the entry, or the milliseconds until the first of the hosts tried is free (-1: none known).
_POP_POLITE = """
local window, chunk = tonumber(ARGV[4]), tonumber(ARGV[5])
local tried, wait, start = {}, -1, 0
while start < window do
  local entries = redis.call('LRANGE', KEYS[1], -(start + chunk), -(start + 1))
  for i = #entries, 1, -1 do
    local entry = entries[i]
    local space = string.find(entry, ' ', 1, true)
    local host = space and string.sub(entry, 1, space - 1) or ''
    if not tried[host] then
      tried[host] = true
      if host == '' or redis.call('SET', ARGV[1] .. host, ARGV[3], 'NX', 'PX', ARGV[2]) then
        redis.call('LREM', KEYS[1], -1, entry)
        redis.call('LPUSH', KEYS[2], entry)
        return entry
      end
      local left = redis.call('PTTL', ARGV[1] .. host)
      if left > 0 and (wait < 0 or left < wait) then wait = left end
    end
  end
  if #entries < chunk then break end
  start = start + chunk
end
return wait
"""

# Restarts the host's slot from now when this request still holds it (value ARGV[1]): the interval then
# runs from the sending, not from the pop. The value gets a "!": the request is sent.
_RENEW_SLOT = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1] .. '!', 'PX', ARGV[2])
  return 1
end
return 0
"""

# Takes the host's slot (value ARGV[2], ARGV[3] ms) when it is free, or when a pop of this worker holds
# it (a value starting with ARGV[1]) for a request not yet sent: the one request of a worker that can go
# before such a request is the robots.txt fetch it waits for. Otherwise the milliseconds left.
_TAKE_SLOT = """
local held = redis.call('GET', KEYS[1])
if (not held) or (string.sub(held, 1, #ARGV[1]) == ARGV[1] and string.sub(held, -1) ~= '!') then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 0
end
return math.max(redis.call('PTTL', KEYS[1]), 1)
"""

POP_WINDOW = 1000  # oldest requests looked at for one whose host is free; beyond, a crawl waits
POP_CHUNK = 100
ROBOTS_TTL = 12 * 3600  # seconds a shared robots.txt is kept (a new crawl forgets it anyway)
PASS_TTL = 3600  # seconds a site's browser pass is shared: challenge cookies (加速乐's) last an hour


@dataclass(frozen=True, slots=True)
class BloomShape:
    bits: int
    hashes: int

    @classmethod
    def for_capacity(cls, capacity: int, error_rate: float) -> BloomShape:
        """The optimal size for ``capacity`` items at ``error_rate`` false positives."""
        bits = math.ceil(-capacity * math.log(error_rate) / math.log(2) ** 2)
        return cls(min(bits, 2**32), max(1, round(bits / capacity * math.log(2))))

    def offsets(self, fingerprint: bytes) -> list[int]:
        """Double hashing (Kirsch-Mitzenmacher) over a SHA-1 of the fingerprint."""
        digest = hashlib.sha1(fingerprint).digest()
        first, second = int.from_bytes(digest[:8]), int.from_bytes(digest[8:16]) | 1
        return [(first + i * second) % self.bits for i in range(self.hashes)]


class Frontier:
    """One crawl's shared state in Redis, as seen by one worker (or by the seeder, ``worker_id=""``)."""

    def __init__(self, client: redis.Redis, prefix: str, bloom: BloomShape, worker_id: str = ""):
        self.client, self.prefix, self.bloom, self.worker_id = client, prefix, bloom, worker_id
        self.frontier_key = f"{prefix}:frontier"
        self.seen_key = f"{prefix}:seen"
        self.workers_key = f"{prefix}:workers"
        self._bloom_add = client.register_script(_BLOOM_ADD)
        self._pop_polite = client.register_script(_POP_POLITE)
        self._renew_slot = client.register_script(_RENEW_SLOT)
        self._take_slot = client.register_script(_TAKE_SLOT)

    def processing_key(self, worker_id: str | None = None) -> str:
        return f"{self.prefix}:processing:{worker_id or self.worker_id}"

    def alive_key(self, worker_id: str | None = None) -> str:
        return f"{self.prefix}:alive:{worker_id or self.worker_id}"

    # The duplicate filter.

    def add_seen(self, fingerprint: bytes) -> bool:
        """Record the fingerprint; True when it was (probably) there already."""
        offsets = self.bloom.offsets(fingerprint)
        return bool(self._bloom_add(keys=[self.seen_key], args=offsets))

    # The queue.

    def push(self, data: bytes, replaces: bytes | None = None) -> None:
        """Queue a request; ``replaces`` (a retry's or a redirect's parent) is finished in the same step."""
        with self.client.pipeline(transaction=True) as pipe:
            pipe.lpush(self.frontier_key, data)
            if replaces is not None:
                pipe.lrem(self.processing_key(), 1, replaces)
            pipe.execute()

    def pop(self) -> bytes | None:
        """The oldest queued request, moved to this worker's processing list in the same step."""
        return self.client.lmove(self.frontier_key, self.processing_key(), "RIGHT", "LEFT")

    def pop_polite(self, interval: float, token: str) -> tuple[bytes | None, float]:
        """The oldest queued request whose host's slot is free, moved to this worker's processing list
        with the slot taken for ``interval`` seconds (value ``token``); or None and the seconds until a
        host of the oldest ``POP_WINDOW`` requests is free (0: unknown)."""
        found = self._pop_polite(
            keys=[self.frontier_key, self.processing_key()],
            args=[self.slot_key(""), _milliseconds(interval), token, POP_WINDOW, POP_CHUNK],
        )
        if isinstance(found, bytes):
            return found, 0.0
        return None, max(int(found), 0) / 1000

    def ack(self, data: bytes) -> None:
        """The request is finished: its children are queued and its article stored or dropped."""
        self.client.lrem(self.processing_key(), 1, data)

    def queued(self) -> int:
        return int(self.client.llen(self.frontier_key))

    def in_flight(self) -> int:
        """Requests popped and not finished, by every worker (live or not yet reaped)."""
        return self._counts()[1]

    def drained(self) -> bool:
        """Nothing queued and nothing in flight, read in one transaction: a request moving between the
        lists (or a parent finished right after its children were queued) is always counted somewhere."""
        return self._counts() == (0, 0)

    def _counts(self) -> tuple[int, int]:
        workers = [member.decode() for member in self.client.smembers(self.workers_key)]
        with self.client.pipeline(transaction=True) as pipe:
            pipe.llen(self.frontier_key)
            for worker in workers:
                pipe.llen(self.processing_key(worker))
            queued, *held = pipe.execute()
        return int(queued), sum(int(n) for n in held)

    # Workers.

    def heartbeat(self, ttl: float) -> None:
        with self.client.pipeline(transaction=True) as pipe:
            pipe.sadd(self.workers_key, self.worker_id)
            pipe.set(self.alive_key(), b"1", px=int(ttl * 1000))
            pipe.execute()

    def leave(self) -> None:
        """A worker stopping cleanly: whatever it still holds goes back to the frontier."""
        self._requeue(self.worker_id)
        with self.client.pipeline(transaction=True) as pipe:
            pipe.delete(self.alive_key())
            pipe.srem(self.workers_key, self.worker_id)
            pipe.execute()

    def reap_dead(self) -> int:
        """Requeue the in-flight requests of workers whose heartbeat has expired; how many were moved."""
        moved = 0
        for member in self.client.smembers(self.workers_key):
            worker = member.decode()
            if worker != self.worker_id and not self.client.exists(self.alive_key(worker)):
                moved += self._requeue(worker)
                self.client.srem(self.workers_key, worker)
        return moved

    def _requeue(self, worker: str) -> int:
        """LMOVE one at a time: each request is in one list or the other at every instant."""
        moved = 0
        # Pushed at the right end: the requests of a dead worker are the next ones popped.
        while self.client.lmove(self.processing_key(worker), self.frontier_key, "RIGHT", "RIGHT"):
            moved += 1
        return moved

    # Politeness.

    def slot_key(self, host: str) -> str:
        return f"{self.prefix}:slot:{host}"

    def renew_slot(self, host: str, token: str, interval: float) -> bool:
        """Restart the slot ``pop_polite`` took with ``token`` for ``interval`` seconds from now; False
        when the slot is no longer this token's (it expired: the request must take it again)."""
        return bool(self._renew_slot(keys=[self.slot_key(host)], args=[token, _milliseconds(interval)]))

    def slot_token(self, number: int) -> str:
        """The value of a slot ``pop_polite`` takes for this worker's ``number``-th request."""
        return f"{self.worker_id}/{number}"

    def take_slot(self, host: str, interval: float) -> float:
        """Take the host's slot for ``interval`` seconds; 0 when taken, otherwise the seconds to wait.
        A slot this worker's pop holds for a request not yet sent is taken over (see _TAKE_SLOT)."""
        args = [self.slot_token(0)[:-1], self.worker_id or "-", _milliseconds(interval)]
        return int(self._take_slot(keys=[self.slot_key(host)], args=args)) / 1000

    # robots.txt, fetched once for every worker.

    def robots(self, host: str) -> bytes | None:
        return self.client.get(f"{self.prefix}:robots:{host}")

    def keep_robots(self, host: str, body: bytes) -> None:
        self.client.set(f"{self.prefix}:robots:{host}", body, ex=ROBOTS_TTL)

    # The cookies and user agent a worker's browser earned for a site (crawler.render.jar), for every
    # worker: a site is cleared once, not once per worker. A pass that expired early meets a challenge
    # and is replaced, as in a single crawl.

    def site_pass(self, site: str) -> bytes | None:
        return self.client.get(f"{self.prefix}:pass:{site}")

    def keep_site_pass(self, site: str, data: bytes) -> None:
        self.client.set(f"{self.prefix}:pass:{site}", data, ex=PASS_TTL)

    # A new crawl.

    def reset(self) -> None:
        """Forget the previous crawl's fingerprints (the filter is sized per crawl, so it never fills up)
        and robots.txt files (a site may have changed its own)."""
        self.client.delete(self.seen_key)
        for key in self.client.scan_iter(match=f"{self.prefix}:robots:*", count=500):
            self.client.delete(key)

    def clear(self) -> None:
        """Delete every key under the prefix (tests, and ``hitmon worker --reset``)."""
        for key in self.client.scan_iter(match=f"{self.prefix}:*", count=500):
            self.client.delete(key)


def _milliseconds(seconds: float) -> int:
    return max(1, int(seconds * 1000))
