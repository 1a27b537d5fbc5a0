"""Interleaved timing of matchers: ns per call over thousands of distinct
paths, every timer sampled once a round (``bench_router.py``, ``scale.py``).
"""

from __future__ import annotations

import gc
import statistics
import time
from collections import deque

import workload


class Timer:
    """ns per ``call(*row)`` over the rows of ``columns``, a sample at a time.

    Every pass matches fresh str objects (``workload.fresh``, made outside
    the clock) unless ``--reuse-strings``.  ``deque(map(...), maxlen=0)``
    drives the calls from C, so no Python loop adds to the router's time.
    """

    def __init__(self, call, columns, cfg):
        self.call, self.columns, self.reuse = call, columns, cfg["reuse_strings"]
        self.raw = [workload.encoded(col) for col in columns]
        self.count = len(columns[0])
        self.samples = []
        # The first pass warms up and sizes a sample: enough passes to last sample_ms.
        self.passes = max(1, -(-cfg["sample_ms"] * 1_000_000 // max(self.one_pass(), 1)))

    def one_pass(self):
        args = self.columns if self.reuse else [workload.fresh(col) for col in self.raw]
        consume = deque(maxlen=0).extend
        t0 = time.perf_counter_ns()
        consume(map(self.call, *args))
        return time.perf_counter_ns() - t0

    def sample(self):
        # An untimed pass first: the routers sampled in between evicted this
        # one's tree from the CPU caches (and refilled http-router's LRU).
        self.one_pass()
        self.samples.append(sum(self.one_pass() for _ in range(self.passes)) / (self.passes * self.count))


def measure(timers, repeats):
    """{key: (min, median)}, sampling every timer once per repeat, round-robin.

    Interleaved so that a slow spell of the machine (another process, a
    frequency change) lands on all the routers alike rather than on whichever
    was being timed then: the ratios are what the run is for.
    """
    was_enabled = gc.isenabled()
    gc.disable()  # as timeit does: a collection landing in one router's sample is noise
    try:
        for _ in range(repeats):
            for timer in timers.values():
                timer.sample()
    finally:
        if was_enabled:
            gc.enable()
    return {key: (min(t.samples), statistics.median(t.samples)) for key, t in timers.items()}


def columns(cases):
    return [c[0] for c in cases], [c[1] for c in cases]


def store(results, measured):
    """results[name][key] = min, and key with _median."""
    for (name, key), (low, median) in measured.items():
        results[name][key] = low
        results[name][key.replace("_ns", "_median_ns")] = median
