"""Membranes: how V advances over a tick given the inputs.

- ``LIF_EXACT``: the exact propagator of the leaky membrane (NEST's iaf_psc_*):
  ``V = V_inf + (V - V_inf) P22 + inputs`` with ``V_inf = V_rest + R (i_offset + i_inj)``
  (host ``lif_exact``). The inputs' terms are added by the cell in receptor order.
- ``LIF_COND_RK4``: ``C dV/dt = g_L (E_L - V) + sum g (E - V) + I`` by ``n_sub`` classical
  Runge-Kutta sub-steps, each using the conductances at the start, middle and end of
  the sub-step (host ``lif_cond``; the conductances' decays are the shaping's). V and
  the conductances are integrated together: the cell's step holds the sub-step loop.
- :func:`fused` names a membrane whose cell module holds the whole arithmetic (V,
  the synapses and the reset advanced together: AdEx, Izhikevich, HH, alpha
  conductances); its columns are all of the cell's.
"""

import numba

from ...fixed import decay, mul_real, mul_ufract, sat_real
from . import Component
from .input_type import conductance_current
from .threshold import count_down, fire_raw

__all__ = ["LIF_EXACT", "LIF_COND_RK4", "fused", "lif_v_inf", "v_inf_with", "lif_leak", "lif_exact_tick",
           "lif_exact_fire", "cond_current", "rk4_v", "rk4_cond_tick"]

LIF_EXACT = Component("lif_exact", "membrane",
                      params=(("v_inf", "REAL"), ("p22", "UFRACT"), ("r_m", "REAL")),
                      state=(("v", "REAL"),), host="lif_exact")
LIF_COND_RK4 = Component("lif_cond_rk4", "membrane",
                         params=(("e_leak", "REAL"), ("g_leak", "REAL"), ("k_full", "UFRACT"),
                                 ("k_half", "UFRACT"), ("k_sixth", "UFRACT"),
                                 ("i_offset", "REAL"), ("n_sub", "int")),
                         state=(("v", "REAL"),), host="lif_cond")


def fused(name, params, state, host):
    """A membrane whose cell module integrates everything (all the cell's columns)."""
    return Component(name, "membrane", params=params, state=state, host=host, fused=True)


@numba.njit(cache=True, inline="always")
def lif_v_inf(p, c_v_inf, c_r, i_inj):
    """``V_inf`` with the injected current held over the tick (``p`` a neuron's
    parameter row, ``c_v_inf``/``c_r`` its columns)."""
    return v_inf_with(p[c_v_inf], p[c_r], i_inj)


@numba.njit(cache=True, inline="always")
def v_inf_with(v_inf, r_m, i_inj):
    """``V_inf + R i_inj``: :func:`lif_v_inf` of the parameters' values."""
    return sat_real(v_inf + mul_real(i_inj, r_m))


@numba.njit(cache=True, inline="always")
def lif_leak(v, v_inf, p22):
    """The leak's part of the exact step: ``V_inf + (V - V_inf) P22`` (unsaturated)."""
    return v_inf + mul_ufract(sat_real(v - v_inf), p22)


@numba.njit(cache=True, inline="always")
def lif_exact_tick(p, s, c, syn, i_inj, sat):
    """The rest of a tick of ``LIF_EXACT`` with a static threshold, once the cell has
    summed its inputs' terms ``syn``: unless refractory, V leaks towards V_inf, takes
    ``syn``, fires and resets (:func:`lif_exact_fire`). ``c`` holds the column numbers
    ``(v, refrac, v_inf, r_m, p22, v_thresh, v_reset, refrac_ticks)`` (a constant tuple of
    the cell); returns ``(spiked, sat + saturations)``."""
    raw = lif_leak(s[c[0]], lif_v_inf(p, c[2], c[3], i_inj), p[c[4]]) + syn
    v, timer, spiked, n = lif_exact_fire(s[c[0]], s[c[1]], raw, p[c[5]], p[c[6]], p[c[7]])
    s[c[0]] = v
    s[c[1]] = timer
    return spiked, sat + n


@numba.njit(cache=True, inline="always")
def lif_exact_fire(v, timer, raw, thresh, reset, ticks):
    """The refractory period, threshold and reset of ``LIF_EXACT`` on values: a refractory
    neuron (``timer > 0``) counts down and keeps ``v``; any other takes ``raw`` (its
    unsaturated updated V), fires at ``thresh``, resets to ``reset`` and waits ``ticks``.
    Returns ``(v, timer, spiked, saturations of V)``. Every branch is a select, so a
    neuron's row (:func:`lif_exact_tick`) and a core's columns in SIMD lanes
    (``if_curr_exp.tick_columns``) share it."""
    refractory, counted = count_down(timer)
    v_new, spiked, fired_timer, n = fire_raw(raw, thresh, reset, ticks, counted)
    return (v if refractory else v_new, counted if refractory else fired_timer,
            spiked and not refractory, 0 if refractory else n)


@numba.njit(cache=True, inline="always")
def cond_current(g_leak, e_leak, e_exc, e_inh, v, ge, gi, i_ext):
    """Membrane current (pA) at V with conductances ge, gi (nS), saturated."""
    return sat_real(mul_real(g_leak, e_leak - v) + conductance_current(ge, e_exc, v)
                    + conductance_current(gi, e_inh, v) + i_ext)


@numba.njit(cache=True, inline="always")
def rk4_v(v, k1, k2, k3, k4, k_sixth):
    """The RK4 combination ``V + h/6 (k1 + 2 (k2 + k3) + k4)``."""
    return sat_real(v + mul_ufract(k1 + 2 * (k2 + k3) + k4, k_sixth))


@numba.njit(cache=True, inline="always")
def rk4_cond_tick(p, c, v, ge, gi, i_ext, refractory):
    """One tick of ``LIF_COND_RK4`` with two exponential conductances (``EXP_COND``):
    ``n_sub`` RK4 sub-steps of V (skipped when ``refractory``) with ge, gi decaying
    exactly; returns ``(v, ge, gi)`` at the tick's end. ``c`` holds the column numbers
    ``(g_leak, e_leak, e_exc, e_inh, k_full, k_half, k_sixth, decay_e_half,
    decay_i_half, decay_e_sub, decay_i_sub, n_sub)``."""
    for _ in range(int(p[c[11]])):
        ge_mid = mul_ufract(ge, p[c[7]])
        gi_mid = mul_ufract(gi, p[c[8]])
        ge_end = decay(ge, p[c[9]])
        gi_end = decay(gi, p[c[10]])
        if not refractory:
            gl, el, ee, ei = p[c[0]], p[c[1]], p[c[2]], p[c[3]]
            k1 = cond_current(gl, el, ee, ei, v, ge, gi, i_ext)
            k2 = cond_current(gl, el, ee, ei, sat_real(v + mul_ufract(k1, p[c[5]])), ge_mid,
                              gi_mid, i_ext)
            k3 = cond_current(gl, el, ee, ei, sat_real(v + mul_ufract(k2, p[c[5]])), ge_mid,
                              gi_mid, i_ext)
            k4 = cond_current(gl, el, ee, ei, sat_real(v + mul_ufract(k3, p[c[4]])), ge_end,
                              gi_end, i_ext)
            v = rk4_v(v, k1, k2, k3, k4, p[c[6]])
        ge = ge_end
        gi = gi_end
    return v, ge, gi
