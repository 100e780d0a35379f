"""Brette et al. (2007) benchmark 1 (COBA) in PyNN.

4000 IF_cond_exp neurons (3200 excitatory, 800 inhibitory), connection
probability 0.02, dt = 0.1 ms, 1 s. Parameters as PyNN's examples/VAbenchmarks.py
(COBA): tau_m 20 ms, cm 0.2 nF, v_rest -60 mV, v_thresh -50 mV, v_reset -60 mV,
tau_refrac 5 ms, tau_syn_E 5 ms, tau_syn_I 10 ms, e_rev_E 0 mV, e_rev_I -80 mV,
weights 4 nS (exc) and 51 nS (inh), delay 0.2 ms, initial v uniform in
[v_reset, v_thresh]; as there, 20 Poisson sources (100 Hz for the first 50 ms,
connection probability 0.01, weight 0.1 uS) kick the network into activity.
The figure (out/coba.png) is the raster of 200 excitatory and 200 inhibitory cells.
Run it on the emulated machine with

    python examples/coba.py [--scale 1 | --n 4000] [--arithmetic fixed|float]

Change ``pyNN.neurochip`` to ``pyNN.nest`` in the import line to run it on NEST.
"""

import pyNN.neurochip as sim
from pyNN.random import NumpyRNG, RandomDistribution

from neurochip.example_tools import Stopwatch, example_parser, figure, report, setup_options, spike_raster

parser = example_parser(__doc__, duration=1000.0, seed=98765, transient=100.0)
parser.add_argument("--n", type=int, default=None, help="number of neurons (4/5 excitatory; "
                    "default 4000 x --scale)")
args = parser.parse_args()
n = args.n or int(round(4000 * args.scale))

dt = 0.1
clock = Stopwatch()
sim.setup(timestep=dt, min_delay=dt, **setup_options(sim, args))

n_exc = int(n * 0.8)
n_inh = n - n_exc
cell = sim.IF_cond_exp(tau_m=20.0, cm=0.2, v_rest=-60.0, v_thresh=-50.0, v_reset=-60.0,
                       tau_refrac=5.0, tau_syn_E=5.0, tau_syn_I=10.0,
                       e_rev_E=0.0, e_rev_I=-80.0, i_offset=0.0)
rng = NumpyRNG(seed=args.seed)
exc = sim.Population(n_exc, cell, label="excitatory")
inh = sim.Population(n_inh, cell, label="inhibitory")
for pop in (exc, inh):
    pop.initialize(v=RandomDistribution("uniform", low=-60.0, high=-50.0, rng=rng))
    pop.record("spikes")
stim = sim.Population(20, sim.SpikeSourcePoisson(rate=100.0, duration=50.0), label="stimulus")

w_exc = 4e-3     # uS
w_inh = 51e-3    # uS (conductance-based: positive, the reversal potential makes it inhibitory)
delay = 0.2
connector = sim.FixedProbabilityConnector(0.02, allow_self_connections=False, rng=rng)
prjs = []
for pre, w, receptor in ((exc, w_exc, "excitatory"), (inh, w_inh, "inhibitory")):
    for post in (exc, inh):
        prjs.append(sim.Projection(pre, post, connector, sim.StaticSynapse(weight=w, delay=delay),
                                   receptor_type=receptor))
ext_conn = sim.FixedProbabilityConnector(0.01, rng=rng)
ext = [sim.Projection(stim, post, ext_conn, sim.StaticSynapse(weight=0.1, delay=delay),
                      receptor_type="excitatory") for post in (exc, inh)]
clock.lap("build")

sim.run(args.duration)
clock.lap("run")

trains = {pop.label: pop.get_data("spikes").segments[0].spiketrains for pop in (exc, inh)}
clock.lap("extract")

n_syn = sum(len(p) for p in prjs) + sum(len(p) for p in ext)
res = report(sim, f"VA COBA ({n} neurons, {n_syn} synapses with the stimulus)", trains, args,
             clock.times, extra={"n": n, "synapses": n_syn})
with figure(args, __file__, "coba.png", figsize=(8, 4)) as ax:
    if ax is not None:  # None: no figure (--plot '')
        spike_raster(ax, trains["excitatory"][:200], marker=".", ms=1, color="tab:blue")
        spike_raster(ax, trains["inhibitory"][:200], offset=200, marker=".", ms=1, color="tab:red")
        ax.set(xlabel="time (ms)", ylabel="neuron (200 exc, 200 inh)", xlim=(0, args.duration),
               title=f"COBA on {sim.__name__}: exc {res['rates']['excitatory']:.1f} Hz, "
                     f"inh {res['rates']['inhibitory']:.1f} Hz")
sim.end()
