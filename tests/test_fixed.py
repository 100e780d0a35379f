"""Fixed-point helpers and the KISS generator, bit for bit against plain Python integers.

Each helper is checked three ways: the Python reference function, the numba
overload (inside a small njit wrapper, with the numpy integer types the kernel
uses), and an independent formula written here with Python ints.
"""

import numba
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from neurochip.emulator import fixed
from neurochip.emulator.fixed import (
    REAL_MAX,
    REAL_MIN,
    UFRACT_MAX,
    decay,
    mul_real,
    mul_ufract,
    ring_to_real,
    sat_add_u16,
    sat_real,
    sat_ring_add,
    to_real,
    to_ufract,
)
from neurochip.emulator.rng import kiss_next, kiss_next_py, seed_kiss

pytestmark = pytest.mark.fixed

SOME = settings(max_examples=200, deadline=None, database=None)
I32 = st.integers(-(2 ** 31), 2 ** 31 - 1)
U32 = st.integers(0, 2 ** 32 - 1)
U16 = st.integers(0, 0xFFFF)
I64 = st.integers(-(2 ** 62), 2 ** 62)
EDGE_I32 = [-(2 ** 31), -(2 ** 31) + 1, -32769, -32768, -1, 0, 1, 32767, 32768, 2 ** 31 - 1]


# --- independent references (Python ints, round half up) -----------------------
def ref_clamp(x):
    return max(-(2 ** 31), min(2 ** 31 - 1, x))


def ref_mul_real(a, b):
    return ref_clamp((2 * a * b + 2 ** 15) // 2 ** 16)  # floor(a*b/2**15 + 1/2), exactly


def ref_mul_ufract(a, u):
    return (2 * a * u + 2 ** 32) // 2 ** 33  # floor(a*u/2**32 + 1/2), exactly


def ref_ring(r, shift):
    return r * 2 ** shift


def ref_sat_u16(a, b):
    return a + b if a + b <= 0xFFFF else 0xFFFF


# --- njit wrappers: the numba overloads ----------------------------------------
nb_mul_real = numba.njit(lambda a, b: mul_real(a, b))
nb_mul_ufract = numba.njit(lambda a, u: mul_ufract(a, u))
nb_sat_real = numba.njit(lambda x: sat_real(x))
nb_ring_to_real = numba.njit(lambda r, shift: ring_to_real(r, shift))
nb_sat_add_u16 = numba.njit(lambda a, b: sat_add_u16(a, b))
nb_sat_ring_add = numba.njit(lambda ring, i, w: sat_ring_add(ring, i, w))


def test_reference_formulas_round_half_up():
    # guards the test's own references: products round to nearest, halves upwards
    assert ref_mul_real(-1, 1) == 0 and ref_mul_real(1, 2 ** 14) == 1  # -1/2**15 -> 0; 1/2 -> 1
    assert ref_mul_real(-1, 2 ** 14) == 0 and ref_mul_real(-3, 2 ** 14) == -1  # -1/2 -> 0
    assert ref_mul_ufract(-1, 1) == 0 and ref_mul_ufract(3, 2 ** 31) == 2
    assert ref_mul_real(2 ** 31 - 1, 2 ** 31 - 1) == 2 ** 31 - 1
    assert ref_mul_real(-(2 ** 31), 2 ** 31 - 1) == -(2 ** 31)


@SOME
@given(I32, I32)
def test_mul_real(a, b):
    want = ref_mul_real(a, b)
    assert mul_real(a, b) == want
    assert int(nb_mul_real(np.int32(a), np.int32(b))) == want
    assert int(nb_mul_real(np.int64(a), np.int64(b))) == want  # params are int64 in the kernel


@pytest.mark.parametrize("a", EDGE_I32)
@pytest.mark.parametrize("b", EDGE_I32)
def test_mul_real_edges(a, b):
    want = ref_mul_real(a, b)
    assert mul_real(a, b) == want
    assert int(nb_mul_real(np.int32(a), np.int64(b))) == want


@SOME
@given(I32, U32)
def test_mul_ufract(a, u):
    want = ref_mul_ufract(a, u)
    assert -(2 ** 31) <= want < 2 ** 31
    assert mul_ufract(a, u) == want
    assert int(nb_mul_ufract(np.int32(a), np.uint32(u))) == want
    assert int(nb_mul_ufract(np.int64(a), np.int64(u))) == want


@pytest.mark.parametrize("a", EDGE_I32)
@pytest.mark.parametrize("u", [0, 1, 2 ** 31, 2 ** 32 - 2, 2 ** 32 - 1])
def test_mul_ufract_edges(a, u):
    want = ref_mul_ufract(a, u)
    assert mul_ufract(a, u) == want
    assert int(nb_mul_ufract(np.int32(a), np.uint32(u))) == want


@SOME
@given(I64)
def test_sat_real(x):
    want = ref_clamp(x)
    assert sat_real(x) == want
    assert int(nb_sat_real(np.int64(x))) == want


@pytest.mark.parametrize("x", [REAL_MIN - 1, REAL_MIN, REAL_MAX, REAL_MAX + 1, 0, -1])
def test_sat_real_edges(x):
    assert sat_real(x) == ref_clamp(x)
    assert int(nb_sat_real(np.int64(x))) == ref_clamp(x)
    if REAL_MIN <= x <= REAL_MAX:
        assert int(nb_sat_real(np.int32(x))) == x


@SOME
@given(U16, st.integers(0, 15))
def test_ring_to_real(r, shift):
    want = ref_ring(r, shift)
    assert want <= REAL_MAX  # a ring slot always fits REAL
    assert ring_to_real(r, shift) == want
    assert int(nb_ring_to_real(np.uint16(r), np.int32(shift))) == want


@SOME
@given(st.one_of(U16, st.sampled_from([0, 1, 0xFFFE, 0xFFFF])), st.one_of(U16, st.sampled_from([0, 0xFFFF])))
def test_sat_add_u16(a, b):
    want = ref_sat_u16(a, b)
    assert sat_add_u16(a, b) == want
    assert int(nb_sat_add_u16(np.uint16(a), np.uint16(b))) == want
    assert int(nb_sat_add_u16(np.uint32(a), np.int64(b))) == want


# --- float twins ---------------------------------------------------------------
FLOATS = st.floats(-1e6, 1e6, allow_nan=False)


@SOME
@given(FLOATS, FLOATS, st.integers(0, 15))
def test_float_twins_are_plain_float_ops(a, b, shift):
    assert nb_mul_real(a, b) == a * b
    assert nb_mul_ufract(a, abs(b) / 1e6) == a * (abs(b) / 1e6)
    assert nb_sat_real(a * 1e6) == a * 1e6  # no clamping in float
    assert nb_ring_to_real(abs(a), shift) == abs(a)  # float rings hold nA already
    assert nb_sat_add_u16(abs(a), abs(b)) == abs(a) + abs(b)


def test_float_twins_return_floats():
    assert isinstance(nb_mul_real(0.5, 0.25), float)
    assert nb_mul_real(0.5, 0.25) == 0.125  # the int rule would give 0
    assert nb_sat_add_u16(65535.0, 10.0) == 65545.0  # no saturation in float


# --- host conversions ----------------------------------------------------------
LSB = 2.0 ** -15


@SOME
@given(st.floats(-65535.0, 65535.0, allow_nan=False))
def test_to_real_rounds_to_nearest(x):
    r = to_real(x)
    assert r.dtype == np.int32
    assert abs(x * 2 ** 15 - int(r)) <= 0.5


@pytest.mark.parametrize("k", [0, 1, 2, -1, -2, 1000, -1000])
def test_to_real_half_lsb_boundaries(k):
    base = k * LSB
    assert int(to_real(base + 0.5 * LSB * (1 + 1e-6))) == k + 1
    assert int(to_real(base + 0.5 * LSB * (1 - 1e-6))) == k
    assert int(to_real(base - 0.5 * LSB * (1 - 1e-6))) == k
    assert int(to_real(base - 0.5 * LSB * (1 + 1e-6))) == k - 1
    assert int(to_real(base + 0.5 * LSB)) in (k, k + 1)  # a tie: either neighbour


def test_to_real_range_ends_and_arrays():
    assert int(to_real(REAL_MAX / 2 ** 15)) == REAL_MAX
    assert int(to_real(-65536.0)) == REAL_MIN
    np.testing.assert_array_equal(to_real([1.0, -0.5, 1e-9]), np.array([32768, -16384, 0], np.int32))
    x = np.array([-65536.0, -1.25, 0.0, LSB, 3.0, 65535.0])
    np.testing.assert_array_equal(fixed.from_real(to_real(x)), x)
    assert fixed.from_ufract(to_ufract(0.25)) == 0.25


@pytest.mark.parametrize("x, text", [(65536.0, "65536.0"), (-65537.5, "-65537.5"), (1e9, "1000000000.0"),
                                     (float("inf"), "inf"), (float("nan"), "nan")])
def test_to_real_out_of_range(x, text):
    with pytest.raises(OverflowError, match=r"v_rest = .*" + text.replace(".", r"\.")):
        to_real(np.array([0.0, x, 1.0]), "v_rest")


def test_to_ufract():
    assert to_ufract(1.0).dtype == np.uint32
    assert int(to_ufract(1.0)) == UFRACT_MAX
    assert int(to_ufract(1.0 - 2.0 ** -34)) == UFRACT_MAX
    assert int(to_ufract(0.0)) == 0
    assert int(to_ufract(0.5)) == 2 ** 31
    half = 2.0 ** -33
    assert int(to_ufract(half * (1 + 1e-6))) == 1
    assert int(to_ufract(half * (1 - 1e-6))) == 0
    assert int(to_ufract(3 * half * (1 + 1e-6))) == 2
    assert int(to_ufract(3 * half * (1 - 1e-6))) == 1


@SOME
@given(st.floats(0.0, 1.0))
def test_to_ufract_rounds_to_nearest(x):
    u = int(to_ufract(x))
    assert abs(x * 2 ** 32 - u) <= 0.5 or u == UFRACT_MAX


@pytest.mark.parametrize("x, text", [(1.5, "1.5"), (-0.25, "-0.25"), (float("nan"), "nan")])
def test_to_ufract_out_of_range(x, text):
    with pytest.raises(OverflowError, match=r"decay_e = .*" + text.replace(".", r"\.")):
        to_ufract([0.5, x], "decay_e")


# --- KISS99 ---------------------------------------------------------------------
def ref_kiss(x, y, z, c):
    """Independent JKISS step on Python ints: returns (draw, new state)."""
    x = (69069 * x + 12345) % 2 ** 32
    y ^= (y << 13) % 2 ** 32
    y ^= y >> 17
    y ^= (y << 5) % 2 ** 32
    t = 698769069 * z + c
    z, c = t % 2 ** 32, t // 2 ** 32
    return (x + y + z) % 2 ** 32, (x, y, z, c)


@pytest.mark.parametrize("seed, pop, idx", [(0, 0, 0), (1, 2, 3), (12345, 0, 999), (2 ** 40, 7, 1)])
def test_kiss_next_matches_python(seed, pop, idx):
    st_nb = seed_kiss(seed, pop, [idx])[0].copy()
    st_py = [int(v) for v in st_nb]
    st_ref = tuple(st_py)
    for _ in range(1000):
        d_nb = int(kiss_next(st_nb))
        d_py = kiss_next_py(st_py)
        d_ref, st_ref = ref_kiss(*st_ref)
        assert d_nb == d_py == d_ref
        assert st_nb.dtype == np.uint32
        assert [int(v) for v in st_nb] == st_py == list(st_ref)


def test_seed_kiss_is_placement_independent():
    whole = seed_kiss(42, 3, np.arange(100))
    np.testing.assert_array_equal(seed_kiss(42, 3, [57])[0], whole[57])
    np.testing.assert_array_equal(seed_kiss(42, 3, [99, 5, 57]), whole[[99, 5, 57]])
    np.testing.assert_array_equal(seed_kiss(42, 3, np.arange(40, 60)), whole[40:60])
    assert whole.dtype == np.uint32 and whole.shape == (100, 4)


def test_seed_kiss_differs_by_seed_pop_index():
    states = np.concatenate([seed_kiss(s, p, np.arange(50)) for s in (0, 1, 2) for p in (0, 1, 2)])
    assert len({tuple(r) for r in states.tolist()}) == len(states)
    # each word varies, not just one
    for w in range(4):
        assert len(np.unique(states[:, w])) > len(states) // 2


@SOME
@given(st.integers(-(2 ** 63), 2 ** 64 - 1), st.integers(0, 1000), st.integers(0, 2 ** 20))
def test_seed_kiss_valid_state(seed, pop, idx):
    s = seed_kiss(seed, pop, [idx, idx + 1])
    assert np.all(s[:, 1] != 0)  # xorshift y must never be 0
    assert np.all(s[:, 3] < 698769069)  # MWC carry below the multiplier
    assert np.all((s[:, 2] != 0) | (s[:, 3] != 0))  # z = c = 0 is a fixed point
    np.testing.assert_array_equal(s[0], seed_kiss(seed, pop, [idx])[0])


@numba.njit
def _draws(state, n):
    out = np.empty(n, np.float64)
    for i in range(n):
        out[i] = kiss_next(state)
    return out


@pytest.mark.parametrize("seed", [0, 7, 123456789])
def test_kiss_roughly_uniform(seed):
    d = _draws(seed_kiss(seed, 1, [0])[0].copy(), 10_000) / 2.0 ** 32
    assert abs(d.mean() - 0.5) < 0.02
    assert d.min() >= 0.0 and d.max() < 1.0
    hist = np.histogram(d, bins=10, range=(0, 1))[0]
    assert hist.min() > 800 and hist.max() < 1200


# --- decay: a quantity that must reach 0 ----------------------------------------
nb_decay = numba.njit(lambda x, d: decay(x, d))


@settings(max_examples=200, deadline=None)
@given(st.integers(-(2 ** 31), 2 ** 31 - 1), st.integers(0, 2 ** 32 - 1))
def test_decay_is_the_rounded_product_or_one_lsb_closer_to_zero(x, d):
    r = ref_mul_ufract(x, d)
    want = r if (r != x or x == 0) else x - (1 if x > 0 else -1)
    assert decay(x, d) == want
    assert nb_decay(np.int64(x), np.uint32(d)) == want


def test_decay_reaches_zero_where_rounding_alone_stalls():
    d = int(round(np.exp(-0.01) * 2 ** 32))  # h/tau = 0.01
    x, y = 1000, 1000
    for _ in range(2000):
        x, y = decay(x, d), ref_mul_ufract(y, d)
    assert x == 0 and y > 0  # plain rounding stalls about 50 LSB above 0
    assert nb_decay(0.5, 0.25) == 0.125  # float twin: the plain product


@SOME
@given(st.one_of(U16, st.sampled_from([0, 0xFFFE, 0xFFFF])),
       st.one_of(st.integers(0, 3 * 0xFFFF), st.sampled_from([0, 1, 0xFFFF])))
def test_sat_ring_add(r, w):
    """The one saturating ring add (rows, plastic rows, delegated sources): the slot
    holds min(r + w, 0xFFFF) and the call says whether it capped, in Python and numba."""
    want = (min(r + w, 0xFFFF), int(r + w > 0xFFFF))
    py = np.array([r], np.uint16)
    nb = np.array([r], np.uint16)
    got_py = sat_ring_add(py, 0, w)
    got_nb = nb_sat_ring_add(nb, 0, np.int64(w))
    assert (int(py[0]), got_py) == want
    assert (int(nb[0]), int(got_nb)) == want
