"""CUBA-STDP: benchmark 5 of the simulator review (Brette et al. 2007) in PyNN.

NEST's ``pynest/examples/brette_et_al_2007/cuba_stdp.py``: a Brunel-type network of
NE = 9000 excitatory and NI = 2250 inhibitory IF_curr_exp neurons (NEST's iaf_psc_exp:
v_rest = v_reset = 0 mV, threshold 20 mV, cm 250 pF, tau_m 20 ms, tau_syn 2 ms,
refractory 2 ms), each receiving CE = 900 excitatory and CI = 225 inhibitory inputs
(FixedNumberPreConnector: 10 % of the full network), JE = 35 pA, inhibitory -g JE with
g = 5, every delay 1.5 ms, dt = 0.1 ms, and each neuron its own Poisson drive of
4050 Hz at JE. E->E synapses learn: NEST's stdp_synapse with its defaults (lambda 0.01,
mu 1, tau_plus 20 ms; the post cells' tau_minus 20 ms) and alpha = 1.05, Wmax = 2 JE,
i.e. in PyNN ``SpikePairRule(tau_plus=20, tau_minus=20, A_plus=0.01, A_minus=0.0105)``
with ``MultiplicativeWeightDependence(w_min=0, w_max=2 JE)``; initial E->E weights
normal(JE, 3 pA). Initial V normal(7 mV, 5 mV), below threshold.

    python examples/cuba_stdp.py [--scale 1] [--duration 2000] [--simulator neurochip|nest]

--scale shrinks the populations but keeps the in-degrees (so it must be above 0.1);
--record sets how many neurons of each population are recorded (500, as NEST's script).
It prints the rates and the mean and spread of the E->E weights before and after
learning, and saves the raster and the weight histograms (out/cuba_stdp.png).
``--simulator nest`` runs the same script on NEST (or change ``pyNN.neurochip`` to
``pyNN.nest`` in the import line).

In fixed point this network fires about 14 % less than in float and on NEST (6.5-7.0 Hz against
7.2-8.4 Hz at scale 0.2 over seeds), and that is the weights, not the arithmetic: the ring's
16 bits hold JE = 35 pA as 35.156 pA for the drive and E->I (+0.45 %) and the inhibition as
174.8 pA (-0.11 %), and this synchronous network's rate moves by ~15 % for that. With JE =
35.15625 pA, which the ring holds exactly, fixed and float agree (8.89/8.91, 8.06/7.86,
8.62/8.08 Hz over three seeds), and float with the machine's rounded weights gives the fixed
rates. ``neurochip compare`` shows such differences for any script.
"""

import numpy as np
from pyNN.random import NumpyRNG, RandomDistribution

from neurochip.example_tools import (
    Stopwatch,
    example_parser,
    figure,
    report,
    setup_options,
    spike_raster,
)

parser = example_parser(__doc__, duration=2000.0, seed=238)
parser.add_argument("--simulator", default="neurochip", choices=["neurochip", "nest"])
parser.add_argument("--record", type=int, default=500,
                    help="neurons recorded per population (0: all)")
parser.add_argument("--bins", type=int, default=50, help="bins of the weight histogram")
args = parser.parse_args()
if args.simulator == "nest":
    import pyNN.nest as sim
else:
    import pyNN.neurochip as sim

NE, NI = int(round(9000 * args.scale)), int(round(2250 * args.scale))
CE, CI = 900, 225
if NE <= CE:
    parser.error(f"--scale {args.scale}: NE = {NE} must exceed the in-degree CE = {CE}")
JE = 0.035                     # nA (35 pA)
G = 5.0
DELAY = 1.5                    # ms
W_MAX = 2.0 * JE
SIGMA_W = 0.003                # nA, spread of the initial E->E weights
RATE_EXT = 900.0 * 4.5         # Hz, each neuron's Poisson drive

dt = 0.1
clock = Stopwatch()
sim.setup(timestep=dt, min_delay=dt, **setup_options(sim, args))

cell = sim.IF_curr_exp(cm=0.25, tau_m=20.0, v_rest=0.0, v_reset=0.0, v_thresh=20.0,
                       tau_refrac=2.0, tau_syn_E=2.0, tau_syn_I=2.0, i_offset=0.0)
rng = NumpyRNG(seed=args.seed)
exc = sim.Population(NE, cell, label="excitatory")
inh = sim.Population(NI, cell, label="inhibitory")
for pop in (exc, inh):
    pop.initialize(v=RandomDistribution("normal_clipped", mu=7.0, sigma=5.0, low=-1e9,
                                        high=19.9, rng=rng))
    (pop if args.record == 0 else pop[:min(args.record, pop.size)]).record("spikes")

for pop in (exc, inh):  # one Poisson source per neuron (NEST: one generator, all-to-all)
    drive = sim.Population(pop.size, sim.SpikeSourcePoisson(rate=RATE_EXT),
                           label=f"drive_{pop.label}")
    sim.Projection(drive, pop, sim.OneToOneConnector(),
                   sim.StaticSynapse(weight=JE, delay=DELAY), receptor_type="excitatory")

stdp = sim.STDPMechanism(
    timing_dependence=sim.SpikePairRule(tau_plus=20.0, tau_minus=20.0, A_plus=0.01,
                                        A_minus=0.0105),
    weight_dependence=sim.MultiplicativeWeightDependence(w_min=0.0, w_max=W_MAX),
    weight=RandomDistribution("normal", mu=JE, sigma=SIGMA_W, rng=rng),  # 0 and w_max: 11 sd
    delay=DELAY)
conn_e = sim.FixedNumberPreConnector(CE, allow_self_connections=False, rng=rng)
conn_i = sim.FixedNumberPreConnector(CI, allow_self_connections=False, rng=rng)
ee = sim.Projection(exc, exc, conn_e, stdp, receptor_type="excitatory", label="E->E")
prjs = [ee,
        sim.Projection(exc, inh, conn_e, sim.StaticSynapse(weight=JE, delay=DELAY),
                       receptor_type="excitatory"),
        sim.Projection(inh, exc, conn_i, sim.StaticSynapse(weight=-G * JE, delay=DELAY),
                       receptor_type="inhibitory"),
        sim.Projection(inh, inh, conn_i, sim.StaticSynapse(weight=-G * JE, delay=DELAY),
                       receptor_type="inhibitory")]
w_initial = np.asarray(ee.get("weight", format="list", with_address=False), float)
clock.lap("build")

sim.run(args.duration)
clock.lap("run")

trains = {pop.label: pop.get_data("spikes").segments[0].spiketrains for pop in (exc, inh)}
w_final = np.asarray(ee.get("weight", format="list", with_address=False), float)
clock.lap("extract")

counts, edges = np.histogram(w_final, bins=args.bins, range=(0.0, W_MAX))
weights = {"unit": "nA", "w_max": W_MAX, "n": int(len(w_final)),
           "initial_mean": float(w_initial.mean()), "initial_std": float(w_initial.std()),
           "mean": float(w_final.mean()), "std": float(w_final.std()),
           "min": float(w_final.min()), "max": float(w_final.max()),
           "at_bounds": int(np.sum((w_final <= 0.0) | (w_final >= W_MAX))),
           "histogram": {"edges": edges.tolist(), "counts": counts.tolist()}}
n_syn = sum(len(p) for p in prjs)
res = report(sim, f"CUBA-STDP ({NE + NI} neurons, {n_syn} synapses, {len(ee)} plastic)",
             trains, args, clock.times, extra={"n": NE + NI, "synapses": n_syn, "weights": weights})
print(f"  E->E weights: mean {1e3 * weights['initial_mean']:.3f} -> {1e3 * weights['mean']:.3f} pA, "
      f"std {1e3 * weights['initial_std']:.3f} -> {1e3 * weights['std']:.3f} pA, range "
      f"[{1e3 * weights['min']:.3f}, {1e3 * weights['max']:.3f}] pA, {weights['at_bounds']} at a "
      f"bound (w_max {1e3 * W_MAX:g} pA)")
if "mapping" in res and "plastic_synapses" in res["mapping"]:
    m = res["mapping"]
    print(f"  machine image: {m['plastic_synapses']} plastic synapses in {4 * m['plastic_words']} "
          f"bytes of plastic rows, {m['plastic_bytes_per_synapse']:.2f} bytes per synapse "
          f"(4-byte word + row headers and padding)")

with figure(args, __file__, "cuba_stdp.png", ncols=2, figsize=(11, 4)) as axes:
    if axes is not None:  # None: no figure (--plot '')
        ax, axw = axes
        spike_raster(ax, trains["excitatory"][:200], marker=".", ms=1, color="tab:blue")
        spike_raster(ax, trains["inhibitory"][:200], offset=200, marker=".", ms=1,
                     color="tab:red")
        ax.set(xlabel="time (ms)", ylabel="neuron (200 exc, 200 inh)", xlim=(0, args.duration),
               title=f"CUBA-STDP on {sim.__name__}: exc {res['rates']['excitatory']:.1f} Hz, "
                     f"inh {res['rates']['inhibitory']:.1f} Hz")
        axw.hist(1e3 * w_initial, bins=1e3 * edges, histtype="step", label="initial")
        axw.hist(1e3 * w_final, bins=1e3 * edges, histtype="step", label="final")
        axw.set(xlabel="E->E weight (pA)", ylabel="synapses", yscale="log",
                title=f"after {args.duration:g} ms")
        axw.legend()
sim.end()
