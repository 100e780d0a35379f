"""Brunel (2000) sparse balanced network, asynchronous irregular regime (fig. 8C), in PyNN.

NE = 10000 excitatory and NI = 2500 inhibitory integrate-and-fire neurons at full
size, each receiving CE = 1000 excitatory and CI = 250 inhibitory inputs
(FixedNumberPreConnector, no self connections), J = 0.1 mV, g = 5, eta = 2,
delay 1.5 ms, theta = 20 mV, V_r = 10 mV, tau_m = 20 ms, tau_rp = 2 ms, dt = 0.1 ms.
The original uses delta synapses; here IF_curr_exp with tau_syn = 0.5 ms and a
weight chosen so that the slow (tau_m) tail of the PSP equals a J jump:
w = J cm (tau_m - tau_syn) / (tau_syn tau_m). The external drive, CE inputs at
nu_ext = eta theta / (J CE tau_m) each, weight J, is by default one Poisson source
per neuron at CE nu_ext (20 kHz, OneToOneConnector), as NEST's own Brunel example
does it; on neurochip these sources run on their targets' cores. With --k-ext K
it comes instead from a pool of NE Poisson sources, every neuron getting K of them
(FixedNumberPreConnector) at CE nu_ext / K Hz each: the same total rate, sent
as packets (0.25 G more synaptic events at full size).

    python examples/brunel.py [--scale 1.0] [--duration 1000] [--arithmetic fixed|float]

--scale shrinks the populations (and the Poisson pool) but keeps the in-degrees, so it
must be above 0.1 (NE > CE).
Change ``pyNN.neurochip`` to ``pyNN.nest`` in the import line to run it on NEST.
"""

import argparse
import time

import pyNN.neurochip as sim
from pyNN.random import NumpyRNG, RandomDistribution

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--scale", type=float, default=1.0, help="fraction of NE=10000, NI=2500")
parser.add_argument("--duration", type=float, default=1000.0, help="ms")
parser.add_argument("--arithmetic", default="fixed", choices=["fixed", "float"])
parser.add_argument("--threads", type=int, default=None, help="emulator threads (neurochip)")
parser.add_argument("--g", type=float, default=5.0, help="relative inhibition")
parser.add_argument("--eta", type=float, default=2.0, help="external rate / threshold rate")
parser.add_argument("--k-ext", type=int, default=0, help="Poisson inputs per neuron from a "
                    "shared pool (0: one source per neuron at the whole external rate)")
parser.add_argument("--record", type=int, default=500, help="excitatory neurons recorded "
                    "(and a quarter as many inhibitory)")
parser.add_argument("--plot", default="", help="raster plot file ('' for none)")
parser.add_argument("--seed", type=int, default=12345)
parser.add_argument("--json", default="", help="also write the figures to this JSON file")
args = parser.parse_args()

dt = 0.1
NE = max(1, int(round(10000 * args.scale)))
NI = max(1, int(round(2500 * args.scale)))
CE, CI = 1000, 250
if CE >= NE or CI >= NI:  # no self connections
    parser.error(f"--scale {args.scale}: NE={NE}, NI={NI} is too few for CE={CE}, CI={CI}")
J, g, eta, delay = 0.1, args.g, args.eta, 1.5           # mV, -, -, ms
tau_m, tau_syn, cm, theta, v_reset, tau_rp = 20.0, 0.5, 0.25, 20.0, 10.0, 2.0
w_exc = J * cm * (tau_m - tau_syn) / (tau_syn * tau_m)   # nA
w_inh = -g * w_exc
nu_thr = theta / (J * CE * tau_m) * 1000.0               # Hz per external input
nu_ext = eta * nu_thr
rate_src = CE * nu_ext / max(args.k_ext, 1)             # Hz per external source

extra = ({"arithmetic": args.arithmetic, "threads": args.threads}
         if sim.__name__.endswith("neurochip") else {})
t0 = time.perf_counter()
sim.setup(timestep=dt, min_delay=dt, max_delay=delay, **extra)
cell = sim.IF_curr_exp(tau_m=tau_m, cm=cm, v_rest=0.0, v_thresh=theta, v_reset=v_reset,
                       tau_refrac=tau_rp, tau_syn_E=tau_syn, tau_syn_I=tau_syn, i_offset=0.0)
rng = NumpyRNG(seed=args.seed)
exc = sim.Population(NE, cell, label="excitatory")
inh = sim.Population(NI, cell, label="inhibitory")
for pop in (exc, inh):
    pop.initialize(v=RandomDistribution("uniform", low=0.0, high=theta, rng=rng))
rec = {"excitatory": exc[:min(args.record, NE)],
       "inhibitory": inh[:min(max(1, args.record // 4), NI)]}
for view in rec.values():
    view.record("spikes")

prjs = []
for pre, n_in, w, receptor in ((exc, CE, w_exc, "excitatory"), (inh, CI, w_inh, "inhibitory")):
    conn = sim.FixedNumberPreConnector(n_in, allow_self_connections=False, rng=rng)
    for post in (exc, inh):
        prjs.append(sim.Projection(pre, post, conn, sim.StaticSynapse(weight=w, delay=delay),
                                   receptor_type=receptor))
if args.k_ext:  # a shared pool: every neuron draws k_ext sources
    pool = sim.Population(NE, sim.SpikeSourcePoisson(rate=rate_src), label="poisson")
    conn = sim.FixedNumberPreConnector(args.k_ext, rng=rng)
    for post in (exc, inh):
        prjs.append(sim.Projection(pool, post, conn, sim.StaticSynapse(weight=w_exc, delay=delay),
                                   receptor_type="excitatory"))
else:  # one source per neuron at the whole external rate
    for post in (exc, inh):
        drive = sim.Population(post.size, sim.SpikeSourcePoisson(rate=rate_src),
                               label=f"{post.label} drive")
        prjs.append(sim.Projection(drive, post, sim.OneToOneConnector(),
                                   sim.StaticSynapse(weight=w_exc, delay=delay),
                                   receptor_type="excitatory"))
t_build = time.perf_counter() - t0

t1 = time.perf_counter()
sim.run(args.duration)
t_run = time.perf_counter() - t1

t2 = time.perf_counter()
data = {label: view.get_data("spikes").segments[0] for label, view in rec.items()}
t_extract = time.perf_counter() - t2

n_syn = sum(len(p) for p in prjs[:4])
n_ext = sum(len(p) for p in prjs[4:])
rates = {}
for label, seg in data.items():
    n_spikes = sum(len(st) for st in seg.spiketrains)
    rates[label] = n_spikes / len(seg.spiketrains) / (args.duration / 1000.0)
# recurrent events estimated from the recorded rates; external ones from the Poisson rate
est_events = (NE + NI) * (CE * rates["excitatory"] + CI * rates["inhibitory"]
                          + CE * nu_ext) * args.duration / 1000.0
drive_text = (f"{n_ext} from a pool of {NE} Poisson sources at {rate_src:g} Hz" if args.k_ext
              else f"one Poisson source per neuron at {rate_src:g} Hz")
print(f"Brunel (g={g:g}, eta={eta:g}): {NE}+{NI} neurons (scale {args.scale:g}), {n_syn} "
      f"recurrent synapses + {drive_text}, {args.duration:g} ms at dt={dt} ms")
prov = None
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
    print(f"emulator: {prov['synaptic_events'] / st.timings['emulate'] / 1e6:.1f} M synaptic "
          f"events/s")
print(f"rates (recorded {len(data['excitatory'].spiketrains)} exc, "
      f"{len(data['inhibitory'].spiketrains)} inh): excitatory {rates['excitatory']:.2f} Hz, "
      f"inhibitory {rates['inhibitory']:.2f} Hz")
print(f"synaptic events (estimated from the rates): {est_events:.3g}, "
      f"{est_events / t_run / 1e6:.1f} M/s of run time")
print(f"time: build {t_build:.2f} s, run {t_run:.2f} s, extract {t_extract:.2f} s")

if args.json:
    import json
    out = {"simulator": sim.__name__, "n": NE + NI, "scale": args.scale, "synapses": n_syn + n_ext,
           "recurrent_synapses": n_syn, "build": t_build, "run": t_run, "extract": t_extract,
           "rates": rates, "estimated_events": est_events}
    if hasattr(sim, "mapping_summary"):
        out.update(stages=sim.simulator.state.timings, mapping=sim.mapping_summary(),
                   provenance=prov)
    with open(args.json, "w") as f:
        json.dump(out, f, indent=1, default=str)

if args.plot:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8, 4))
    offset = 0
    for label, color in (("excitatory", "tab:blue"), ("inhibitory", "tab:red")):
        for i, st in enumerate(data[label].spiketrains[:200]):
            ax.plot(st.times, [offset + i] * len(st), ".", ms=1, color=color)
        offset += min(200, len(data[label].spiketrains))
    ax.set_xlabel("time (ms)")
    ax.set_ylabel("neuron")
    ax.set_title(f"Brunel on {sim.__name__}: exc {rates['excitatory']:.1f} Hz, "
                 f"inh {rates['inhibitory']:.1f} Hz")
    fig.savefig(args.plot, dpi=100)
    print(f"raster saved to {args.plot}")
sim.end()
