"""The datagrams between a simulation and live connections in other processes (UDP on
localhost; :mod:`neurochip.live` says how a run uses them).

A datagram is ``MAGIC`` (4 bytes), one type byte, then a UTF-8 JSON object:

====  ==================  ==========================================================
type  direction           JSON
====  ==================  ==========================================================
D     sim -> connection   database ready: ``{"labels": {label: n_neurons}, "run_time_ms",
                          "dt"}`` (the live populations, for the init callbacks)
d     connection -> sim   its answer: ``{"receive": [label], "send": [label]}``
S     sim -> connection   start/resume of run ``k``: ``{"k": k}``
s     connection -> sim   its answer, once its start callbacks returned (or
                          ``START_WAIT`` s passed): ``{"k": k}``
P     sim -> connection   pause/stop: ``{"k": k}``
O     sim -> connection   live output: ``{"q": seq, "s": [[label, time, [ids]], ...]}``,
                          in simulated-time order, ``seq`` 1, 2, ... per connection
o     connection -> sim   output ``seq`` arrived: ``{"q": seq}``
X     connection -> sim   spikes of a SpikeInjector: ``{"l": label, "n": [ids]}``
R     connection -> sim   Poisson rates: ``{"l": label, "r": [[id, rate_hz], ...]}``
====  ==================  ==========================================================

:func:`decode` gives None for anything else, so that no peer can crash the other side.
"""

from __future__ import annotations

import json

__all__ = ["MAGIC", "TYPES", "MAX_DATAGRAM", "OUTPUT_BYTES", "encode", "decode", "output_packets"]

MAGIC = b"NCL1"
TYPES = frozenset("DdSsPOoXR")
MAX_DATAGRAM = 65507  # the largest UDP payload over IPv4
OUTPUT_BYTES = 16000  # live output is cut into datagrams of about this size


def encode(kind: str, body: dict) -> bytes:
    """One datagram of type ``kind``."""
    data = MAGIC + kind.encode() + json.dumps(body, separators=(",", ":")).encode()
    if len(data) > MAX_DATAGRAM:
        raise ValueError(f"a {kind!r} datagram of {len(data)} bytes is over {MAX_DATAGRAM}")
    return data


def decode(data: bytes):
    """``(kind, body)`` of a datagram, or None when it is not one of ours."""
    if len(data) < 6 or data[:4] != MAGIC:
        return None
    kind = chr(data[4])
    if kind not in TYPES:
        return None
    try:
        body = json.loads(data[5:].decode())
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return (kind, body) if isinstance(body, dict) else None


def output_packets(records, limit: int = OUTPUT_BYTES):
    """``[label, time, ids]`` records cut into lists whose JSON is about ``limit`` bytes at
    most (a record too big for one is cut into several of the same label and time)."""
    packet, size = [], 0
    for label, time, ids in records:
        ids = list(ids)
        while ids:
            room = max(1, (limit - size - len(label) - 32) // 8)  # ids take <= 8 bytes
            part, ids = ids[:room], ids[room:]
            packet.append([label, time, part])
            size += len(label) + 32 + 8 * len(part)
            if size >= limit:
                yield packet
                packet, size = [], 0
    if packet:
        yield packet
