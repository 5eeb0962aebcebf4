"""Sending notifications without ever holding up the pipeline, and without losing any silently.

Alert evaluation is synchronous and deterministic; the network is neither. So a handler only
builds an `OutgoingRequest` and drops it into a queue (`DeliveryQueue.submit`), which returns at
once. Behind the queue:

- one bounded queue and one worker thread per handler kind (pushover, discord, post), so a slow
  Discord webhook never delays Pushover, and each service sees its notifications in order;
- one pool of `httpx.Client`s shared by all workers (one client per TLS configuration);
- retries for what may heal — connection errors, 5xx and 429 — with exponential backoff and
  jitter, waiting as long as the service asks when it says so (`Retry-After`, or Discord's
  `retry_after` in the JSON body); a 4xx other than 429 is final and reported with the
  service's own error text;
- `close(timeout)` lets the workers drain for at most `timeout` seconds, then reports by name
  every notification that was not delivered.

Every outcome — delivered, failed, given up at shutdown, dropped because a queue was full — goes
to `report.delivery(handler_name, ok, detail)`, with secrets already masked, so a run's summary
accounts for each notification.
"""

from __future__ import annotations

import logging
import queue
import random as random_module
import threading
import time
from dataclasses import dataclass
from typing import Callable

from tickpy.handlers.http import Attempt, ClientPool, OutgoingRequest, send_once

log = logging.getLogger("tickpy.delivery")

_STOP = object()
_SHUTDOWN_GRACE_SECONDS = 1.0  # how long close() waits for an attempt already on the wire


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try. Tests use tiny delays; the defaults suit real services."""

    max_attempts: int = 5
    initial_delay: float = 0.5  # seconds before the first retry
    multiplier: float = 2.0
    max_delay: float = 30.0
    jitter: float = 0.2  # each delay is scaled by a random factor in [1 - jitter, 1 + jitter]
    max_retry_after: float = 300.0  # longest wait honoured when a service asks for one

    def backoff(self, retry_number: int, rng: random_module.Random) -> float:
        """Seconds to wait before retry `retry_number` (1 for the first retry)."""
        delay = min(self.max_delay, self.initial_delay * self.multiplier ** (retry_number - 1))
        return delay * rng.uniform(1.0 - self.jitter, 1.0 + self.jitter)

    def wait_for(self, attempt: Attempt, retry_number: int, rng: random_module.Random) -> float:
        """The service's requested wait when it gave one, else our backoff."""
        if attempt.retry_after is not None:
            return min(attempt.retry_after, self.max_retry_after)
        return self.backoff(retry_number, rng)


class DeliveryQueue:
    """Queues, workers and retries for every network handler of a run.

    `report` receives `delivery(handler_name, ok, detail)` calls from worker threads.
    `wait` replaces the pause between attempts (tests pass one that records and returns).
    """

    def __init__(
        self,
        report=None,
        policy: RetryPolicy | None = None,
        *,
        queue_size: int = 10_000,
        pool: ClientPool | None = None,
        wait: Callable[[float], None] | None = None,
        rng: random_module.Random | None = None,
    ):
        self._report = report
        self.policy = policy or RetryPolicy()
        self._queue_size = queue_size
        self._pool = pool or ClientPool()
        self._wait = wait
        self._rng = rng or random_module.Random()
        self._queues: dict[str, queue.Queue] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()
        self._deadline: float | None = None  # monotonic time by which close() wants to be done
        self._closing = threading.Event()
        self._abandon = threading.Event()  # set once the deadline has passed
        self._undelivered: list[str] = []

    # -- the pipeline side ---------------------------------------------------------------------

    def submit(self, request: OutgoingRequest) -> bool:
        """Queue a request; never blocks. False (and a report) when it cannot be queued."""
        if self._closing.is_set():
            self._give_up(request, "not sent: delivery was already shut down")
            return False
        pending = self._queue_for(request.kind)
        try:
            pending.put_nowait(request)
        except queue.Full:
            self._give_up(request, f"not sent: the {request.kind} queue is full "
                                   f"({self._queue_size} notifications waiting)")
            return False
        return True

    def pending(self) -> int:
        """Notifications queued and not yet taken by a worker."""
        with self._lock:
            return sum(q.qsize() for q in self._queues.values())

    def close(self, timeout: float = 10.0) -> list[str]:
        """Drain for at most `timeout` seconds; return (and report) what was not delivered."""
        with self._lock:
            if self._closing.is_set():
                return list(self._undelivered)
            self._deadline = time.monotonic() + timeout
            self._closing.set()
            queues = dict(self._queues)
            threads = dict(self._threads)
        for pending in queues.values():
            self._put_stop(pending)
        for thread in threads.values():
            thread.join(max(0.0, self._deadline - time.monotonic()))
        self._abandon.set()
        for pending in queues.values():
            self._report_leftovers(pending)
            try:
                pending.put_nowait(_STOP)  # the drain may have taken the first one
            except queue.Full:
                pass
        for thread in threads.values():
            thread.join(_SHUTDOWN_GRACE_SECONDS)
        for pending in queues.values():
            self._report_leftovers(pending)
        self._pool.close()
        with self._lock:
            return list(self._undelivered)

    # -- workers -------------------------------------------------------------------------------

    def _queue_for(self, kind: str) -> queue.Queue:
        with self._lock:
            pending = self._queues.get(kind)
            if pending is None:
                pending = queue.Queue(maxsize=self._queue_size)
                thread = threading.Thread(target=self._work, args=(pending,),
                                          name=f"tickpy-delivery-{kind}", daemon=True)
                self._queues[kind] = pending
                self._threads[kind] = thread
                thread.start()
            return pending

    def _work(self, pending: queue.Queue) -> None:
        while True:
            item = pending.get()
            if item is _STOP:
                return
            if self._abandon.is_set():
                self._give_up(item, "not sent before the shutdown deadline")
                continue
            self._deliver(item)

    def _deliver(self, request: OutgoingRequest) -> None:
        attempts = 0
        while True:
            attempts += 1
            attempt = send_once(self._pool, request, timeout=self._attempt_timeout(request))
            if attempt.ok:
                self._delivered(request, attempt)
                return
            if not attempt.retryable:
                self._failed(request, attempt, attempts)
                return
            if attempts >= self.policy.max_attempts:
                self._failed(request, attempt, attempts, "gave up")
                return
            delay = self.policy.wait_for(attempt, attempts, self._rng)
            log.info("%s: %s: attempt %d failed (%s); retrying in %.3gs",
                     request.handler, request.what, attempts, attempt.message, delay)
            if not self._pause(delay):
                self._failed(request, attempt, attempts, "shutdown deadline reached")
                return

    def _attempt_timeout(self, request: OutgoingRequest) -> float | None:
        """Once close() has set a deadline, no attempt may run past it."""
        deadline = self._deadline
        if deadline is None:
            return None
        remaining = max(0.05, deadline - time.monotonic())
        return min(remaining, request.timeout) if request.timeout else remaining

    def _pause(self, seconds: float) -> bool:
        """Wait before a retry; False when the shutdown deadline would pass first."""
        end = time.monotonic() + seconds
        deadline = self._deadline
        if deadline is not None and end > deadline:
            return False
        if self._wait is not None:
            self._wait(seconds)
            return True
        while True:
            remaining = end - time.monotonic()
            if remaining <= 0:
                return True
            deadline = self._deadline
            if deadline is not None:
                if end > deadline:
                    return False
                time.sleep(remaining)  # bounded by the deadline
                return True
            self._closing.wait(remaining)  # wakes early when close() sets a deadline

    # -- outcomes ------------------------------------------------------------------------------

    def _delivered(self, request: OutgoingRequest, attempt: Attempt) -> None:
        detail = f"{request.what}: delivered ({attempt.status})"
        if attempt.message:
            detail += f"; {attempt.message}"
        if attempt.notice:
            detail += f"; {attempt.notice}"
            log.warning("%s: %s", request.handler, detail)
        self._tell(request.handler, True, detail)

    def _failed(self, request: OutgoingRequest, attempt: Attempt, attempts: int, why: str = "") -> None:
        status = f"HTTP {attempt.status}" if attempt.status is not None else "no response"
        tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
        reason = f"{why} after {tries}" if why else f"after {tries}"
        detail = f"{request.what}: not delivered ({status}, {reason}): {attempt.message}"
        self._record_undelivered(request, detail)

    def _give_up(self, request: OutgoingRequest, why: str) -> None:
        self._record_undelivered(request, f"{request.what}: {why}")

    def _record_undelivered(self, request: OutgoingRequest, detail: str) -> None:
        detail = request.redacted(detail)
        with self._lock:
            self._undelivered.append(f"{request.handler}: {detail}")
        log.warning("%s: %s", request.handler, detail)
        self._tell(request.handler, False, detail)

    def _report_leftovers(self, pending: queue.Queue) -> None:
        while True:
            try:
                item = pending.get_nowait()
            except queue.Empty:
                return
            if item is not _STOP:
                self._give_up(item, "not sent before the shutdown deadline")

    def _put_stop(self, pending: queue.Queue) -> None:
        remaining = max(0.0, (self._deadline or time.monotonic()) - time.monotonic())
        try:
            pending.put(_STOP, timeout=remaining)
        except queue.Full:
            pass  # the worker will be abandoned at the deadline and the leftovers reported

    def _tell(self, handler: str, ok: bool, detail: str) -> None:
        if self._report is not None:
            self._report.delivery(handler, ok, detail)


def dispatch(services, request: OutgoingRequest) -> None:
    """Hand a request to delivery, or print it under --dry-run. The handlers' one exit."""
    if getattr(services, "dry_run", False):
        out = services.out
        out.write(request.dry_run_text())
        flush = getattr(out, "flush", None)
        if flush is not None:
            flush()
        return
    services.delivery.submit(request)
