"""Projection for neurochip: connections held as numpy arrays, never as objects."""

from __future__ import annotations

import numpy as np
from pyNN import common, errors
from pyNN.space import Space

from neurochip.mapping.graph import INHIBITORY_RECEPTORS, ProjectionSpec
from neurochip.mapping.post_runs import PostRuns, as_runs
from neurochip.mapping.split_index import as_split

from . import machine_weights, simulator
from .connector_kernels import as_ticks
from .connectors import fast_connect
from .errors import NeurochipError
from .machine_weights import DYNAMICS_OF
from .mt_draws import draw, draw_ticks
from .plasticity import stdp_rule
from .spinnaker_compat import log_once
from .standardmodels import StaticSynapse

DOPAMINE_RECEPTORS = ("reward", "punishment")  # sPyNNaker's, of Neuromodulation synapses

__all__ = ["Projection", "Connection"]

INDEX = np.int32  # connection ends: half the memory of int64 (populations stay below 2**31)
SMALL_INDEX = np.uint16  # the sources of a side of at most 2**16 cells (most): half again


def _pre_index(pre, size: int) -> np.ndarray:
    """Source indices ``pre`` (of a side of ``size`` cells) in the smallest type that
    holds them. Readers take them as indices or convert them (the mapping works in int64)."""
    return np.asarray(pre).astype(SMALL_INDEX if size <= 1 << 16 else INDEX, copy=False)


# delays per connection as whole timesteps: a quarter of float64's memory. The machine runs
# rint(delay / dt) timesteps and get() returns that times dt (as NEST does), so nothing is
# lost; delays out of this range (or not finite) stay in ms for the mapping's messages
DELAY_TICKS = np.uint16
_MIN_TICKED = 1024  # shorter arrays are not worth it


def _as_ticks(d):
    """Delays ``d`` (ms, float64) as DELAY_TICKS timesteps of the current dt, or ``d``
    itself where that would lose what the mapping checks (or save nothing)."""
    if len(d) < _MIN_TICKED or d.strides[0] == 0:
        return d
    ticks = as_ticks(d, simulator.state.dt)  # rint(d / dt) as DELAY_TICKS, in one pass
    return d if ticks is None else ticks


def _ms(ticks):
    """Delays held as timesteps, in ms (the values get() has always returned)."""
    return ticks * simulator.state.dt


def _joined_delays(chunks):
    if all(c.dtype == DELAY_TICKS for c in chunks):
        return np.concatenate(chunks)
    return _as_ticks(np.concatenate([_ms(c) if c.dtype == DELAY_TICKS else c for c in chunks]))


class Connection(common.Connection):
    """One connection, a view onto the projection's arrays."""

    def __init__(self, projection, index):
        self.projection = projection
        self.index = index

    @property
    def presynaptic_index(self):
        if hasattr(self.projection.synapse_type, "rewiring_params"):  # the machine's, after a run
            return int(self.projection._values("presynaptic_index")[self.index])
        return int(self.projection._pre[self.index])

    @property
    def postsynaptic_index(self):
        if hasattr(self.projection.synapse_type, "rewiring_params"):
            return int(self.projection._values("postsynaptic_index")[self.index])
        return int(self.projection._all()["post"][self.index])

    def _get(self, name):
        return float(self.projection._values(name)[self.index])

    def _set(self, name, value):
        self.projection._writable(name)[self.index] = value
        simulator.state.mark_dirty()

    weight = property(lambda self: self._get("weight"), lambda self, v: self._set("weight", v))
    delay = property(lambda self: self._get("delay"), lambda self, v: self._set("delay", v))

    def __getattr__(self, name):  # other synapse parameters, e.g. U of TsodyksMarkramSynapse
        if name in ("projection", "index") or name not in self.projection._params:
            raise AttributeError(name)
        return self._get(name)

    def as_tuple(self, *names):
        return tuple(getattr(self, name) for name in names)


class Projection(common.Projection):
    __doc__ = common.Projection.__doc__
    _simulator = simulator
    _static_synapse_class = StaticSynapse

    def __init__(self, presynaptic_population, postsynaptic_population, connector,
                 synapse_type=None, source=None, receptor_type=None, space=None, label=None):
        dopamine = type(synapse_type).__name__ == "Neuromodulation"
        if dopamine and receptor_type not in DOPAMINE_RECEPTORS:
            raise NeurochipError(f"Projection {label!r}: extra_models.Neuromodulation synapses "
                                 f"take receptor_type 'reward' or 'punishment', not "
                                 f"{receptor_type!r}")
        common.Projection.__init__(self, presynaptic_population, postsynaptic_population,
                                   connector, synapse_type, source,
                                   "excitatory" if dopamine else receptor_type,
                                   space if space is not None else Space(), label)
        if dopamine:  # no receptor of the cell: the dopamine trace of its STDP synapses
            self.receptor_type = receptor_type
        if type(self.synapse_type).__name__ not in DYNAMICS_OF:
            raise NeurochipError(
                f"Projection {self.label!r}: synapse type {type(self.synapse_type).__name__} is "
                f"not supported by neurochip yet; supported: {sorted(DYNAMICS_OF)}")
        self._params = tuple(self.synapse_type.get_parameter_names())
        if receptor_type is None and isinstance(self.post, common.Assembly):
            # PyNN's guess reads an Assembly's receptor types from an unordered set
            self.receptor_type = _guess_receptor(self)
        if isinstance(self.post, common.Assembly) and not self.post._homogeneous_synapses:
            raise NeurochipError(
                f"Projection {self.label!r}: the post-synaptic Assembly mixes current- and "
                f"conductance-based cells; make one Projection per kind")
        self._chunks = {"pre": [], "post": [], **{name: [] for name in self._params}}
        self._arrays = None
        self._sign_flipped = False  # see _check_signs
        try:
            if not fast_connect(self, connector, simulator.state.threads):
                connector.connect(self)
        except errors.ConnectionError as e:  # PyNN's own sign check: say which projection
            weight = self.synapse_type.parameter_space["weight"].base_value
            raise errors.ConnectionError(
                f"Projection {self.label!r} ({self.pre.label} -> {self.post.label}, "
                f"receptor_type={self.receptor_type!r}, weight={weight!r}): {e}") from None
        self._check_signs(self._attr("weight"))
        simulator.state.projections.append(self)
        simulator.state.mark_dirty()

    # --- storage ---------------------------------------------------------------
    def _convergent_connect(self, presynaptic_indices, postsynaptic_index,
                            location_selector=None, **connection_parameters):
        if location_selector is not None:
            raise NeurochipError("neurochip has no multicompartment neurons")
        pre = _pre_index(np.asarray(presynaptic_indices, INDEX).ravel(), self.pre.size)
        n = len(pre)
        self._chunks["pre"].append(pre)
        self._chunks["post"].append(np.broadcast_to(INDEX(postsynaptic_index), (n,)))
        for name in self._params:
            value = connection_parameters.get(name, 0.0)
            self._chunks[name].append(np.broadcast_to(np.asarray(value, float), (n,)).ravel())
        self._arrays = None

    def _store(self, pre, post, values):
        """Add connections given as whole arrays (``values``: parameter -> array, or a
        single value for all of them, which is then held once, not per connection)."""
        n = len(pre)
        self._chunks["pre"].append(_pre_index(pre, self.pre.size))
        self._chunks["post"].append(post if isinstance(post, PostRuns)
                                    else np.asarray(post).astype(INDEX, copy=False))
        for name in self._params:
            v = values[name]
            if name == "delay" and getattr(v, "dtype", None) == DELAY_TICKS:  # _drawn_delays'
                self._chunks[name].append(v)
                continue
            v = np.asarray(v, np.float64)
            v = np.broadcast_to(v, (n,)) if v.ndim == 0 else v.astype(np.float64, copy=False)
            self._chunks[name].append(_as_ticks(v) if name == "delay" else v)
        self._arrays = None

    def _drawn_delays(self, dist, n):
        """Delays of ``n`` new connections drawn from ``dist`` (the numbers of
        ``dist.next(n)``): as DELAY_TICKS, written chunk by chunk without a float64 array
        of them, where that is what _store would keep, else in ms."""
        if n >= _MIN_TICKED:
            ticks = draw_ticks(dist, n, simulator.state.dt)
            if ticks is not None:
                return ticks
        return draw(dist, n).reshape(n) if n else np.zeros(0)  # as connectors._evaluate

    def _all(self):
        """The connections' arrays (the chunks joined). Delays are held as whole
        timesteps (``DELAY_TICKS``) where that loses nothing the machine would keep."""
        if self._arrays is None:
            c = self._chunks
            if c["pre"] and len(c["pre"]) > 1:
                self._arrays = {k: (_joined_delays(v) if k == "delay" else np.concatenate(v))
                                for k, v in c.items()}
            elif c["pre"]:
                self._arrays = {k: v[0] for k, v in c.items()}
            else:
                self._arrays = {k: np.zeros(0, INDEX if k in ("pre", "post") else float)
                                for k in c}
            # post indices in target order as runs: PostRuns; sources of 17 or 18 bits as
            # 16 bits and bit planes: SplitIndex
            self._arrays["post"] = as_runs(self._arrays["post"], self.post.size)
            self._arrays["pre"] = as_split(self._arrays["pre"], self.pre.size)
            self._chunks = {k: [v] for k, v in self._arrays.items()}
        return self._arrays

    @property
    def _pre(self):
        return self._all()["pre"]

    @property
    def _post(self):
        return np.asarray(self._all()["post"])

    def _attr(self, name):
        if name not in self._params:
            raise NeurochipError(f"Projection {self.label!r} has no attribute {name!r}; it has "
                                 f"{list(self._params)}")
        arr = self._all()[name]
        return _ms(arr) if arr.dtype == DELAY_TICKS else arr

    def _writable(self, name):
        """``_attr(name)`` as an array of its own that may be written (a value held once
        for all connections, or delays held in timesteps, are spread out first)."""
        arr = self._attr(name)
        if (not arr.flags.writeable or (len(arr) > 1 and arr.strides[0] == 0)
                or self._all()[name].dtype == DELAY_TICKS):
            arr = self._arrays[name] = np.array(arr)
            self._chunks[name] = [arr]
        return arr

    def _check_signs(self, w):
        """PyNN's sign rules (its check_weights): weights onto conductances and onto
        excitatory receptors are >= 0, onto current-based receptors PyNN calls
        inhibitory <= 0; the machine holds one sign per receptor, so any other
        receptor name (e.g. a PointNeuron's 'NMDA' or 'slow') takes weights >= 0.
        As in sPyNNaker, which takes every weight's magnitude, the other sign onto the
        'inhibitory' receptor is inhibition of that magnitude: weights >= 0 onto a
        current-based cell's, weights <= 0 onto a conductance-based cell's (the mapping
        is given them negated, see _specs; they are read back as given); one projection
        may not mix the two signs."""
        if not len(w):
            return
        current = not self.post.conductance_based
        negative = current and self.receptor_type in INHIBITORY_RECEPTORS
        flip_cond = (not current and self.receptor_type == "inhibitory" and w.min() < 0
                     and w.max() <= 0)
        if not negative and not flip_cond and w.min() < 0:
            if not current and self.receptor_type == "inhibitory":
                fix = ("use all >= 0 (PyNN's convention) or all <= 0 (sPyNNaker's: a "
                       "conductance of that magnitude)")
            elif "inhibitory" in self.post.receptor_types:
                fix = "use receptor_type='inhibitory' for inhibition"
            else:
                fix = f"name a current-based inhibitory receptor one of {INHIBITORY_RECEPTORS}"
            raise errors.ConnectionError(
                f"Projection {self.label!r}: weights onto the {self.receptor_type!r} receptor "
                f"must be >= 0, got {w.min():g}; {fix}")
        if negative and w.max() > 0 and self.receptor_type != "inhibitory":
            raise errors.ConnectionError(
                f"Projection {self.label!r}: weights onto the inhibitory receptor "
                f"{self.receptor_type!r} of current-based cells ({self.post.label}) must be "
                f"<= 0 (PyNN's sign convention), got {w.max():g} nA")
        if negative and w.max() > 0 and w.min() < 0:
            raise errors.ConnectionError(
                f"Projection {self.label!r}: weights onto the inhibitory receptor "
                f"{self.receptor_type!r} of current-based cells ({self.post.label}) mix signs "
                f"({w.min():g} to {w.max():g} nA); use all <= 0 (PyNN's convention) or all "
                f">= 0 (sPyNNaker's: inhibition of that magnitude)")
        self._sign_flipped = bool((negative and w.max() > 0) or flip_cond)
        if self._sign_flipped:
            kind, sign = ("current-based", ">=") if current else ("conductance-based", "<=")
            log_once(("positive_inhibition", self.label),
                     f"Projection {self.label!r}: weights {sign} 0 onto the {kind} "
                     f"receptor {self.receptor_type!r} are taken as inhibition of "
                     f"that magnitude (sPyNNaker's meaning); the other sign keeps PyNN's")

    def __len__(self):
        # a rewiring projection after a run: the synapses the machine holds now (sPyNNaker's
        # len() reads them back too); before: the connector's
        rewired = self._rewired()
        return len(self._pre) if rewired is None else len(rewired["presynaptic_index"])

    # under mpirun every rank holds every connection and, after a run, every learned
    # weight (neurochip.emulator.ranks): PyNN's gathers would count them once per rank
    def size(self, gather=True):
        return len(self)

    def get(self, attribute_names, format, gather=True, with_address=True,
            multiple_synapses="sum"):
        return super().get(attribute_names, format, False, with_address, multiple_synapses)

    get.__doc__ = common.Projection.get.__doc__

    def __getitem__(self, i):
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(f"connection {i} of {len(self)}")
        return Connection(self, i)

    @property
    def connections(self):
        return (Connection(self, i) for i in range(len(self)))

    # --- attributes ------------------------------------------------------------
    def _values(self, name):
        rewired = self._rewired()
        if rewired is not None:  # the connections as the machine holds them now
            return rewired[name]
        if name == "presynaptic_index":
            return np.asarray(self._pre)
        if name == "postsynaptic_index":
            return self._post
        if name == "delay":  # delays run rounded to the timestep
            d = self._all()["delay"]
            if d.dtype == DELAY_TICKS:
                return _ms(d)
            dt = simulator.state.dt
            return np.rint(d / dt) * dt
        if name == "weight":
            learned = self._learned_weights()
            if learned is None and simulator.state.emulation is None:
                learned = getattr(self, "_ended_weights", None)  # after end()
            if learned is not None:
                return learned
        return self._attr(name)

    def _keep_learned_weights(self):
        """Called by end(): the learned weights (and rewired connections), read once more
        before the machine goes."""
        self._ended_rewired = self._rewired(ended=False)
        self._ended_weights = self._learned_weights()

    # --- what the running machine holds (neurochip.machine_weights) ---------------
    def _rewired(self, ended=True):
        return machine_weights.rewired(self, ended)

    def _weight_sign(self):
        """-1 where this projection's weights are written negative (PyNN's inhibitory
        current, or sPyNNaker's form of an inhibitory conductance)."""
        negative = not self.post.conductance_based and self.receptor_type in INHIBITORY_RECEPTORS
        return -1.0 if negative != self._sign_flipped else 1.0

    def _learned_weights(self):
        return machine_weights.learned(self)

    def _write_learned_weights(self, w) -> bool:
        return machine_weights.write_learned(self, w)

    def _get_attributes_as_list(self, names):
        cols = [self._values(name) for name in names]
        return list(zip(*(c.tolist() for c in cols)))

    def _get_attributes_as_arrays(self, names, multiple_synapses="sum"):
        op = {"sum": np.add, "min": np.minimum, "max": np.maximum}.get(multiple_synapses)
        out = []
        rewired = self._rewired()
        pre, post = ((np.asarray(self._pre), self._post) if rewired is None else
                     (rewired["presynaptic_index"], rewired["postsynaptic_index"]))
        for name in names:
            name = name[:-1] if name in ("weights", "delays") else name
            values = np.full((self.pre.size, self.post.size), np.nan)
            v = self._values(name)
            if op is not None:
                seen = np.zeros_like(values, bool)
                seen[pre, post] = True
                values[seen] = 0.0 if op is np.add else (np.inf if op is np.minimum else -np.inf)
                op.at(values, (pre, post), v)
            elif multiple_synapses == "first":
                values[pre[::-1], post[::-1]] = v[::-1]
            else:  # "last"
                values[pre, post] = v
            out.append(values)
        return out

    def _set_attributes(self, parameter_space):
        parameter_space.evaluate(simplify=True)
        pre, post = np.asarray(self._pre), self._post
        new = {}
        for name, value in parameter_space.items():
            if name not in self._params:
                raise NeurochipError(f"Projection {self.label!r}: cannot set {name!r}; it has "
                                     f"{list(self._params)}")
            arr = np.asarray(value, float)
            new[name] = np.broadcast_to(arr if arr.ndim == 0 else arr[pre, post], pre.shape)
        if hasattr(self.synapse_type, "rewiring_params") and simulator.state.t_ticks > 0:
            raise NeurochipError(
                f"Projection {self.label!r}: set() on a structurally plastic projection after a "
                f"run is not in neurochip (the machine's rows hold other synapses than the "
                f"connector made); call sim.reset() first, or set the mechanism's initial_weight")
        if "weight" in new:  # validate before anything changes
            self._check_signs(new["weight"])
            # a plastic projection that has run: the new weights replace the learned ones in
            # the machine; its PyNN-side weights stay the initial ones (reset() returns to them)
            if self._write_learned_weights(new["weight"]):
                del new["weight"]
                if not new:
                    return
        for name, values in new.items():
            self._writable(name)[:] = values
        simulator.state.mark_dirty()

    def _set_initial_value_array(self, variable, initial_value):
        raise NeurochipError(f"{type(self.synapse_type).__name__} has no state variables that "
                             f"can be initialised from PyNN")

    def _specs(self, index):
        """This projection as the mapping sees it: ``(ProjectionSpec, connections)`` per
        pair of root populations (several when pre or post is an Assembly; connections:
        the boolean selector of this projection's connections it holds, None for all).
        Between two populations (or views) the spec shares this projection's arrays:
        nothing is copied."""
        w, d = self._attr("weight"), self._all()["delay"]
        in_ticks = d.dtype == DELAY_TICKS
        if self._sign_flipped:  # sPyNNaker's sign: the mapping takes PyNN's
            w = -w
        dynamics = DYNAMICS_OF[type(self.synapse_type).__name__]
        extra = [name for name in self._params if name not in ("weight", "delay")]
        rule = {}
        if dynamics == "stdp":
            rule = dict(zip(("timing", "dependence"), stdp_rule(self.synapse_type)))
        if hasattr(self.synapse_type, "rewiring_params"):  # one value each, connections or not
            if any(isinstance(side, common.Assembly) or hasattr(side, "parent")
                   for side in (self.pre, self.post)):
                raise NeurochipError(f"Projection {self.label!r}: structural plasticity between "
                                     f"Assemblies or PopulationViews is not in neurochip; project "
                                     f"between whole Populations")
            ps = self.synapse_type.parameter_space
            rule.update({name: ps[name].base_value for name in extra},
                        rewiring=self.synapse_type.rewiring_params())
            extra = []
        if not isinstance(self.pre, common.Assembly) and not isinstance(self.post, common.Assembly):
            post = self._all()["post"]  # PostRuns stay runs into a Population
            (a, pre_idx), (b, post_idx) = (_root(self.pre, self._pre, index),
                                           _root(self.post, post if isinstance(
                                               self.post, common.Population) else self._post,
                                                 index))
            yield ProjectionSpec(label=self.label, pre=a, post=b, receptor=self.receptor_type,
                                 pre_idx=pre_idx, post_idx=post_idx, weight=w, delay=d,
                                 delay_in_ticks=in_ticks, dynamics=dynamics,
                                 dyn_params={**{name: self._attr(name) for name in extra},
                                             **rule}), None
            return
        pre_pop, pre_idx = _resolve(self.pre, self._pre, index)
        post_pop, post_idx = _resolve(self.post, self._post, index)
        pairs = pre_pop * (len(index) + 1) + post_pop
        for pair in np.unique(pairs):
            k = pairs == pair
            a, b = divmod(int(pair), len(index) + 1)
            label = self.label if np.all(k) else f"{self.label}[{a}->{b}]"
            yield ProjectionSpec(label=label, pre=a, post=b, receptor=self.receptor_type,
                                 pre_idx=pre_idx[k], post_idx=post_idx[k], weight=w[k], delay=d[k],
                                 delay_in_ticks=in_ticks, dynamics=dynamics,
                                 dyn_params={**{name: self._attr(name)[k] for name in extra},
                                             **rule}), k


def _guess_receptor(prj):
    weight = prj.synapse_type.parameter_space["weight"]
    try:
        w = float(weight.evaluate(simplify=True)) if weight.is_homogeneous else 0.0
    except (TypeError, ValueError):
        w = 0.0
    return "inhibitory" if w < 0 and "inhibitory" in prj.post.receptor_types else "excitatory"


def _resolve(side, idx, index):
    """(root population number, index in it) of each connection end, for a Population,
    a PopulationView or an Assembly (whose members may be views)."""
    idx = np.asarray(idx, np.int64)
    if isinstance(side, common.Assembly):
        sizes = np.array([p.size for p in side.populations])
        bounds = np.r_[0, np.cumsum(sizes)]
        member = np.searchsorted(bounds, idx, side="right") - 1
        pop = np.empty(len(idx), np.int64)
        local = np.empty(len(idx), np.int64)
        for m, part in enumerate(side.populations):
            sel = member == m
            p, i = _resolve(part, idx[sel] - bounds[m], index)
            pop[sel], local[sel] = p, i
        return pop, local
    pop, local = _root(side, idx, index)
    return np.full(len(idx), pop), np.asarray(local, np.int64)


def _root(side, idx, index):
    """(root population number, index in it) of the ends ``idx`` of a Population or a
    PopulationView (the array itself for a Population)."""
    if isinstance(side, common.PopulationView):
        return index[id(side.grandparent)], np.asarray(side.index_in_grandparent(np.asarray(idx)))
    return index[id(side)], idx
