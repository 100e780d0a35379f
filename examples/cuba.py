"""Brette et al. (2007) benchmark 2 (CUBA) in PyNN.

4000 IF_curr_exp neurons (3200 excitatory, 800 inhibitory), connection
probability 0.02, dt = 0.1 ms, 1 s. Run it on the emulated machine with

    python examples/cuba.py [--n 4000] [--arithmetic fixed|float] [--plot out/cuba.png]

The raster goes to out/cuba.png at the repository root unless --plot says otherwise.

Change ``pyNN.neurochip`` to ``pyNN.nest`` in the import line to run it on NEST.
"""

import argparse
import pathlib
import time

import pyNN.neurochip as sim
from pyNN.random import NumpyRNG, RandomDistribution

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--n", type=int, default=4000, help="number of neurons (4/5 excitatory)")
parser.add_argument("--duration", type=float, default=1000.0, help="ms")
parser.add_argument("--arithmetic", default="fixed", choices=["fixed", "float"])
parser.add_argument("--threads", type=int, default=None, help="emulator threads (neurochip)")
parser.add_argument("--plot", default=str(pathlib.Path(__file__).resolve().parents[1] / "out" / "cuba.png"),
                    help="raster plot file ('' for none)")
parser.add_argument("--seed", type=int, default=4242)
parser.add_argument("--json", default="", help="also write the figures to this JSON file")
args = parser.parse_args()

dt = 0.1
extra = ({"arithmetic": args.arithmetic, "threads": args.threads}
         if sim.__name__.endswith("neurochip") else {})
t0 = time.perf_counter()
sim.setup(timestep=dt, min_delay=dt, **extra)

n_exc = int(args.n * 0.8)
n_inh = args.n - n_exc
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
t_build = time.perf_counter() - t0

t1 = time.perf_counter()
sim.run(args.duration)
t_run = time.perf_counter() - t1

t2 = time.perf_counter()
data = {pop.label: pop.get_data("spikes").segments[0] for pop in (exc, inh)}
t_extract = time.perf_counter() - t2

n_syn = sum(len(p) for p in prjs)
print(f"CUBA: {args.n} neurons, {n_syn} synapses, {args.duration:g} ms at dt={dt} ms")
if hasattr(sim, "mapping_summary"):
    s = sim.mapping_summary()
    print(f"mapping: {s['chips_used']} of {s['chips_available']} chips ({s['machine']}), "
          f"{s['cores']} cores, up to {s['max_neurons_per_core']} neurons per core; routing "
          f"entries {s['routing_entries_before']} -> {s['routing_entries_after']} after "
          f"compression; worst chip {s['worst_chip']} with {s['worst_chip_entries']} of "
          f"{s['router_limit']}")
    st = sim.simulator.state
    print("stages: " + ", ".join(f"{k} {v:.3f} s" for k, v in st.timings.items())
          + " (map = " + ", ".join(f"{k} {v:.3f}" for k, v in st.mapping.times.items()) + ")")
    prov = sim.provenance()
    print(f"provenance: {prov['synaptic_events']} synaptic events, {prov['dropped_packets']} "
          f"dropped packets, {prov['ring_saturations']} ring saturations, "
          f"{prov['cores_overrunning']} cores would overrun real time (worst "
          f"{prov['max_cycles_per_tick']} of {prov['cycle_budget_per_tick']} cycles per tick)")
rates = {}
for label, seg in data.items():
    n_spikes = sum(len(st) for st in seg.spiketrains)
    rates[label] = n_spikes / len(seg.spiketrains) / (args.duration / 1000.0)
print(f"rates: excitatory {rates['excitatory']:.2f} Hz, inhibitory {rates['inhibitory']:.2f} Hz")
print(f"time: build {t_build:.2f} s, run (map + load + emulate) {t_run:.2f} s, "
      f"extract {t_extract:.2f} s")

if args.json:
    import json
    out = {"simulator": sim.__name__, "n": args.n, "synapses": n_syn, "build": t_build,
           "run": t_run, "extract": t_extract, "rates": rates}
    if hasattr(sim, "mapping_summary"):
        out.update(stages=sim.simulator.state.timings, mapping=sim.mapping_summary(),
                   provenance=sim.provenance())
    with open(args.json, "w") as f:
        json.dump(out, f, indent=1, default=str)

if args.plot:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 4))
    offset = 0
    for label, color in (("excitatory", "tab:blue"), ("inhibitory", "tab:red")):
        seg = data[label]
        for i, st in enumerate(seg.spiketrains[:200]):
            ax.plot(st.times, [offset + i] * len(st), ".", ms=1, color=color)
        offset += 200
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron (200 exc, 200 inh)")
    ax.set_title(f"CUBA on {sim.__name__}: exc {rates['excitatory']:.1f} Hz, "
                 f"inh {rates['inhibitory']:.1f} Hz")
    pathlib.Path(args.plot).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(args.plot, dpi=100)
    print(f"raster saved to {args.plot}")
sim.end()
