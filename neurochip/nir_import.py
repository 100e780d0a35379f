"""Read a NIR graph (the Neuromorphic Intermediate Representation, ``pip install nir``)
into PyNN populations and projections of ``pyNN.neurochip``.

>>> import pyNN.neurochip as sim
>>> net = from_nir("model.nir", sim, dt=1e-4, setup=True)     # doctest: +SKIP
>>> net.populations["input"].set(spike_times=[[1.0, 2.0]] * 3)  # doctest: +SKIP
>>> net.outputs["output"].record("spikes"); sim.run(50.0)       # doctest: +SKIP

The mapping (NIR's own equations, from ``nir/ir/neuron.py``):

- Time: NIR times (``tau``, ``tau_mem``, ``tau_syn``, ``Delay.delay``) are in seconds,
  as snnTorch, Norse and the other exporters write them; ``time_scale`` (default 1000)
  turns them into PyNN's ms. Voltages are mV and currents nA, numerically unchanged.
- Spikes: a spike is the value 1 held for one step ``dt`` of the graph (NIR time units),
  as every discrete-time exporter computes it, so it carries ``dt`` of charge. A weight
  ``W`` into a ``CubaLIF`` (``tau_syn I' = -I + w_in S``) makes the current jump by
  ``W*w_in*dt/tau_syn``; that is the PyNN weight (nA) onto ``IF_curr_exp``. For the
  snnTorch convention ``w_in = tau_syn/dt`` this is just ``W``. Into an ``LIF``
  (``tau v' = (v_leak - v) + R I``) the spike is a voltage jump ``R*W*dt/tau``: the
  PyNN weight (mV) onto ``IF_curr_delta``; into an ``IF`` (``v' = R I``) it is ``R*W*dt``.
- Membrane: PyNN's LIF is ``tau_m V' = (v_rest - V) + (tau_m/cm) I``, so ``R`` maps to
  ``tau_m/cm``: ``cm = tau_m/R`` (nF, with R in MOhm). ``v_leak`` is ``v_rest``;
  ``v_threshold``, ``v_reset`` as they are; ``tau_refrac = 0`` (NIR has none). NIR fires
  on ``v > v_threshold``, the machine on ``V >= v_thresh``: the same but for a tie.
- ``IF`` has no leak: it becomes ``IF_curr_delta`` with ``tau_m = IF_TAU_M`` (1e5 ms,
  100 s) and ``cm = time_scale/R``, ``v_rest = v_reset``. Over a run of T ms the leak
  takes a fraction ``T/1e5`` of ``v - v_reset`` away (1 % in a second); a longer tau_m
  would make ``1 - exp(-dt/tau_m)`` too coarse in the machine's u0.32 multiplier.
- ``LI``/``CubaLI`` (non-spiking read-outs) become the same cells with the threshold at
  the top of the machine's range: record their ``v``.
- Biases of ``Affine`` edges are constant input currents: ``i_offset`` of the target
  (``w_in*b`` for a ``CubaLIF``). NIR filters the bias through the synapse, so it rises
  with ``tau_syn`` from 0 at the start; ``i_offset`` acts at once (the only difference,
  gone after a few ``tau_syn``).
- Edges: ``Affine``/``Linear``/``Scale`` weights become projections (split into an
  excitatory and an inhibitory one where the signs mix, as PyNN needs); a neuron feeding
  a neuron directly is one-to-one with weight 1; ``Flatten`` and a subgraph's
  ``Input``/``Output`` pass through (subgraphs, as snnTorch's ``RLeaky``, are flattened,
  names joined by ``.``). Each edge takes the machine's minimum delay, one timestep
  ``dt`` (a discrete-time tool passes spikes to the next layer in the same step), plus
  the ``Delay`` nodes on it.
- ``Input`` nodes become ``SpikeSourceArray`` populations; an ``Output`` node names the
  population that feeds it (``NIRNetwork.outputs``).

What the machine cannot run (convolutions, pooling, two weight nodes in a row, a
non-positive time constant or resistance, a delay off the timestep grid) raises
:class:`NIRError` naming the node, the value, the limit and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .errors import NeurochipError

__all__ = ["from_nir", "set_input", "NIRNetwork", "NIRError", "IF_TAU_M", "NONSPIKING_THRESHOLD"]

IF_TAU_M = 1e5  # ms: the membrane time constant that stands for "no leak" (NIR's IF)
NONSPIKING_THRESHOLD = 30000.0  # mV: a threshold LI/CubaLI never reach (REAL tops at 65536)
SPIKING = ("LIF", "CubaLIF", "IF")
NONSPIKING = ("LI", "CubaLI")
WEIGHTS = ("Affine", "Linear", "Scale")
PASS = ("Flatten", "_Pass")


class NIRError(NeurochipError, ValueError):
    """A NIR graph uses something the machine cannot run; the message says what to change."""


@dataclass
class NIRNetwork:
    """What :func:`from_nir` built: populations by NIR node name (neurons and inputs),
    projections by the name of the edge's weight node (``"pre->post"`` for a direct
    edge; a list: excitatory, then inhibitory), and for each ``Output`` node the
    population that feeds it."""

    populations: dict = field(default_factory=dict)
    projections: dict = field(default_factory=dict)
    outputs: dict = field(default_factory=dict)
    dt: float = 0.1  # ms, the machine's timestep
    graph: object = None


class _Pass:
    """Stands for a node that only passes its input on (a subgraph's Input/Output)."""


@dataclass
class _Edge:
    """One source population to one target population through the nodes between."""

    pre: str
    post: str
    name: str
    weight: np.ndarray  # (n_post, n_pre), NIR units
    delay: np.ndarray  # (n_post, n_pre), NIR time units, on top of the one-step minimum


def from_nir(graph, sim=None, dt=None, *, setup=False, time_scale=1000.0, input_spikes=None):
    """Build a NIR graph with PyNN populations and projections of ``sim``.

    Parameters
    ----------
    graph : nir.NIRGraph or str or path
        The graph, or a ``.nir`` file (read with ``nir.read``).
    sim : module, optional
        The PyNN backend, ``pyNN.neurochip`` by default.
    dt : float, optional
        The graph's time step in NIR time units (seconds): the length of one spike.
        Default: the simulator's timestep divided by ``time_scale``.
    setup : bool
        Call ``sim.setup(timestep=dt*time_scale)`` first (then ``dt`` is required).
    time_scale : float
        ms per NIR time unit (1000: NIR in seconds).
    input_spikes : dict, optional
        Input node name -> spike times per neuron (ms), or a ``(steps, neurons...)``
        array of spike counts per timestep (see :func:`set_input`).

    Returns
    -------
    NIRNetwork
    """
    import nir

    if sim is None:
        import pyNN.neurochip as sim
    if not isinstance(graph, nir.NIRGraph):
        graph = nir.read(graph)
    if setup:
        if dt is None:
            raise NIRError("from_nir(setup=True) needs dt, the graph's time step in seconds")
        sim.setup(timestep=dt * time_scale)
    step = sim.get_time_step()
    dt = step / time_scale if dt is None else float(dt)
    nodes, edges = _flatten(graph)
    _check_nodes(nodes)
    pops_at, found, links, outputs = _trace(nodes, edges)
    net = NIRNetwork(dt=step, graph=graph)
    bias = {name: np.zeros(_size(nodes[name])) for name in pops_at}
    for _, post, b in links:
        bias[post] += b
    for name in pops_at:
        celltype, initial = _celltype(sim, name, nodes[name], bias[name], dt, time_scale)
        net.populations[name] = sim.Population(_size(nodes[name]), celltype, label=name,
                                               initial_values=initial)
    for name, spikes in (input_spikes or {}).items():
        set_input(net, name, spikes)
    for e in found:
        prjs = _project(sim, net, nodes[e.post], e, dt, time_scale, step)
        net.projections.setdefault(e.name, []).extend(prjs)
    net.outputs = {out: net.populations[src] for out, src in outputs.items()}
    return net


def set_input(net, name, spikes):
    """Give Input node ``name`` its spikes: times per neuron (ms), or a ``(steps,
    neurons...)`` array of counts per machine timestep, as a discrete-time tool feeds
    its model (step k, from 0, sends at ``(k+1)*dt``, the first time the machine can)."""
    pop = net.populations.get(name)
    if pop is None or type(pop.celltype).__name__ != "SpikeSourceArray":
        inputs = [k for k, p in net.populations.items()
                  if type(p.celltype).__name__ == "SpikeSourceArray"]
        raise NIRError(f"input spikes for {name!r}, which is not an Input node; the graph's "
                       f"Input nodes are {inputs}")
    if isinstance(spikes, np.ndarray) and spikes.ndim >= 2:
        raster = spikes.reshape(len(spikes), -1)
        times = [np.repeat((np.arange(len(raster)) + 1) * net.dt, raster[:, i].astype(int))
                 for i in range(raster.shape[1])]
    else:
        times = [np.asarray(t, float) for t in spikes]
    if len(times) != pop.size:
        raise NIRError(f"input {name!r}: spikes for {len(times)} neurons, the node has {pop.size}")
    from pyNN.parameters import Sequence
    pop.set(spike_times=[Sequence(t) for t in times])


def _flatten(graph, prefix=""):
    """Nodes and edges with subgraphs opened up (names ``sub.node``); a subgraph's Input
    and Output nodes become pass-throughs."""
    import nir

    nodes, edges, ins, outs = {}, [], {}, {}
    for name, node in graph.nodes.items():
        full = prefix + name
        if isinstance(node, nir.NIRGraph):
            sub_nodes, sub_edges = _flatten(node, full + ".")
            nodes.update(sub_nodes)
            edges += sub_edges
            ins[name] = [full + "." + k for k, v in node.nodes.items() if isinstance(v, nir.Input)]
            outs[name] = [full + "." + k for k, v in node.nodes.items() if isinstance(v, nir.Output)]
        elif prefix and isinstance(node, nir.Input | nir.Output):
            nodes[full] = _Pass()
        else:
            nodes[full] = node
    for a, b in graph.edges:
        for src in outs.get(a, [prefix + a]):
            for dst in ins.get(b, [prefix + b]):
                edges.append((src, dst))
    return nodes, edges


def _kind(node):
    return type(node).__name__


def _size(node):
    import nir

    if isinstance(node, nir.Input):
        return int(np.prod(node.input_type["input"]))
    return int(np.asarray(node.v_leak if hasattr(node, "v_leak") else node.r).size)


def _check_nodes(nodes):
    known = ("Input", "Output", "Delay", *SPIKING, *NONSPIKING, *WEIGHTS, *PASS)
    for name, node in nodes.items():
        kind = _kind(node)
        if kind not in known:
            raise NIRError(f"node {name!r} is a {kind}: the machine runs point neurons with "
                           f"weight matrices only ({', '.join(known[:-1])}); flatten the model "
                           f"to Affine layers before exporting it to NIR")
        taus = [k for k in ("tau", "tau_mem", "tau_syn") if hasattr(node, k)]
        for k in [*taus, *(["r"] if kind in SPIKING + NONSPIKING else [])]:
            v = np.asarray(getattr(node, k), float)
            if np.any(~(v > 0)):
                fix = ("negate the incoming weights instead" if k == "r" else
                       "a time constant is a positive number of seconds")
                raise NIRError(f"node {name!r} ({kind}): {k} = {v[~(v > 0)][0]:g}; the machine "
                               f"needs {k} > 0 ({fix})")
        if kind in SPIKING and np.any(np.asarray(node.v_reset) >= np.asarray(node.v_threshold)):
            raise NIRError(f"node {name!r} ({kind}): v_reset >= v_threshold would fire at every "
                           f"step; set v_reset below v_threshold")
        if kind in WEIGHTS[:2] and np.ndim(node.weight) != 2:
            raise NIRError(f"node {name!r} ({kind}): weight of shape {np.shape(node.weight)}; the "
                           f"machine takes 2-D (out, in) matrices: flatten the leading dimensions")
        if kind == "Delay" and np.any(np.asarray(node.delay) < 0):
            raise NIRError(f"node {name!r} (Delay): delay {np.min(node.delay):g} < 0; delays "
                           f"are at least 0")


def _trace(nodes, edges):
    """The population nodes, the edges between them, each weight node's bias with its
    target, and the Output nodes' source populations."""
    pops = [n for n, v in nodes.items() if _kind(v) in ("Input", *SPIKING, *NONSPIKING)]
    found, links, outputs = [], [], {}
    seen = set()
    for e in _edges(nodes, edges, pops):
        if _kind(nodes[e.post]) == "Output":
            if e.name != f"{e.pre}->{e.post}" or np.any(e.delay):
                raise NIRError(f"output {e.post!r} is fed through {e.name!r}: the machine's "
                               f"outputs are spikes of a population; put a neuron before it")
            outputs[e.post] = e.pre
            continue
        found.append(e)
        bias = getattr(nodes.get(e.name), "bias", None)
        if bias is not None and (e.name, e.post) not in seen:
            seen.add((e.name, e.post))
            links.append((e.name, e.post, np.broadcast_to(np.asarray(bias, float),
                                                          (_size(nodes[e.post]),))))
    return pops, found, links, outputs


def _edges(nodes, edges, pops):
    """Walk from each population through weight, delay and pass-through nodes to the
    next population (or Output node)."""
    after = {}
    for a, b in edges:
        after.setdefault(a, []).append(b)
    found = []
    for pre in pops:
        if _kind(nodes[pre]) in NONSPIKING and after.get(pre):
            if any(_kind(nodes[b]) != "Output" for b in after[pre]):
                raise NIRError(f"node {pre!r} ({_kind(nodes[pre])}) does not spike, so it cannot "
                               f"feed {after[pre]}: use LIF/CubaLIF, or read its v as an output")
        n_pre = _size(nodes[pre])
        stack = [(b, None, np.zeros(n_pre), 0.0, (pre,)) for b in after.get(pre, [])]
        while stack:
            name, w, d_pre, d_post, path = stack.pop()
            node, kind = nodes[name], _kind(nodes[name])
            if name in path[1:]:
                raise NIRError(f"nodes {' -> '.join(path[1:])} -> {name} form a loop with no "
                               f"neuron in it; a recurrent edge must pass through a neuron")
            if kind in ("Input", *SPIKING, *NONSPIKING, "Output"):
                n_post = _size(nodes[pre]) if kind == "Output" else _size(node)
                mat = np.eye(n_post, n_pre) if w is None else w
                if mat.shape != (n_post, n_pre):
                    raise NIRError(f"edge {' -> '.join(path + (name,))}: weights of shape "
                                   f"{mat.shape}, but {name!r} has {n_post} and {pre!r} {n_pre} "
                                   f"neurons")
                label = next((p for p in path if _kind(nodes[p]) in WEIGHTS), f"{pre}->{name}")
                delay = np.broadcast_to(d_pre[None, :] + np.reshape(d_post, (-1, 1)), mat.shape)
                found.append(_Edge(pre, name, label, mat, delay))
                continue
            if kind in WEIGHTS:
                if w is not None:
                    raise NIRError(f"{' -> '.join(path + (name,))}: two weight nodes in a row; "
                                   f"the machine has one weight per synapse: multiply them into "
                                   f"one Affine")
                if kind == "Scale":
                    w = np.diag(np.ravel(np.asarray(node.scale, float)))
                else:
                    w = np.asarray(node.weight, float)
            elif kind == "Delay":
                delay = np.ravel(np.asarray(node.delay, float))
                if w is None:
                    d_pre = d_pre + delay
                else:
                    d_post = d_post + delay
            for b in after.get(name, []):
                stack.append((b, w, d_pre, d_post, path + (name,)))
    return found


def _param(node, name):
    return np.ravel(np.asarray(getattr(node, name), float))


def _celltype(sim, name, node, bias, dt, ts):
    """The PyNN cell type of a NIR node (see the module docstring) and its initial v."""
    kind = _kind(node)
    if kind == "Input":
        return sim.SpikeSourceArray(spike_times=[]), {}
    thresh = (_param(node, "v_threshold") if kind in SPIKING
              else np.full(_size(node), NONSPIKING_THRESHOLD))
    reset = _param(node, "v_reset") if kind in SPIKING else _param(node, "v_leak")
    r = _param(node, "r")
    if kind == "IF":
        tau_m = np.full(r.size, IF_TAU_M)
        p = dict(tau_m=tau_m, cm=ts / r, v_rest=reset, i_offset=bias)
        v_inf = np.abs(tau_m / p["cm"] * bias)
        if np.any(v_inf > NONSPIKING_THRESHOLD):
            raise NIRError(f"node {name!r} (IF): r*bias = {np.max(np.abs(r * bias)):g} mV per NIR "
                           f"time unit drives v towards {np.max(v_inf):g} mV over tau_m = "
                           f"{IF_TAU_M:g} ms, beyond the machine's range ({NONSPIKING_THRESHOLD:g} "
                           f"mV); scale the bias and weights down with the threshold")
    else:
        tau_m = _param(node, "tau" if kind in ("LIF", "LI") else "tau_mem") * ts
        p = dict(tau_m=tau_m, cm=tau_m / r, v_rest=_param(node, "v_leak"), i_offset=bias)
    p.update(v_thresh=thresh, v_reset=reset, tau_refrac=0.0)
    if kind in ("CubaLIF", "CubaLI"):
        tau_syn = _param(node, "tau_syn") * ts
        p.update(tau_syn_E=tau_syn, tau_syn_I=tau_syn, i_offset=bias * _param(node, "w_in"))
        return sim.IF_curr_exp(**p), {"v": p["v_rest"]}
    return sim.IF_curr_delta(**p), {"v": p["v_rest"]}


def _synaptic_scale(node, dt):
    """Per target neuron: PyNN weight per NIR weight (nA onto IF_curr_exp, mV onto
    IF_curr_delta) for a spike of length ``dt``."""
    kind = _kind(node)
    if kind in ("CubaLIF", "CubaLI"):
        return _param(node, "w_in") * dt / _param(node, "tau_syn")
    if kind == "IF":
        return _param(node, "r") * dt
    return _param(node, "r") * dt / _param(node, "tau")


def _project(sim, net, post_node, e, dt, ts, step):
    """The projections of one edge: excitatory and inhibitory as the signs of the weights."""
    w = e.weight * _synaptic_scale(post_node, dt)[:, None]
    d_ms = e.delay * ts
    ticks = np.rint(d_ms / step)
    off = np.abs(d_ms - ticks * step) > 1e-6 * step
    if np.any(off):
        raise NIRError(f"edge {e.name!r}: delay {d_ms[off][0]:g} ms is not a whole number of "
                       f"timesteps ({step:g} ms); round the Delay node or change dt")
    out = []
    for receptor, sign in (("excitatory", 1.0), ("inhibitory", -1.0)):
        post, pre = np.nonzero(sign * w > 0)
        if pre.size == 0:
            continue
        conn = np.column_stack((pre, post, w[post, pre], np.round((ticks[post, pre] + 1) * step, 9)))
        out.append(sim.Projection(net.populations[e.pre], net.populations[e.post],
                                  sim.FromListConnector(conn, column_names=["weight", "delay"]),
                                  sim.StaticSynapse(), receptor_type=receptor,
                                  label=f"{e.name} ({receptor})"))
    return out
