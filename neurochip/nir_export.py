"""Write a PyNN network built with neurochip as a NIR graph: the inverse of
:func:`neurochip.nir_import.from_nir`, with the same unit mapping (its docstring).

>>> graph = to_nir(net)                 # doctest: +SKIP  (a NIRNetwork, or populations
>>> nir.write("model.nir", graph)       # doctest: +SKIP   and projections)

``SpikeSourceArray`` populations become ``Input`` nodes, ``IF_curr_exp`` ``CubaLIF``
(``w_in = 1``), ``IF_curr_delta`` ``LIF`` (``IF`` when ``tau_m >= IF_TAU_M``); a
threshold at ``NONSPIKING_THRESHOLD`` or above gives ``CubaLI``/``LI``. Static
projections become ``Linear`` nodes (one per projection label, the excitatory and
inhibitory halves that :func:`from_nir` made joined again, signed), an ``Affine`` where
the target has an ``i_offset`` (NIR has biases only on edges), and a ``Delay`` node for
what a delay has beyond the one timestep every edge takes on the machine.
"""

from __future__ import annotations

import numpy as np

from .nir_import import IF_TAU_M, NONSPIKING_THRESHOLD, NIRError, _synaptic_scale

__all__ = ["to_nir"]

_SIDES = (" (excitatory)", " (inhibitory)")


def to_nir(network=None, projections=None, *, dt=None, time_scale=1000.0, outputs=None,
           drop_refractory=False):
    """The NIR graph of a neurochip network.

    Parameters
    ----------
    network : NIRNetwork or list of Population
        What :func:`from_nir` returned, or the populations to write.
    projections : list of Projection, optional
        With a list of populations: the projections between them.
    dt : float, optional
        The graph's time step in NIR time units (the length of one spike); default:
        the simulator's timestep divided by ``time_scale``.
    time_scale : float
        ms per NIR time unit (1000: NIR in seconds).
    outputs : dict, optional
        Output node name -> population; default: those of the ``NIRNetwork``, else the
        populations that project nowhere.
    drop_refractory : bool
        NIR neurons have no refractory period: write cells with ``tau_refrac > 0``
        anyway (else that is an error).

    Returns
    -------
    nir.NIRGraph
    """
    import nir

    from .simulator import state

    if hasattr(network, "populations"):
        pops = list(network.populations.values())
        projections = [p for ps in network.projections.values() for p in ps]
        outputs = network.outputs if outputs is None else outputs
    else:
        pops, projections = list(network), list(projections or [])
    dt = state.dt / time_scale if dt is None else float(dt)
    names = {}
    for i, pop in enumerate(pops):
        name = pop.label or f"population{i}"
        if name in names.values():
            raise NIRError(f"two populations are labelled {name!r}: NIR names nodes by label; "
                           f"give them different labels")
        names[id(pop)] = name
    nodes = {names[id(p)]: _node(p, time_scale, drop_refractory) for p in pops}
    edges = []
    groups = _group(projections, names, nodes, dt, time_scale, state.dt)
    biased = set()
    for (label, pre, post, extra), w in groups.items():
        name = label if label not in nodes else f"{label}_w"
        while name in nodes:
            name += "_"
        bias = _bias(pops, names, post) if post not in biased else None
        biased.add(post)
        nodes[name] = (nir.Linear(weight=w) if bias is None or not np.any(bias)
                       else nir.Affine(weight=w, bias=bias))
        edges.append((pre, name))
        if extra > 0:
            nodes[name + "_delay"] = nir.Delay(delay=np.full(w.shape[0], extra))
            edges += [(name, name + "_delay"), (name + "_delay", post)]
        else:
            edges.append((name, post))
    for pop in pops:
        if (names[id(pop)] not in biased and type(pop.celltype).__name__ != "SpikeSourceArray"
                and np.any(_get(pop, "i_offset"))):
            raise NIRError(f"population {names[id(pop)]!r} has an i_offset but no incoming "
                           f"projection: NIR puts constant currents on Affine edges only")
    if outputs is None:
        sources = {names[id(p.pre)] for p in projections}
        ends = [p for p in pops if names[id(p)] not in sources
                and type(p.celltype).__name__ != "SpikeSourceArray"]
        outputs = ({"output": ends[0]} if len(ends) == 1
                   else {f"output_{names[id(p)]}": p for p in ends})
    for out, pop in outputs.items():
        nodes[out] = nir.Output(output_type={"output": np.array([pop.size])})
        edges.append((names[id(pop)], out))
    return nir.NIRGraph(nodes=nodes, edges=edges)


def _get(pop, name):
    return np.array(np.broadcast_to(np.asarray(pop.get(name), float), (pop.size,)))


def _node(pop, ts, drop_refractory):
    """The NIR neuron (or Input) node of a population."""
    import nir

    kind = type(pop.celltype).__name__
    if kind == "SpikeSourceArray":
        return nir.Input(input_type={"input": np.array([pop.size])})
    if kind not in ("IF_curr_exp", "IF_curr_delta"):
        raise NIRError(f"population {pop.label!r} is {kind}: NIR has no such neuron; "
                       f"write IF_curr_exp (CubaLIF) or IF_curr_delta (LIF, IF) cells")
    p = {k: _get(pop, k) for k in pop.celltype.get_parameter_names()}
    if np.any(p["tau_refrac"] > 0) and not drop_refractory:
        raise NIRError(f"population {pop.label!r}: tau_refrac = {p['tau_refrac'].max():g} ms, "
                       f"NIR neurons have no refractory period; set tau_refrac=0, or pass "
                       f"drop_refractory=True to write the cells without it")
    spiking = np.all(p["v_thresh"] < NONSPIKING_THRESHOLD)
    tau, r = p["tau_m"] / ts, p["tau_m"] / p["cm"]
    if kind == "IF_curr_exp":
        if not np.allclose(p["tau_syn_E"], p["tau_syn_I"]):
            raise NIRError(f"population {pop.label!r}: tau_syn_E != tau_syn_I; a NIR CubaLIF "
                           f"has one synaptic time constant: make them equal")
        common = dict(tau_syn=p["tau_syn_E"] / ts, tau_mem=tau, r=r, v_leak=p["v_rest"])
        if not spiking:
            return nir.CubaLI(**common, w_in=np.ones(pop.size))
        return nir.CubaLIF(**common, v_threshold=p["v_thresh"], v_reset=p["v_reset"],
                           w_in=np.ones(pop.size))
    if np.all(p["tau_m"] >= IF_TAU_M):
        return nir.IF(r=ts / p["cm"], v_threshold=p["v_thresh"], v_reset=p["v_reset"])
    if not spiking:
        return nir.LI(tau=tau, r=r, v_leak=p["v_rest"])
    return nir.LIF(tau=tau, r=r, v_leak=p["v_rest"], v_threshold=p["v_thresh"],
                   v_reset=p["v_reset"])


def _group(projections, names, nodes, dt, ts, step):
    """Signed NIR weight matrices by (label, pre, post, delay beyond one step)."""
    groups = {}
    for prj in projections:
        if type(prj.synapse_type).__name__ != "StaticSynapse":
            raise NIRError(f"projection {prj.label!r}: {type(prj.synapse_type).__name__}; NIR "
                           f"has static weights only")
        if id(prj.pre) not in names or id(prj.post) not in names:
            raise NIRError(f"projection {prj.label!r} connects a population that is not written "
                           f"(or a view of one): pass whole populations")
        pre, post = names[id(prj.pre)], names[id(prj.post)]
        if type(nodes[post]).__name__ == "Input":
            raise NIRError(f"projection {prj.label!r} targets the source {post!r}")
        conns = np.asarray(prj.get(["weight", "delay"], format="list"), float).reshape(-1, 4)
        label = prj.label or f"{pre}_to_{post}"
        for side in _SIDES:
            label = label.removesuffix(side)
        sign = -1.0 if prj.receptor_type == "inhibitory" else 1.0
        scale = _synaptic_scale(nodes[post], dt)
        extra = np.rint(conns[:, 3] / step) * step - step
        for d in np.unique(extra):
            sel = conns[extra == d]
            w = groups.setdefault((label, pre, post, d / ts), np.zeros((prj.post.size, prj.pre.size)))
            j, i = sel[:, 1].astype(int), sel[:, 0].astype(int)
            np.add.at(w, (j, i), sign * np.abs(sel[:, 2]) / scale[j])
    return groups


def _bias(pops, names, post):
    """The bias that stands for a population's i_offset (w_in = 1 on export)."""
    pop = next(p for p in pops if names[id(p)] == post)
    return _get(pop, "i_offset")
