"""The cortical microcircuit of Potjans & Diesmann (2014) in PyNN.

Eight populations, excitatory (E) and inhibitory (I) in layers 2/3, 4, 5 and 6, 77,169
IF_curr_exp neurons at full scale (tau_m 10 ms, C_m 250 pF, V_rest = V_reset = -65 mV,
threshold -50 mV, refractory 2 ms, tau_syn 0.5 ms), connected with the model's
connection probabilities C (target x source): the total number of synapses of each pair,
ln(1 - C) / ln(1 - 1 / (N_pre N_post)), drawn with FixedTotalNumberConnector
(multapses allowed, as NEST's fixed_total_number). Weights: the current of a 0.15 mV PSP
(87.8 pA), twice that for L4E -> L2/3E, g = -4 times that from inhibitory cells, each
normal with a relative spread of 10 % and clipped at 0 (the sign kept); delays normal
1.5 +- 0.75 ms from excitatory and 0.75 +- 0.375 ms from inhibitory cells, clipped at dt.
Background: each neuron its own Poisson drive of K_ext x 8 Hz at 87.8 pA (delay 1.5 ms),
or with ``--input dc`` the constant current of the same mean, K_ext x 8 Hz x 87.8 pA x
tau_syn. Initial V per population normal (the reference's "optimized" means and spreads;
``--v0 original``: -58 +- 10 mV for every cell).

--scale s sets both the neuron numbers (round(s N)) and the in-degrees (x s, so s^2 of
the synapses), as the PyNN and NEST versions (OpenSourceBrain/PotjansDiesmann2014,
INM-6/microcircuit-PD14-model) do: weights (recurrent and external) grow by 1/sqrt(s) to
keep the variance of the input, and a DC current, tau_syn (1 - sqrt(s)) times the mean
input of the full-scale network at its published rates (recurrent, plus external with
Poisson input), puts the mean back. Rates are comparable to the full model's only
approximately at small scales.

    python examples/microcircuit.py [--scale 0.1] [--duration 1000] [--input poisson|dc]
                                    [--simulator neurochip|nest] [--arithmetic fixed|float]

It prints the connections of each projection, per-population rates (with CV of ISI)
beside the published ones, and the stage times, and saves a raster of 5 % of the cells
(at most 100 per population) and the rates (out/microcircuit.png).
``--simulator nest`` runs the same script on NEST (or change ``pyNN.neurochip`` to
``pyNN.nest`` in the import line).
"""

import numpy as np
from pyNN.random import NumpyRNG, RandomDistribution

from neurochip.example_tools import (
    Stopwatch,
    example_parser,
    figure,
    report,
    save_json,
    setup_options,
    spike_raster,
)

POPS = ["L23E", "L23I", "L4E", "L4I", "L5E", "L5I", "L6E", "L6I"]
N_FULL = np.array([20683, 5834, 21915, 5479, 4850, 1065, 14395, 2948])
# connection probabilities, rows: target, columns: source (order of POPS)
CONN_PROBS = np.array([
    [0.1009, 0.1689, 0.0437, 0.0818, 0.0323, 0.0, 0.0076, 0.0],
    [0.1346, 0.1371, 0.0316, 0.0515, 0.0755, 0.0, 0.0042, 0.0],
    [0.0077, 0.0059, 0.0497, 0.135, 0.0067, 0.0003, 0.0453, 0.0],
    [0.0691, 0.0029, 0.0794, 0.1597, 0.0033, 0.0, 0.1057, 0.0],
    [0.1004, 0.0622, 0.0505, 0.0057, 0.0831, 0.3726, 0.0204, 0.0],
    [0.0548, 0.0269, 0.0257, 0.0022, 0.06, 0.3158, 0.0086, 0.0],
    [0.0156, 0.0066, 0.0211, 0.0166, 0.0572, 0.0197, 0.0396, 0.2252],
    [0.0364, 0.001, 0.0034, 0.0005, 0.0277, 0.008, 0.0658, 0.1443]])
K_EXT = np.array([1600, 1500, 2100, 1900, 2000, 1900, 2900, 2100])   # external in-degrees
# full-scale rates (Hz) of the reference implementation, used by the scaling compensation
FULL_RATES = np.array([0.903, 2.965, 4.414, 5.876, 7.569, 8.633, 1.105, 7.829])
V0_MEAN = np.array([-68.28, -63.16, -63.33, -63.45, -63.11, -61.66, -66.72, -61.43])  # mV
V0_STD = np.array([5.36, 4.57, 4.74, 4.94, 4.94, 4.55, 5.46, 4.48])
CELL = dict(cm=0.25, tau_m=10.0, v_rest=-65.0, v_reset=-65.0, v_thresh=-50.0,
            tau_refrac=2.0, tau_syn_E=0.5, tau_syn_I=0.5)                       # nF, ms, mV
PSP_EXC = 0.15          # mV, peak PSP of an excitatory synapse
G = -4.0
W_REL_STD = 0.1
DELAY_E, DELAY_I, DELAY_REL_STD = 1.5, 0.75, 0.5   # ms
BG_RATE = 8.0           # Hz per external input
DELAY_EXT = 1.5         # ms


def psc_of_psp(psp, cm, tau_m, tau_s):
    """Amplitude (nA) of the exponential current whose PSP peaks at ``psp`` (mV): a current
    J e^(-t/tau_s) gives V(t) = J tau_m tau_s / (cm (tau_m - tau_s)) (e^(-t/tau_m) - e^(-t/tau_s))."""
    t_peak = tau_m * tau_s / (tau_m - tau_s) * np.log(tau_m / tau_s)
    v_per_na = tau_m * tau_s / (cm * (tau_m - tau_s)) * (np.exp(-t_peak / tau_m)
                                                        - np.exp(-t_peak / tau_s))
    return psp / v_per_na


def full_synapses():
    """Synapses of each (target, source) pair in the full model: the number K of
    independent draws that connects a given pair with probability C."""
    pairs = np.outer(N_FULL, N_FULL).astype(float)
    return np.log(1.0 - CONN_PROBS) / np.log(1.0 - 1.0 / pairs)


def scaled_network(scale, dc_input):
    """Neurons, synapses, weights (nA, target x source), external in-degrees and weight,
    and the DC current (nA) of each population at ``scale``."""
    n = np.maximum(1, np.round(N_FULL * scale)).astype(int)
    syn_full = full_synapses()
    n_syn = np.round(syn_full * scale * scale).astype(int)
    k_ext = np.round(K_EXT * scale).astype(int)
    w0 = psc_of_psp(PSP_EXC, CELL["cm"], CELL["tau_m"], CELL["tau_syn_E"])
    w = np.tile(np.array([w0, G * w0] * 4), (8, 1))
    w[0, 2] *= 2.0                                          # L4E -> L2/3E
    tau = CELL["tau_syn_E"] * 1e-3                           # s
    dc = K_EXT * BG_RATE * w0 * tau if dc_input else np.zeros(8)
    if scale != 1.0:  # 1/sqrt(K) weights, the lost mean input as DC (full-scale rates)
        indegree = syn_full / N_FULL[:, None]
        missing = (w * indegree * FULL_RATES).sum(axis=1)
        if not dc_input:
            missing = missing + K_EXT * BG_RATE * w0
        dc = dc + tau * (1.0 - np.sqrt(scale)) * missing
        w, w_ext = w / np.sqrt(scale), w0 / np.sqrt(scale)
    else:
        w_ext = w0
    return n, n_syn, w, k_ext, w_ext, dc


parser = example_parser(__doc__, duration=1000.0, seed=55, transient=200.0)
parser.set_defaults(scale=0.1)
parser.add_argument("--simulator", default="neurochip", choices=["neurochip", "nest"])
parser.add_argument("--input", default="poisson", choices=["poisson", "dc"],
                    help="background: Poisson drive or its mean as DC")
parser.add_argument("--v0", default="optimized", choices=["optimized", "original"],
                    help="initial V: per population (reference) or -58 +- 10 mV")
args = parser.parse_args()
if args.simulator == "nest":
    import pyNN.nest as sim
else:
    import pyNN.neurochip as sim

dt = 0.1
n, n_syn, w, k_ext, w_ext, dc = scaled_network(args.scale, args.input == "dc")
clock = Stopwatch()
sim.setup(timestep=dt, min_delay=dt, max_delay=10.0, **setup_options(sim, args))
rng = NumpyRNG(seed=args.seed)
pops = []
for i, label in enumerate(POPS):
    pop = sim.Population(int(n[i]), sim.IF_curr_exp(i_offset=float(dc[i]), **CELL), label=label)
    mu, sd = (V0_MEAN[i], V0_STD[i]) if args.v0 == "optimized" else (-58.0, 10.0)
    pop.initialize(v=RandomDistribution("normal", mu=mu, sigma=sd, rng=rng))
    pop.record("spikes")
    pops.append(pop)

prjs = {}
for i, post in enumerate(pops):
    for j, pre in enumerate(pops):
        if n_syn[i, j] == 0:
            continue
        exc = j % 2 == 0
        lo, hi = (0.0, np.inf) if exc else (-np.inf, 0.0)
        # weights and delays each from a generator of their own, per projection: PyNN draws
        # a synapse parameter from a copy of its distribution's generator, taken before the
        # connector draws, so with the connector's rng for all three every synapse's delay
        # would reuse its weight's normal number (correlation 1; so does pyNN.nest), and a
        # generator shared by the projections' weights would give each the same numbers
        k = 8 * i + j + 1
        weight = RandomDistribution("normal_clipped", mu=w[i, j], sigma=abs(w[i, j]) * W_REL_STD,
                                    low=lo, high=hi, rng=NumpyRNG(seed=args.seed + 1000 * k))
        d = DELAY_E if exc else DELAY_I
        delay = RandomDistribution("normal_clipped", mu=d, sigma=d * DELAY_REL_STD, low=dt,
                                   high=10.0, rng=NumpyRNG(seed=args.seed + 1000 * k + 500))
        prjs[f"{pre.label}->{post.label}"] = sim.Projection(
            pre, post, sim.FixedTotalNumberConnector(int(n_syn[i, j]), rng=rng),
            sim.StaticSynapse(weight=weight, delay=delay),
            receptor_type="excitatory" if exc else "inhibitory")
if args.input == "poisson":  # one source per neuron at K_ext x 8 Hz
    for i, post in enumerate(pops):
        drive = sim.Population(post.size, sim.SpikeSourcePoisson(rate=BG_RATE * k_ext[i]),
                               label=f"{post.label} background")
        sim.Projection(drive, post, sim.OneToOneConnector(),
                       sim.StaticSynapse(weight=w_ext, delay=DELAY_EXT),
                       receptor_type="excitatory")
clock.lap("build")

sim.run(args.duration)
clock.lap("run")

trains = {pop.label: pop.get_data("spikes").segments[0].spiketrains for pop in pops}
clock.lap("extract")

counts = {k: len(p) for k, p in prjs.items()}
say = print if sim.rank() == 0 else (lambda *a, **k: None)  # under mpirun: rank 0 speaks
say(f"microcircuit at scale {args.scale:g}: {int(n.sum())} neurons, {sum(counts.values())} "
      f"recurrent synapses; {args.input} background, DC (pA) "
      + " ".join(f"{p} {1e3 * a:.1f}" for p, a in zip(POPS, dc)))
res = report(sim, f"Potjans-Diesmann microcircuit (scale {args.scale:g}, {args.input} input)",
             trains, args, clock.times, save=False,
             extra={"n": int(n.sum()), "scale": args.scale,
                    "synapses": sum(counts.values()) + (int(n.sum()) if args.input == "poisson"
                                                        else 0),
                    "recurrent_synapses": sum(counts.values()), "connections": counts,
                    "expected_connections": {f"{POPS[j]}->{POPS[i]}": int(n_syn[i, j])
                                             for i in range(8) for j in range(8) if n_syn[i, j]},
                    "dc_nA": dict(zip(POPS, dc.tolist())), "weight_ext_nA": w_ext,
                    "full_rates": dict(zip(POPS, FULL_RATES.tolist()))})
rates = res["rates"]
say("  rate vs full-scale reference: " + ", ".join(
    f"{p} {rates[p]:.2f}/{r:.2f}" for p, r in zip(POPS, FULL_RATES)) + " Hz")
# synaptic events for benchmarks/run.py: recurrent ones from the rates, external from K_ext 8 Hz
ext = (n * k_ext * BG_RATE).sum() if args.input == "poisson" else 0.0
res["estimated_events"] = float(sum(counts[f"{POPS[j]}->{POPS[i]}"] * rates[POPS[j]]
                                    for i in range(8) for j in range(8) if n_syn[i, j])
                                + ext) * args.duration / 1000.0
# benchmarks/run.py's table shows an excitatory and an inhibitory rate
res["rates"]["excitatory"] = float(np.average([rates[p] for p in POPS[::2]], weights=n[::2]))
res["rates"]["inhibitory"] = float(np.average([rates[p] for p in POPS[1::2]], weights=n[1::2]))
save_json(args, res)

with figure(args, __file__, "microcircuit.png", ncols=2, figsize=(11, 5),
            gridspec_kw={"width_ratios": [3, 2]}) as axes:
    if axes is not None:
        ax, axr = axes
        t0, t1 = max(args.transient, args.duration - 200.0), args.duration
        offset, ticks = 0, []
        for k, p in enumerate(POPS):
            shown = trains[p][:min(100, max(1, int(round(0.05 * len(trains[p])))))]
            clipped = [st.time_slice(t0, t1) for st in shown]
            spike_raster(ax, clipped, offset=-offset - len(shown), marker=".", ms=1,
                         color="tab:blue" if k % 2 == 0 else "tab:red")
            ticks.append(-offset - len(shown) / 2)
            offset += len(shown)
        ax.set(xlim=(t0, t1), yticks=ticks, yticklabels=POPS, xlabel="time (ms)",
               title=f"microcircuit, scale {args.scale:g}, {args.input} input, on "
                     f"{sim.__name__.split('.')[-1]}")
        y = np.arange(8)
        axr.barh(y + 0.2, [rates[p] for p in POPS], 0.4, label=f"this run ({args.simulator})")
        axr.barh(y - 0.2, FULL_RATES, 0.4, label="reference, full scale")
        axr.set(yticks=y, yticklabels=POPS, xlabel="rate (Hz)", title="rates")
        axr.invert_yaxis()
        axr.legend(fontsize=8)
sim.end()
