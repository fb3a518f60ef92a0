"""Fault injection per Bot API method: scripted in order, or at a seeded random rate."""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Literal

FaultKind = Literal["retry_after", "server_error", "slow", "drop"]
ANY_METHOD = "*"


@dataclass(frozen=True)
class Fault:
    """One injected misbehaviour of the server for one call.

    ``after=True`` runs the method first, so the effect happens (the message is sent) but the
    answer is late, an error, or lost: the case a client cannot tell from a failure.
    """

    kind: FaultKind
    retry_after: int = 1
    status: int = 502
    delay: float = 0.0
    after: bool = False

    @classmethod
    def retry(cls, seconds: int = 1) -> Fault:
        """Return a 429 "Too Many Requests: retry after N" answer."""
        return cls("retry_after", retry_after=seconds)

    @classmethod
    def server_error(cls, status: int = 502, *, after: bool = False) -> Fault:
        """Return a 5xx answer (502 Bad Gateway by default)."""
        return cls("server_error", status=status, after=after)

    @classmethod
    def slow(cls, seconds: float, *, after: bool = False) -> Fault:
        """Return an answer delayed by ``seconds`` (before or after the method runs)."""
        return cls("slow", delay=seconds, after=after)

    @classmethod
    def drop(cls, *, after: bool = False) -> Fault:
        """Return a closed connection with no answer at all."""
        return cls("drop", after=after)

    @property
    def description(self) -> str:
        """Return the error text of a 5xx answer, e.g. "Bad Gateway"."""
        return HTTPStatus(self.status).phrase


class FaultPlan:
    """Which faults the next calls get. Method names are matched case-insensitively.

    A method's script is used up first, one entry per call (``None`` lets a call through);
    then its rate, then the ``"*"`` rate that applies to every method.
    """

    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._scripts: dict[str, deque[Fault | None]] = {}
        self._rates: dict[str, tuple[float, tuple[Fault, ...]]] = {}
        self.injected: list[tuple[str, Fault]] = []

    def script(self, method: str, faults: Iterable[Fault | None]) -> None:
        """Queue faults for the next calls of ``method``, in order."""
        self._scripts.setdefault(method.lower(), deque()).extend(faults)

    def rate(self, method: str, probability: float, *faults: Fault) -> None:
        """Give each call of ``method`` (or ``"*"``) this chance of one of ``faults``."""
        if not faults:
            raise ValueError("rate() needs at least one Fault")
        self._rates[method.lower()] = (probability, faults)

    def clear(self, method: str | None = None) -> None:
        """Forget the faults of one method, or of all."""
        if method is None:
            self._scripts.clear()
            self._rates.clear()
        else:
            self._scripts.pop(method.lower(), None)
            self._rates.pop(method.lower(), None)

    def pending(self, method: str) -> int:
        """Return how many scripted entries ``method`` has left."""
        return len(self._scripts.get(method.lower(), ()))

    def next_fault(self, method: str) -> Fault | None:
        """Return the fault for this call of ``method``, or None."""
        key = method.lower()
        script = self._scripts.get(key)
        fault = script.popleft() if script else self._from_rate(key)
        if fault is None and not script:
            fault = self._from_rate(ANY_METHOD)
        if fault is not None:
            self.injected.append((method, fault))
        return fault

    def _from_rate(self, key: str) -> Fault | None:
        if key not in self._rates:
            return None
        probability, faults = self._rates[key]
        if self._rng.random() >= probability:
            return None
        return self._rng.choice(faults)
