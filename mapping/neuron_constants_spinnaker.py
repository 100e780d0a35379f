"""Host constants of sPyNNaker's extra cells (``sim.extra_models``): Izhikevich_cond,
Izhikevich_curr_exp (sPyNNaker's Izhikevich),
IFCurrExpCa2Adaptive's calcium current, IFCondExpStoc's stochastic threshold,
IF_curr_exp_sEMD's multiplicative input, and the
components added with them (same contract as
:data:`neurochip.mapping.neuron_constants.HOST`: ``(p, init, dt, params, state,
receptors)``, or ``(p, init, dt) -> (params, state)`` for a fused membrane).

sPyNNaker names the initial value of a synaptic state ``isyn_exc``/``isyn_inh``
whatever the input type: the initial conductances of Izhikevich_cond are given so (uS).
"""

from __future__ import annotations

import numpy as np

from neurochip.emulator.models import if_curr_exp_ca2_adaptive as _ca2
from neurochip.emulator.models import izhikevich as _izh
from neurochip.emulator.models import izhikevich_cond as _izc
from neurochip.emulator.models.components import maass as _maass
from neurochip.emulator.models.components.shaping import SLOT_SCALE

from .errors import MappingError
from .neuron_constants_extra import rng_columns
from .neuron_constants_nonlinear import (
    IZH_MAX_SUBSTEP_MS,
    _check_fraction,
    _check_real,
    _n_sub,
    check_positive,
    izhikevich,
)

__all__ = ["izhikevich_cond", "izhikevich_curr_exp", "spike_current_lif_ca2", "maass_stochastic",
           "semd_input", "SEMD_THRESHOLD", "HOST", "FUSED"]

SEMD_THRESHOLD = 0.001  # nA: sPyNNaker's sEMD trigger current is off under it


def izhikevich_cond(p: dict, init: dict, dt: float) -> tuple:
    """Izhikevich_cond: the Izhikevich step constants (sub-steps of at most 0.01 ms,
    fine ones of a quarter), i_offset in sPyNNaker's units (nA as mV/ms), the reversal
    potentials and the conductances' decays over (fine) half and whole sub-steps (nS)."""
    a = np.asarray(p["a"], np.float64)
    if np.any(a < 0):
        raise MappingError(f"a must be >= 0, got {a[a < 0][0]:g}")
    check_positive(p, ("tau_syn_E", "tau_syn_I"))
    n_sub = _n_sub(dt, IZH_MAX_SUBSTEP_MS)
    h = dt / n_sub
    hf = h / _izh.N_FINE
    _check_fraction(p, "a", "/ms", a * h, f"a * h (sub-step {h:g} ms)", "use a smaller a")
    i_const = 140.0 + np.asarray(p["i_offset"], np.float64)
    _check_real(p, "i_offset", "nA", i_const, "140 + i_offset (mV/ms)")
    scale = _izh.U_SCALE
    _check_real(p, "b", "/ms", scale * np.asarray(p["b"]), f"{scale:g} b (u is held as {scale:g} u)")
    _check_real(p, "d", "mV/ms", scale * np.asarray(p["d"]), f"{scale:g} d (u is held as {scale:g} u)")
    ones = np.ones(np.shape(a))
    params = {"k_sq": 0.04 * ones, "k_lin": 5.0 * ones, "i_const": i_const,
              "b_scaled": scale * np.asarray(p["b"]), "inv_u_scale": ones / scale,
              "g_to_mv_ms": _izc.G_TO_MV_MS * ones, "e_exc": p["e_rev_E"], "e_inh": p["e_rev_I"],
              "v_peak": _izh.V_PEAK * ones, "c": p["c"], "d_scaled": scale * np.asarray(p["d"]),
              "v_fine": _izh.V_FINE * ones, "n_sub": n_sub * ones, "n_fine": _izh.N_FINE * ones}
    for suffix, step in (("", h), ("_fine", hf)):
        params.update({f"h{suffix}_full": step * ones, f"h{suffix}_half": step / 2 * ones,
                       f"ah{suffix}_full": a * step, f"ah{suffix}_half": a * step / 2})
        for r, tau in (("e", p["tau_syn_E"]), ("i", p["tau_syn_I"])):
            tau = np.asarray(tau, np.float64)
            params[f"decay_{r}{suffix}_half"] = np.exp(-step / (2 * tau))
            params[f"decay_{r}{suffix}_sub"] = np.exp(-step / tau)
    zero = 0.0 * ones
    state = {"v": init["v"], "u_scaled": scale * init.get("u", _izh.U_INIT * ones),
             "gsyn_exc": 1000.0 * init.get("isyn_exc", zero),
             "gsyn_inh": 1000.0 * init.get("isyn_inh", zero)}
    return params, state


def izhikevich_curr_exp(p: dict, init: dict, dt: float) -> tuple:
    """Izhikevich_curr_exp (sPyNNaker's Izhikevich): Izhikevich's step constants with
    i_offset in sPyNNaker's units (nA as mV/ms), then the currents' decays over (fine)
    half and whole sub-steps; the initial currents ``isyn_exc``, ``isyn_inh`` (nA, the
    inhibitory one as its magnitude)."""
    check_positive(p, ("tau_syn_E", "tau_syn_I"))
    i_offset = np.asarray(p["i_offset"], np.float64)
    i_const = 140.0 + i_offset
    _check_real(p, "i_offset", "nA", i_const, "140 + i_offset (mV/ms)")
    # PyNN's Izhikevich's columns; its i_const takes 1000 x i_offset: set here instead
    params, state = izhikevich({**p, "i_offset": 0.0 * i_offset}, init, dt)
    params["i_const"] = i_const
    h = dt / _n_sub(dt, IZH_MAX_SUBSTEP_MS)
    for suffix, step in (("", h), ("_fine", h / _izh.N_FINE)):
        for r, tau in (("e", p["tau_syn_E"]), ("i", p["tau_syn_I"])):
            tau = np.asarray(tau, np.float64)
            params[f"decay_{r}{suffix}_half"] = np.exp(-step / (2 * tau))
            params[f"decay_{r}{suffix}_sub"] = np.exp(-step / tau)
    zero = 0.0 * i_offset
    state["isyn_exc"] = np.asarray(init.get("isyn_exc", zero), np.float64)
    state["isyn_inh"] = np.abs(np.asarray(init.get("isyn_inh", zero), np.float64))
    return params, state


def spike_current_lif_ca2(p, init, dt, params, state, receptors):
    """``adaptation.spike_current_lif("ca2")`` from sPyNNaker's ``tau_ca2`` (ms),
    ``i_alpha`` (nA, the jump at a spike) and the initial ``i_ca2`` (nA): NEST's P21 for
    tau_ca2 into the exact LIF membrane (negative: the current is subtracted), the
    current in CA2_SCALE times nA."""
    # imported here: neuron_constants imports this module for its HOST table
    from .neuron_constants import _exp_psc_propagator
    check_positive(p, ("tau_ca2",))
    tau = np.asarray(p["tau_ca2"], np.float64)
    scale = _ca2.CA2_SCALE
    params.update(q_ca2=scale * np.asarray(p["i_alpha"], np.float64),
                  decay_ca2=np.exp(-dt / tau),
                  p21ca2=-_exp_psc_propagator(p["tau_m"], tau, p["cm"], dt),
                  unscale_ca2=np.full(np.shape(tau), 1.0 / scale))
    state["i_ca2"] = scale * np.asarray(init.get("i_ca2", 0.0 * init["v"]), np.float64)


def maass_stochastic(p, init, dt, params, state, receptors):
    """``maass.MAASS``: sPyNNaker's ``v_thresh`` (mV), ``1/du_th`` (/mV),
    ``ln(dt / (10 tau_th))`` (its hazard acts over a tenth of the step), the cut and the
    saturation, the reset and refractory ticks, and each neuron's generator."""
    check_positive(p, ("du_th", "tau_th", "tau_refrac"), allow_zero=("tau_refrac",))
    inv = 1.0 / np.asarray(p["du_th"], np.float64)
    _check_real(p, "du_th", "mV", inv, "1 / du_th (/mV)")
    ones = np.ones(np.shape(inv))
    params.update(v_thresh=p["v_thresh"], inv_du_th=inv,
                  log_dt_tau_th=np.log(dt / (10.0 * np.asarray(p["tau_th"], np.float64))),
                  y_saturate=_maass.Y_SATURATE * ones, p_saturate=_maass.P_SATURATE * ones,
                  v_reset=p["v_reset"], refrac_ticks=np.rint(p["tau_refrac"] / dt))
    state["refrac"] = 0.0 * init["v"]
    state.update(rng_columns(init, np.shape(init["v"])[0]))


def semd_input(p, init, dt, params, state, receptors):
    """``input_type.SEMD``: sPyNNaker's ``scaling_factor`` (1/nA) over SLOT_SCALE, the
    0.001 nA threshold, and the initial ``multiplicator``, ``exc2_old`` (nA, sPyNNaker's
    initial values) and the current they give, all in SLOT_SCALE times nA (after the
    shaping's host, which holds the currents so)."""
    sf = np.asarray(p["scaling_factor"], np.float64)
    if np.any(sf < 0):
        raise MappingError(f"IF_curr_exp_sEMD: scaling_factor must be >= 0 (1/nA), got "
                           f"{float(sf[sf < 0][0]) if np.ndim(sf) else float(sf)}")
    zero = 0.0 * np.asarray(init["v"], np.float64)
    params.update(semd_gain=sf / SLOT_SCALE, semd_threshold=SEMD_THRESHOLD * SLOT_SCALE + zero)
    mult = SLOT_SCALE * np.asarray(init.get("multiplicator", zero), np.float64)
    state.update(multiplicator=mult,
                 exc2_old=SLOT_SCALE * np.asarray(init.get("exc2_old", zero), np.float64),
                 gsyn_exc=state["isyn_exc2"] * mult * sf / SLOT_SCALE)


FUSED = (izhikevich_cond, izhikevich_curr_exp)  # fused membranes: (p, init, dt) -> (params, state)
HOST = {f.__name__: f for f in (spike_current_lif_ca2, maass_stochastic, semd_input)}  # components' hosts
