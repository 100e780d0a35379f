"""Host constants of the neuron models: PyNN parameters -> float64 constants of the core.

Per component (see :mod:`neurochip.emulator.models.components`): ``HOST`` maps a
component's host name to a function ``(p, init, dt, params, state, receptors)`` that
adds its columns to the dicts ``params`` and ``state`` (float64 arrays in the core's
units); ``receptors`` are the receptors it serves (``"excitatory"``, ...), whose PyNN
parameters end in ``_E``/``_I``. A cell's ``HOST`` lists its components' host names
in order (membrane first: later ones may read what it computed), and
``CONSTANTS[name](params, init, dt) -> (params, state)`` runs them, for every
registered cell. :mod:`neurochip.mapping.neurons` quantises the result. Membranes
that hold a whole fused update have one function for everything
(:mod:`neurochip.mapping.neuron_constants_nonlinear`).
"""

from __future__ import annotations

import math

import numpy as np

from neurochip.emulator.models import NEURON_MODELS
from neurochip.emulator.models.components import RECEPTOR_SUFFIX
from neurochip.emulator.models.components.shaping import SLOT_SCALE
from neurochip.emulator.models.if_cond_alpha import SYN_SCALE as COND_ALPHA_SCALE
from neurochip.emulator.models.if_curr_alpha import SYN_SCALE as ALPHA_SCALE

from . import neuron_constants_extra, neuron_constants_spinnaker
from .errors import MappingError
from .neuron_constants_multi import adexp_cond_alpha_multisynapse
from .neuron_constants_nonlinear import (
    check_positive,
    eif_cond_alpha_isfa_ista,
    eif_cond_exp_isfa_ista,
    hh_cond_exp,
    izhikevich,
)

__all__ = ["CONSTANTS", "HOST", "check_positive", "constants_of"]

MAX_SUBSTEP_MS = 0.1  # sub-step length of the RK4 conductance membrane


def _suffix(rec):
    """``(r, syn, R)``: a receptor's column and PyNN parameter suffixes."""
    return RECEPTOR_SUFFIX[rec]


def _exp_psc_propagator(tau_m, tau_s, cm, dt):
    """NEST's P21 of iaf_psc_exp: V change per unit of exponentially decaying current."""
    p22 = np.exp(-dt / tau_m)
    decay = np.exp(-dt / tau_s)
    near = np.abs(tau_s - tau_m) < 1e-9 * tau_m
    with np.errstate(divide="ignore", invalid="ignore"):
        p21 = tau_m * tau_s / (cm * (tau_s - tau_m)) * (decay - p22)
    return np.where(near, dt / cm * p22, p21)


def lif_exact(p, init, dt, params, state, receptors):
    """``LIF_EXACT``: V_inf, P22 and R of the exact leaky membrane."""
    check_positive(p, ("tau_m", "cm"))
    tau_m, cm = p["tau_m"], p["cm"]
    params.update(v_inf=p["v_rest"] + tau_m / cm * p["i_offset"], p22=np.exp(-dt / tau_m),
                  r_m=tau_m / cm)
    state["v"] = init["v"]


def delta_input(p, init, dt, params, state, receptors):
    """``DELTA``: the recorded jumps start at 0."""
    for rec in receptors:
        state[f"input_{_suffix(rec)[1]}"] = 0.0 * init["v"]


def exp_current(p, init, dt, params, state, receptors):
    """``EXP`` into an exact LIF membrane: the decay and NEST's P21 per receptor."""
    check_positive(p, tuple(f"tau_syn_{_suffix(r)[2]}" for r in receptors))
    for rec in receptors:
        r, syn, big = _suffix(rec)
        tau = p[f"tau_syn_{big}"]
        params[f"p21{r}"] = _exp_psc_propagator(p["tau_m"], tau, p["cm"], dt)
        params[f"decay_{r}"] = np.exp(-dt / tau)
        # the inhibitory current is held as a positive magnitude
        sign = -1.0 if rec == "inhibitory" else 1.0
        state[f"isyn_{syn}"] = sign * init.get(f"isyn_{syn}", 0.0 * init["v"])


def exp_current_slot(p, init, dt, params, state, receptors):
    """``EXP_SLOT``: per receptor slot the decay and NEST's P21 into an exact LIF
    membrane, times the slot's sign (``sign_s0``, ...: -1 for an inhibitory receptor,
    whose current is held as a magnitude, in SLOT_SCALE times nA); the slots in use."""
    check_positive(p, tuple(f"tau_syn_{_suffix(r)[2]}" for r in receptors))
    for rec in receptors:
        r, syn, big = _suffix(rec)
        tau, sign = p[f"tau_syn_{big}"], p[f"sign_{big}"]
        params[f"p21{r}"] = sign * _exp_psc_propagator(p["tau_m"], tau, p["cm"], dt)
        params[f"decay_{r}"] = np.exp(-dt / tau)
        state[f"isyn_{syn}"] = SLOT_SCALE * sign * init.get(f"isyn_{syn}", 0.0 * init["v"])
    params["n_receptors"] = p["n_receptors"]
    params["unscale"] = 1.0 / SLOT_SCALE


def exp_current_scaled(p, init, dt, params, state, receptors):
    """``EXP_SCALED``: per receptor the decay and NEST's P21 into an exact LIF membrane,
    negative for the inhibitory receptor (whose current is held as a magnitude), the
    current in SLOT_SCALE times nA."""
    check_positive(p, tuple(f"tau_syn_{_suffix(r)[2]}" for r in receptors))
    for rec in receptors:
        r, syn, big = _suffix(rec)
        tau = p[f"tau_syn_{big}"]
        sign = -1.0 if rec == "inhibitory" else 1.0
        params[f"p21{r}"] = sign * _exp_psc_propagator(p["tau_m"], tau, p["cm"], dt)
        params[f"decay_{r}"] = np.exp(-dt / tau)
        state[f"isyn_{syn}"] = SLOT_SCALE * sign * init.get(f"isyn_{syn}", 0.0 * init["v"])
    params["unscale"] = 1.0 / SLOT_SCALE


def excitatory_total(p, init, dt, params, state, receptors):
    """``EXCITATORY_TOTAL``: the excitatory currents' sum, as the shaping holds them."""
    state["gsyn_exc"] = sum(state[f"isyn_{_suffix(r)[1]}"] for r in receptors
                            if r.startswith("excitatory"))


def _alpha_psc_propagators(tau_m, tau_s, cm, dt):
    """NEST's P31, P32 of iaf_psc_alpha: the V change over one step per unit of the
    alpha current's derivative ``dI`` (nA/ms) and per unit of current ``I`` (nA).

    With ``x = dt*(1/tau_s - 1/tau_m)``: ``P32 = P22*dt/C * (1 - e^-x)/x`` and
    ``P31 = P22*dt**2/C * (1 - e^-x*(1 + x))/x**2``; both are evaluated by their
    series for ``|x| < 0.1`` (no cancellation near, and exact at, ``tau_s == tau_m``).
    """
    p22 = np.exp(-dt / tau_m)
    decay = np.exp(-dt / tau_s)
    x = dt * (1.0 / tau_s - 1.0 / tau_m)
    small = np.abs(x) < 0.1
    xs = np.where(small, x, 0.0)
    g1 = sum((-xs) ** (n - 1) / math.factorial(n) for n in range(1, 14))
    g2 = sum((-1) ** n * (n - 1) * xs ** (n - 2) / math.factorial(n) for n in range(2, 16))
    xl = np.where(small, 1.0, x)
    p32 = np.where(small, p22 * dt / cm * g1, (p22 - decay) * dt / (cm * xl))
    p31 = np.where(small, p22 * dt ** 2 / cm * g2, (p22 - decay * (1.0 + xl)) * dt ** 2 / (cm * xl ** 2))
    return p31, p32


def _alpha_rise(s, tau):
    """Growth of an alpha synapse's current per unit of its drive over a time ``s``:
    ``(s/tau) * exp(1 - s/tau)``, at most 1 (at ``s == tau``)."""
    return np.minimum(s / tau * np.exp(1.0 - s / tau), 1.0)


def alpha_current(p, init, dt, params, state, receptors):
    """``ALPHA`` into an exact LIF membrane: decay, rise and NEST's P31, P32 per receptor;
    the synaptic state is held in nA * ALPHA_SCALE."""
    check_positive(p, tuple(f"tau_syn_{_suffix(r)[2]}" for r in receptors))
    zero = 0.0 * init["v"]
    params["unscale"] = 1.0 / ALPHA_SCALE
    for rec in receptors:
        r, syn, big = _suffix(rec)
        tau = p[f"tau_syn_{big}"]
        p31, p32 = _alpha_psc_propagators(p["tau_m"], tau, p["cm"], dt)
        # the drive u is NEST's dI * tau/e, so that an input of weight w adds w to it
        params.update({f"p31{r}": p31 * np.e / tau, f"p32{r}": p32,
                       f"decay_{r}": np.exp(-dt / tau), f"p21{r}": _alpha_rise(dt, tau)})
        sign = -1.0 if rec == "inhibitory" else 1.0
        state[f"isyn_{syn}"] = sign * ALPHA_SCALE * init.get(f"isyn_{syn}", zero)
        state[f"drive_{syn}"] = zero


def static_threshold(p, init, dt, params, state, receptors):
    """``STATIC``: threshold, reset and the refractory period in ticks."""
    check_positive(p, ("tau_refrac",), allow_zero=("tau_refrac",))
    params.update(v_thresh=p["v_thresh"], v_reset=p["v_reset"],
                  refrac_ticks=np.rint(p["tau_refrac"] / dt))
    state["refrac"] = 0.0 * init["v"]


def _lif_cond_sub(dt):
    """``(n_sub, h)`` of the RK4 conductance membrane: sub-steps of at most 0.1 ms."""
    n_sub = max(1, int(np.ceil(dt / MAX_SUBSTEP_MS - 1e-9)))
    return n_sub, dt / n_sub


def lif_cond(p, init, dt, params, state, receptors):
    """``LIF_COND_RK4``: leak, sub-step constants (mV per pA) and the offset current (pA)."""
    check_positive(p, ("tau_m", "cm"))
    n_sub, h = _lif_cond_sub(dt)
    k = h / (1000.0 * p["cm"])  # mV per pA over one sub-step
    if np.any(k >= 1.0):
        raise MappingError(f"cm = {np.min(p['cm']):g} nF is too small for a sub-step of {h:g} ms "
                           f"(h / (1000 cm) must be < 1); use a larger cm")
    params.update(e_leak=p["v_rest"], g_leak=1000.0 * p["cm"] / p["tau_m"], k_full=k,
                  k_half=k / 2, k_sixth=k / 6, i_offset=1000.0 * p["i_offset"],
                  n_sub=np.full(np.shape(p["cm"]), float(n_sub)))
    state["v"] = init["v"]


def exp_cond(p, init, dt, params, state, receptors):
    """``EXP_COND``: decays over half and whole sub-steps; conductances in nS."""
    check_positive(p, tuple(f"tau_syn_{_suffix(r)[2]}" for r in receptors))
    _, h = _lif_cond_sub(dt)
    for rec in receptors:
        r, syn, big = _suffix(rec)
        tau = p[f"tau_syn_{big}"]
        params[f"decay_{r}_half"] = np.exp(-h / (2 * tau))
        params[f"decay_{r}_sub"] = np.exp(-h / tau)
        state[f"gsyn_{syn}"] = 1000.0 * init.get(f"gsyn_{syn}", 0.0 * init["v"])


def conductance(p, init, dt, params, state, receptors):
    """``CONDUCTANCE``: the reversal potential per receptor."""
    for rec in receptors:
        _, syn, big = _suffix(rec)
        params[f"e_{syn}"] = p[f"e_rev_{big}"]


def if_cond_alpha(p: dict, init: dict, dt: float) -> tuple:
    """The fused alpha-conductance LIF: the RK4 membrane's constants plus alpha rises."""
    params, state = {}, {}
    recs = ("excitatory", "inhibitory")
    for f in (lif_cond, exp_cond, conductance, static_threshold):
        f(p, init, dt, params, state, recs)
    h = dt / params["n_sub"]
    for syn, tau in (("e", p["tau_syn_E"]), ("i", p["tau_syn_I"])):
        params[f"rise_{syn}_half"] = _alpha_rise(h / 2, tau)
        params[f"rise_{syn}_sub"] = _alpha_rise(h, tau)
    params["unscale"] = 1.0 / COND_ALPHA_SCALE
    # the synaptic state is held in nS * COND_ALPHA_SCALE (emulator/models/if_cond_alpha.py)
    state.update(gsyn_exc=COND_ALPHA_SCALE * state["gsyn_exc"],
                 gsyn_inh=COND_ALPHA_SCALE * state["gsyn_inh"],
                 drive_exc=0.0 * init["v"], drive_inh=0.0 * init["v"])
    return params, state


def _whole(fn):
    """A fused membrane's host function ``(p, init, dt) -> (params, state)`` as a component."""
    def host(p, init, dt, params, state, receptors):
        more_params, more_state = fn(p, init, dt)
        params.update(more_params)
        state.update(more_state)
    host.__name__ = host.__qualname__ = fn.__name__
    host.__doc__ = fn.__doc__
    return host


HOST = {f.__name__: f for f in (lif_exact, delta_input, exp_current, exp_current_slot, exp_current_scaled,
                                 excitatory_total, alpha_current, static_threshold, lif_cond,
                                 exp_cond, conductance)}
HOST.update({f.__name__: _whole(f) for f in (if_cond_alpha, izhikevich, eif_cond_exp_isfa_ista,
                                              eif_cond_alpha_isfa_ista, hh_cond_exp,
                                              adexp_cond_alpha_multisynapse)})
HOST.update(neuron_constants_extra.HOST)
HOST.update({f.__name__: _whole(f) for f in neuron_constants_spinnaker.FUSED})
HOST.update(neuron_constants_spinnaker.HOST)


def constants_of(model) -> callable:
    """``(p, init, dt) -> (params, state)`` of a registered cell, from its ``HOST`` list."""
    steps = [(HOST[name], receptors) for name, receptors in model.HOST]
    aliases = getattr(model, "INITIAL_ALIASES", {})  # e.g. sPyNNaker's names of the state

    def constants(p: dict, init: dict, dt: float) -> tuple:
        init = {aliases.get(k, k): v for k, v in init.items()}
        params, state = {}, {}
        for f, receptors in steps:
            f(p, init, dt, params, state, receptors)
        return params, state
    constants.__name__ = model.NAME
    return constants


CONSTANTS = {m.NAME: constants_of(m) for m in NEURON_MODELS}
