"""Brette et al. (2007) benchmark 2 (CUBA) in PyNN.

4000 IF_curr_exp neurons (3200 excitatory, 800 inhibitory), connection
probability 0.02, dt = 0.1 ms, 1 s. Run it on the emulated machine with

    python examples/cuba.py [--scale 1 | --n 4000] [--arithmetic fixed|float]

The figure (out/cuba.png; --out, --plot, --plot '' for none) is the raster of 200
excitatory and 200 inhibitory cells. On neurochip it also prints where the network sits
on the machine: chips, cores, routing entries before and after compression, stage times.

Change ``pyNN.neurochip`` to ``pyNN.nest`` in the import line to run it on NEST.
"""

import pyNN.neurochip as sim
from pyNN.random import NumpyRNG, RandomDistribution

from neurochip.example_tools import Stopwatch, example_parser, figure, report, setup_options, spike_raster

parser = example_parser(__doc__, duration=1000.0, seed=4242)
parser.add_argument("--n", type=int, default=None, help="number of neurons (4/5 excitatory; "
                    "default 4000 x --scale)")
args = parser.parse_args()
n = args.n or int(round(4000 * args.scale))

dt = 0.1
clock = Stopwatch()
sim.setup(timestep=dt, min_delay=dt, **setup_options(sim, args))

n_exc = int(n * 0.8)
n_inh = n - n_exc
cell = sim.IF_curr_exp(tau_m=20.0, cm=0.2, v_rest=-49.0, v_thresh=-50.0, v_reset=-60.0,
                       tau_refrac=5.0, tau_syn_E=5.0, tau_syn_I=10.0, i_offset=0.0)
rng = NumpyRNG(seed=args.seed)
exc = sim.Population(n_exc, cell, label="excitatory")
inh = sim.Population(n_inh, cell, label="inhibitory")
for pop in (exc, inh):
    pop.initialize(v=RandomDistribution("uniform", low=-60.0, high=-50.0, rng=rng))
    pop.record("spikes")

# weights of the PyNN VAbenchmarks CUBA: conductances 0.27 nS / 4.5 nS times the
# driving force at v_mean = -60 mV (reversal 0 mV / -80 mV), as currents
w_exc = 0.27e-3 * (0.0 + 60.0)       # nA
w_inh = 4.5e-3 * (-80.0 + 60.0)      # nA (negative: inhibitory, current-based)
delay = 0.2
connector = sim.FixedProbabilityConnector(0.02, allow_self_connections=False, rng=rng)
prjs = []
for pre, w, receptor in ((exc, w_exc, "excitatory"), (inh, w_inh, "inhibitory")):
    for post in (exc, inh):
        prjs.append(sim.Projection(pre, post, connector, sim.StaticSynapse(weight=w, delay=delay),
                                   receptor_type=receptor))
clock.lap("build")

sim.run(args.duration)
clock.lap("run")

trains = {pop.label: pop.get_data("spikes").segments[0].spiketrains for pop in (exc, inh)}
clock.lap("extract")

n_syn = sum(len(p) for p in prjs)
res = report(sim, f"CUBA ({n} neurons, {n_syn} synapses)", trains, args, clock.times,
             extra={"n": n, "synapses": n_syn})
if hasattr(sim, "mapping_summary"):  # neurochip: how the network sits on the machine
    s, st, prov = sim.mapping_summary(), sim.simulator.state, sim.provenance()
    print(f"  mapping: {s['chips_used']} of {s['chips_available']} chips ({s['machine']}), "
          f"up to {s['max_neurons_per_core']} neurons per core; routing entries "
          f"{s['routing_entries_before']} -> {s['routing_entries_after']} after compression; "
          f"worst chip {s['worst_chip']} with {s['worst_chip_entries']} of {s['router_limit']}")
    print("  stages: " + ", ".join(f"{k} {v:.3f} s" for k, v in st.timings.items())
          + " (map = " + ", ".join(f"{k} {v:.3f}" for k, v in st.mapping.times.items()) + "); "
          f"worst core {prov['max_cycles_per_tick']} of {prov['cycle_budget_per_tick']} "
          "cycles per tick")

with figure(args, __file__, "cuba.png", figsize=(8, 4)) as ax:
    if ax is not None:  # None: no figure (--plot '')
        spike_raster(ax, trains["excitatory"][:200], marker=".", ms=1, color="tab:blue")
        spike_raster(ax, trains["inhibitory"][:200], offset=200, marker=".", ms=1, color="tab:red")
        ax.set(xlabel="time (ms)", ylabel="neuron (200 exc, 200 inh)", xlim=(0, args.duration),
               title=f"CUBA on {sim.__name__}: exc {res['rates']['excitatory']:.1f} Hz, "
                     f"inh {res['rates']['inhibitory']:.1f} Hz")
sim.end()
