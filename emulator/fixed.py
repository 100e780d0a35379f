"""Fixed-point arithmetic (DESIGN.md section 4) with a float64 twin.

Every helper here is an ordinary Python function implementing the fixed-point
rule on Python integers (the reference), and an ``@overload`` that numba uses
inside jitted code: for integer arguments it compiles the same fixed-point rule
with explicit 64-bit widening, for float arguments the plain float operation.
One tick loop therefore runs both arithmetics.

Formats: REAL is s16.15 in int32, UFRACT is u0.32 in uint32, ring-buffer
weights are u16 with a per-synapse-type left shift into REAL. Multiplications
round to nearest (see ROUND_REAL): a deliberate, measured departure from the
plain shift written in DESIGN.md.
"""

from __future__ import annotations

import numpy as np
from numba import types
from numba.extending import overload

__all__ = [
    "REAL_FRAC_BITS", "REAL_ONE", "REAL_MIN", "REAL_MAX", "UFRACT_ONE", "UFRACT_MAX",
    "U16_MAX", "to_real", "to_ufract", "from_real", "from_ufract",
    "mul_real", "mul_ufract", "decay", "sat_real", "ring_to_real", "sat_add_u16", "sat_ring_add",
    "exp_real",
]

REAL_FRAC_BITS = 15
REAL_ONE = 1 << REAL_FRAC_BITS
REAL_MIN = -(1 << 31)
REAL_MAX = (1 << 31) - 1
UFRACT_ONE = 1 << 32
UFRACT_MAX = (1 << 32) - 1
U16_MAX = 0xFFFF
# Products round to nearest (half up): add half an LSB before the shift. DESIGN.md
# section 4 writes the multiplies as a plain shift (floor); floor biases every
# product by -1/2 LSB, which accumulates through decays and leaks (measured: PSPs
# 0.5% small, a neuron near rheobase at dt = 0.01 ms firing 2.6% late against 0.1%
# with rounding). One addition per product on the hardware.
ROUND_REAL = 1 << (REAL_FRAC_BITS - 1)
ROUND_UFRACT = 1 << 31


# --- host-side conversions (numpy, vectorised) ------------------------------
def to_real(x, name="value"):
    """Float array -> REAL (int32), rounding to nearest; out of range (or NaN) is an error."""
    xf = np.asarray(x, dtype=np.float64)
    scaled = np.rint(xf * REAL_ONE)
    bad = ~((scaled >= REAL_MIN) & (scaled <= REAL_MAX))  # NaN compares False: bad
    if bad.any():
        value = float(xf.ravel()[np.argmax(bad.ravel())])
        raise OverflowError(
            f"{name} = {value!r} does not fit the s16.15 fixed-point range "
            f"[{REAL_MIN / REAL_ONE}, {REAL_MAX / REAL_ONE}]; rescale the parameter"
        )
    return scaled.astype(np.int32)


def to_ufract(x, name="value"):
    """Float array in [0, 1] -> UFRACT (uint32); 1.0 saturates to the largest value."""
    xf = np.asarray(x, dtype=np.float64)
    bad = ~((xf >= 0.0) & (xf <= 1.0))  # NaN compares False: bad
    if bad.any():
        value = float(xf.ravel()[np.argmax(bad.ravel())])
        raise OverflowError(f"{name} = {value!r} is outside the u0.32 range [0, 1]")
    return np.minimum(np.rint(xf * UFRACT_ONE), UFRACT_MAX).astype(np.uint32)


def from_real(x):
    return np.asarray(x, dtype=np.float64) / REAL_ONE


def from_ufract(x):
    return np.asarray(x, dtype=np.float64) / UFRACT_ONE


# --- arithmetic: Python reference + numba overloads --------------------------
def sat_real(x):
    """Clamp an integer to the int32 (REAL) range."""
    return min(max(int(x), REAL_MIN), REAL_MAX)


def mul_real(a, b):
    """REAL x REAL -> REAL: ``(int64(a) * int64(b) + 2**14) >> 15`` (nearest), saturated."""
    return sat_real((int(a) * int(b) + ROUND_REAL) >> REAL_FRAC_BITS)


def mul_ufract(a, u):
    """REAL x UFRACT -> REAL: ``(int64(a) * int64(u) + 2**31) >> 32`` (nearest)."""
    return (int(a) * int(u) + ROUND_UFRACT) >> 32


def decay(x, d):
    """REAL x UFRACT for a quantity decaying to 0: the rounded product, but one LSB
    closer to 0 where rounding would leave ``x`` unchanged (round to nearest stalls
    once ``|x| (1 - d)`` is under half an LSB, e.g. 50 LSB at h/tau = 0.01)."""
    r = mul_ufract(x, d)
    if r == int(x) and x != 0:
        r = int(x) - (1 if x > 0 else -1)
    return r


def ring_to_real(r, shift):
    """u16 ring-buffer value -> REAL: ``r << shift`` (shift in [0, 15])."""
    return int(r) << int(shift)


def sat_add_u16(a, b):
    """u16 + u16 saturating at 0xFFFF."""
    return min(int(a) + int(b), U16_MAX)


def sat_ring_add(ring, i, w):
    """``ring[i] += w`` in a u16 ring buffer, saturating at 0xFFFF; returns 1 where it
    saturated (the count the machine reports), else 0. Every ring add goes through here."""
    s = int(ring[i]) + int(w)
    ring[i] = min(s, U16_MAX)
    return int(s > U16_MAX)


def _is_int(t):
    return isinstance(t, types.Integer)


@overload(sat_ring_add)
def _sat_ring_add(ring, i, w):
    def impl(ring, i, w):
        s = np.int64(ring[i]) + np.int64(w)
        if s > U16_MAX:
            ring[i] = U16_MAX
            return 1
        ring[i] = s
        return 0
    return impl


@overload(sat_real)
def _sat_real(x):
    if _is_int(x):
        def impl(x):
            v = np.int64(x)
            if v > REAL_MAX:
                return np.int64(REAL_MAX)
            if v < REAL_MIN:
                return np.int64(REAL_MIN)
            return v
        return impl
    return lambda x: x


@overload(mul_real)
def _mul_real(a, b):
    if _is_int(a) and _is_int(b):
        def impl(a, b):
            return sat_real((np.int64(a) * np.int64(b) + np.int64(ROUND_REAL))
                            >> np.int64(REAL_FRAC_BITS))
        return impl
    return lambda a, b: a * b


@overload(mul_ufract)
def _mul_ufract(a, u):
    if _is_int(a) and _is_int(u):
        def impl(a, u):
            return (np.int64(a) * np.int64(u) + np.int64(ROUND_UFRACT)) >> np.int64(32)
        return impl
    return lambda a, u: a * u


@overload(decay)
def _decay(x, d):
    if _is_int(x) and _is_int(d):
        def impl(x, d):
            r = mul_ufract(x, d)
            if r == x and x != 0:
                r = np.int64(x) - (np.int64(1) if x > 0 else np.int64(-1))
            return r
        return impl
    return lambda x, d: x * d


@overload(ring_to_real)
def _ring_to_real(r, shift):
    if _is_int(r):
        def impl(r, shift):
            return np.int64(r) << np.int64(shift)
        return impl
    return lambda r, shift: r


@overload(sat_add_u16)
def _sat_add_u16(a, b):
    if _is_int(a) and _is_int(b):
        def impl(a, b):
            s = np.int64(a) + np.int64(b)
            return s if s < U16_MAX else np.int64(U16_MAX)
        return impl
    return lambda a, b: a + b


# --- exp: REAL -> REAL (nonlinear neuron models) -----------------------------
# x = k*ln2 + r with r in [0, ln2) computed in Q30 (x << 15 is exact), then
# e^r = e^(j/64) * e^s with j = r >> 24 (a 45-entry Q30 table) and s < 1/64 by a
# cubic Taylor polynomial (truncation < 2.6e-9), e^x = e^r * 2^k rounded to
# nearest into s16.15. Measured over every REAL input (tests/test_model_nonlinear.py):
# |error| <= 0.5 LSB + 4.5e-9 * e^x, so the relative error is at most 1.52e-5
# (2^-16 + 4.5e-9) wherever e^x >= 1. Inputs >= 16 ln2 (11.09) saturate at
# REAL_MAX; e^x below half an LSB (x < -11.09) gives 0.
EXP_LN2_Q30 = 744261118  # round(ln 2 * 2^30)
EXP_TABLE_Q30 = np.rint(np.exp(np.arange(45) / 64.0) * 2.0 ** 30).astype(np.int64)
EXP_C3_Q30 = 178956971  # round(2^30 / 6)
_EXP_TABLE = tuple(int(v) for v in EXP_TABLE_Q30)


def exp_real(x):
    """REAL -> REAL: ``e**x`` (see the block comment above), saturating at REAL_MAX."""
    xq = sat_real(x) << 15  # Q30
    k = xq // EXP_LN2_Q30  # floor
    if k >= 16:
        return REAL_MAX
    shift = 15 - k
    if shift > 40:
        return 0
    r = xq - k * EXP_LN2_Q30  # [0, ln2) in Q30
    s = r & 0xFFFFFF
    t = (s * EXP_C3_Q30) >> 30
    t = (s * ((1 << 29) + t)) >> 30
    t = (s * ((1 << 30) + t)) >> 30
    e = (_EXP_TABLE[r >> 24] * ((1 << 30) + t)) >> 30  # e^r in Q30, [2^30, 2^31)
    if shift > 0:
        e = (e + (1 << (shift - 1))) >> shift
    return min(e, REAL_MAX)


@overload(exp_real)
def _exp_real(x):
    if _is_int(x):
        def impl(x):
            xq = sat_real(x) << np.int64(15)
            k = xq // np.int64(EXP_LN2_Q30)
            if k >= 16:
                return np.int64(REAL_MAX)
            shift = np.int64(15) - k
            if shift > 40:
                return np.int64(0)
            r = xq - k * np.int64(EXP_LN2_Q30)
            s = r & np.int64(0xFFFFFF)
            t = (s * np.int64(EXP_C3_Q30)) >> np.int64(30)
            t = (s * (np.int64(1 << 29) + t)) >> np.int64(30)
            t = (s * (np.int64(1 << 30) + t)) >> np.int64(30)
            e = (EXP_TABLE_Q30[r >> np.int64(24)] * (np.int64(1 << 30) + t)) >> np.int64(30)
            if shift > 0:
                e = (e + (np.int64(1) << (shift - np.int64(1)))) >> shift
            return e if e < REAL_MAX else np.int64(REAL_MAX)
        return impl
    return lambda x: np.exp(x)
