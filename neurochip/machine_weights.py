"""What the running machine holds of a projection: rewired connections and learned
weights, read from (and written into) the emulation's synaptic words.

A Projection keeps its connections as the connector made them; a rewiring or plastic
projection's synapses change on the machine as it runs. These functions read them back
in PyNN's units and connection order (and write weights set between runs); they give
None when the projection is not running on the machine (not plastic, not run since the
last reset, or made after the last mapping).
"""

from __future__ import annotations

import numpy as np

from neurochip.emulator import models as neuron_models
from neurochip.emulator.stdp import W16
from neurochip.mapping.synapse_dynamics import ENCODERS

from . import simulator
from .errors import NeurochipError
from .structural import read_rewired

__all__ = ["DYNAMICS_OF", "rewired", "machine_parts", "learned", "write_learned"]

# PyNN synapse type -> the dynamics the machine runs for it (the mapping's registry)
DYNAMICS_OF = {enc.pynn: name for name, enc in ENCODERS.items() if enc.pynn}
DYNAMICS_OF["StructuralMechanismSTDP"] = "stdp"  # STDP rows with room (neurochip.structural)


def rewired(prj, ended=True):
    """A rewiring projection's connections as the machine holds them now (after run;
    after end() as they were then): ``{presynaptic_index, postsynaptic_index, weight,
    delay}`` arrays; None for any other projection, or before a run."""
    if not hasattr(prj.synapse_type, "rewiring_params"):
        return None
    st = simulator.state
    parts = getattr(prj, "_graph_parts", None)
    if st.emulation is None or st.t_ticks == 0 or st.mapping is None or not parts:
        return getattr(prj, "_ended_rewired", None) if ended and st.emulation is None else None
    rows = st.mapping.struct_rows
    if any(j not in rows for j, _ in parts):
        return None
    out = [read_rewired(st.mapping, st.emulation, j) for j, _ in parts]
    got = {k: np.concatenate([o[k] for o in out]) for k in out[0]}
    got["weight"] = got["weight"] * prj._weight_sign()
    return got


def machine_parts(prj):
    """``[(word addresses, connection selector, w_max, weight scale)]`` of a plastic
    projection in the running machine, or None."""
    st = simulator.state
    if (DYNAMICS_OF[type(prj.synapse_type).__name__] != "stdp" or st.emulation is None
            or st.t_ticks == 0 or st.mapping is None):
        return None
    addr_of = st.mapping.plastic_addr
    parts = getattr(prj, "_graph_parts", None)
    if not parts or any(j not in addr_of for j, _ in parts):
        return None
    graph = st.mapping.graph
    out = []
    for j, part in parts:
        spec = graph.projections[j]
        model = neuron_models.BY_NAME[graph.populations[spec.post].model]
        # a weight under dopamine is bounded by the Neuromodulation's w_max
        bound = "nm_w_max" if spec.dynamics == "stdp_neuromod" else "w_max"
        w_max = float(np.asarray(spec.dyn_params[bound], float).flat[0])
        out.append((addr_of[j], slice(None) if part is None else part, w_max,
                    model.WEIGHT_SCALE))
    return out


def learned(prj):
    """A plastic projection's weights as the machine holds them (PyNN units, connection
    order), or None."""
    parts = machine_parts(prj)
    if parts is None:
        return None
    em = simulator.state.emulation
    out = np.empty(len(prj))
    for addr, sel, w_max, scale in parts:
        if len(em.syn_wf):
            out[sel] = em.syn_wf[addr] / scale
        else:
            out[sel] = (em.syn[addr] >> 16) * (w_max / W16)
    return out * prj._weight_sign()


def write_learned(prj, w) -> bool:
    """Write weights ``w`` (PyNN units, connection order) into the running machine's
    plastic words; False if the projection is not running there."""
    parts = machine_parts(prj)
    if parts is None:
        return False
    em = simulator.state.emulation
    w = np.abs(np.asarray(w, float))
    for addr, sel, w_max, scale in parts:
        ws = w[sel]
        if ws.max(initial=0.0) > w_max * (1 + 1e-12):
            raise NeurochipError(f"Projection {prj.label!r}: weight {ws.max():g} is above "
                                 f"w_max={w_max:g}; a plastic weight stays in [0, w_max]")
        if len(em.syn_wf):
            em.syn_wf[addr] = ws * scale
        w16 = np.rint(ws / w_max * W16).astype(np.uint32)
        em.syn[addr] = (w16 << np.uint32(16)) | (em.syn[addr] & np.uint32(0xFFFF))
    return True
