"""Host constants of the components added with the cell types IF_cond_exp_gsfa_grr and
GIF_cond_exp (same contract as :data:`neurochip.mapping.neuron_constants.HOST`)."""

from __future__ import annotations

import numpy as np

from neurochip.emulator.rng import seed_kiss

from .errors import MappingError
from .neuron_constants_nonlinear import check_positive

__all__ = ["HOST", "rng_columns"]

MAX_SUBSTEP_MS = 0.1  # the RK4 conductance membrane's (neuron_constants.MAX_SUBSTEP_MS)


def _spike_conductance(name, initial):
    """Host of ``adaptation.spike_conductance(name)``: from PyNN's ``q_<name>`` (nS),
    ``e_rev_<name>`` (mV) and ``tau_<name>`` (ms), over the RK4 membrane's sub-steps;
    its initial value is PyNN's ``initial`` (nS)."""
    def host(p, init, dt, params, state, receptors):
        check_positive(p, (f"tau_{name}", f"q_{name}"), allow_zero=(f"q_{name}",))
        n_sub = max(1, int(np.ceil(dt / MAX_SUBSTEP_MS - 1e-9)))
        h = dt / n_sub
        tau = np.asarray(p[f"tau_{name}"], np.float64)
        params.update({f"q_{name}": p[f"q_{name}"], f"e_{name}": p[f"e_rev_{name}"],
                       f"decay_{name}_half": np.exp(-h / (2 * tau)),
                       f"decay_{name}_sub": np.exp(-h / tau)})
        state[f"g_{name}"] = np.asarray(init.get(initial, 0.0 * init["v"]), np.float64)
    host.__name__ = f"spike_conductance_{name}"
    return host


def _kernel(p, name, j):
    """Kernel ``j`` of PyNN's array parameter ``name`` ((size, k) or (k,)) as (size,)."""
    a = np.asarray(p[name], np.float64)
    if a.ndim == 0 or a.shape[-1] <= j:
        raise MappingError(f"{name} must hold at least {j + 1} values (one per kernel), "
                           f"got {a.shape[-1] if a.ndim else 1}")
    return a[..., j]


def _spike_current(name, tau, amp, j):
    """Host of ``adaptation.spike_current(name)``: kernel ``j`` of PyNN's ``amp`` (nA ->
    pA) and ``tau`` (ms), decaying once per tick."""
    def host(p, init, dt, params, state, receptors):
        t = _kernel(p, tau, j)
        if np.any(t <= 0):
            raise MappingError(f"{tau} must be positive, got {t[t <= 0][0]:g}")
        params.update({f"q_{name}": 1000.0 * _kernel(p, amp, j),
                       f"decay_{name}": np.exp(-dt / t)})
        state[f"i_{name}"] = 0.0 * init["v"]  # NEST starts the kernels at 0
    host.__name__ = f"spike_current_{name}"
    return host


def _spike_threshold(name, tau, amp, j):
    """Host of ``adaptation.spike_threshold(name)``: kernel ``j`` of ``amp`` (mV), ``tau``."""
    def host(p, init, dt, params, state, receptors):
        t = _kernel(p, tau, j)
        if np.any(t <= 0):
            raise MappingError(f"{tau} must be positive, got {t[t <= 0][0]:g}")
        params.update({f"q_{name}": _kernel(p, amp, j), f"decay_{name}": np.exp(-dt / t)})
        state[f"v_{name}"] = 0.0 * init["v"]
    host.__name__ = f"spike_threshold_{name}"
    return host


def spike_current_total(p, init, dt, params, state, receptors):
    """The recorded sum of the spike-triggered currents (pA), 0 at the start as in NEST."""
    state["i_eta"] = 0.0 * init["v"]


def escape(p, init, dt, params, state, receptors):
    """``escape.ESCAPE``: ``V_T*``, ``1/Delta_V``, ``ln(lambda_0 dt)`` (lambda_0 in Hz),
    reset, refractory ticks, and each neuron's generator, seeded from the global seed,
    the population and the neuron's index (``init["rng_seed"]``, ``init["rng_population"]``,
    which the PyNN front end fills; 0 if absent)."""
    check_positive(p, ("delta_v", "lambda0", "tau_refrac"), allow_zero=("tau_refrac",))
    size = np.shape(init["v"])[0]
    log_ldt = np.log(np.asarray(p["lambda0"], np.float64) / 1000.0 * dt)
    params.update(v_t_star=p["v_t_star"], inv_delta_v=1.0 / np.asarray(p["delta_v"], np.float64),
                  log_lambda_dt=log_ldt, v_reset=p["v_reset"],
                  refrac_ticks=np.rint(p["tau_refrac"] / dt))
    state.update(refrac=0.0 * init["v"], v_t=init.get("v_t", np.asarray(p["v_t_star"]) + 0.0 * init["v"]))
    state.update(rng_columns(init, size))


def rng_columns(init, size) -> dict:
    """The state columns ``rng0..rng3`` of ``size`` neurons' generators, seeded from the
    global seed, the population and each neuron's index (``init["rng_seed"]``,
    ``init["rng_population"]``, which the PyNN front end fills; 0 if absent), as the
    signed values int32 columns hold."""
    seed = int(np.ravel(init.get("rng_seed", [0]))[0])
    pop = int(np.ravel(init.get("rng_population", [0]))[0])
    words = seed_kiss(seed, pop, np.arange(size)).astype(np.int64)
    words = np.where(words >= 1 << 31, words - (1 << 32), words)
    return {f"rng{k}": words[:, k].astype(np.float64) for k in range(4)}


HOST = {f.__name__: f for f in (_spike_conductance("sfa", "g_s"),
                                 _spike_conductance("rr", "g_r"),
                                 spike_current_total, escape,
                                 *(_spike_current(f"eta{j + 1}", "tau_eta", "a_eta", j)
                                   for j in range(3)),
                                 *(_spike_threshold(f"gamma{j + 1}", "tau_gamma", "a_gamma", j)
                                   for j in range(3)))}
