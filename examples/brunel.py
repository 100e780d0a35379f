"""Brunel (2000) sparse network of excitatory and inhibitory neurons, fig. 8 panels A-D, in PyNN.

NE = 10000 excitatory and NI = 2500 inhibitory integrate-and-fire neurons at full
size, each receiving CE = 1000 excitatory and CI = 250 inhibitory inputs
(FixedNumberPreConnector, no self connections), J = 0.1 mV, delay 1.5 ms,
theta = 20 mV, V_r = 10 mV, tau_m = 20 ms, tau_rp = 2 ms, dt = 0.1 ms. The panels
set the relative inhibition g and the external rate eta = nu_ext / nu_thr:

    A  g = 3,   eta = 2    synchronous regular (SR)
    B  g = 6,   eta = 4    synchronous irregular, fast oscillation (SI-fast)
    C  g = 5,   eta = 2    asynchronous irregular (AI)
    D  g = 4.5, eta = 0.9  synchronous irregular, slow oscillation (SI-slow)

The original uses delta synapses (--synapse delta: IF_curr_delta, weight J in mV);
by default IF_curr_exp with tau_syn = 0.5 ms and a weight chosen so that the slow
(tau_m) tail of the PSP equals a J jump: w = J cm (tau_m - tau_syn) / (tau_syn tau_m).
The external drive, CE inputs at nu_ext = eta theta / (J CE tau_m) each, weight J,
is by default one Poisson source per neuron at CE nu_ext (OneToOneConnector), as
NEST's own Brunel example does it; on neurochip these sources run on their targets'
cores. With --k-ext K it comes instead from a pool of NE Poisson sources, every neuron
getting K of them (FixedNumberPreConnector) at CE nu_ext / K Hz each.

As the Brian 2 example of fig. 8 draws it, the figure (out/brunel_<panel>.png) shows
50 random cells and the population rate in the panel's time window; the statistics
are those of neurochip.analysis, with Brunel's regime.

    python examples/brunel.py [--panel A|B|C|D] [--scale 1.0] [--duration ms]
                              [--arithmetic fixed|float] [--synapse exp|delta]

--scale shrinks the populations (and the Poisson pool) but keeps the in-degrees, so it
must be above 0.1 (NE > CE).
Change ``pyNN.neurochip`` to ``pyNN.nest`` in the import line to run it on NEST.
"""

import pyNN.neurochip as sim
from pyNN.random import NumpyRNG, RandomDistribution

from neurochip.example_tools import (
    Stopwatch,
    example_parser,
    raster_and_rate,
    report,
    save_json,
    setup_options,
)

# g, eta, time window and rate axis of the Brian 2 example's figure
PANELS = {"A": (3.0, 2.0, (500, 600), 6000), "B": (6.0, 4.0, (1000, 1200), 400),
          "C": (5.0, 2.0, (1000, 1200), 200), "D": (4.5, 0.9, (1000, 1200), 250)}

parser = example_parser(__doc__, duration=None, seed=12345, transient=100.0)
parser.add_argument("--panel", default="C", choices=sorted(PANELS))
parser.add_argument("--g", type=float, default=None, help="relative inhibition (default: panel's)")
parser.add_argument("--eta", type=float, default=None, help="nu_ext / nu_thr (default: panel's)")
parser.add_argument("--synapse", default="exp", choices=["exp", "delta"])
parser.add_argument("--k-ext", type=int, default=0, help="Poisson inputs per neuron from a "
                    "shared pool (0: one source per neuron at the whole external rate)")
parser.add_argument("--record", type=int, default=0, help="excitatory neurons recorded "
                    "(and a quarter as many inhibitory); 0: all")
args = parser.parse_args()
g_panel, eta_panel, window, rate_max = PANELS[args.panel]
g = g_panel if args.g is None else args.g
eta = eta_panel if args.eta is None else args.eta
if args.duration is None:
    args.duration = float(window[1])

dt = 0.1
NE = max(1, int(round(10000 * args.scale)))
NI = max(1, int(round(2500 * args.scale)))
CE, CI = 1000, 250
if CE >= NE or CI >= NI:  # no self connections
    parser.error(f"--scale {args.scale}: NE={NE}, NI={NI} is too few for CE={CE}, CI={CI}")
J, delay = 0.1, 1.5                                      # mV, ms
tau_m, tau_syn, cm, theta, v_reset, tau_rp = 20.0, 0.5, 0.25, 20.0, 10.0, 2.0
nu_thr = theta / (J * CE * tau_m) * 1000.0               # Hz per external input
nu_ext = eta * nu_thr
rate_src = CE * nu_ext / max(args.k_ext, 1)             # Hz per external source

clock = Stopwatch()
sim.setup(timestep=dt, min_delay=dt, max_delay=delay, **setup_options(sim, args))
common = dict(tau_m=tau_m, cm=cm, v_rest=0.0, v_thresh=theta, v_reset=v_reset,
              tau_refrac=tau_rp, i_offset=0.0)
if args.synapse == "delta":
    cell, w_exc = sim.IF_curr_delta(**common), J                    # mV
else:
    cell = sim.IF_curr_exp(tau_syn_E=tau_syn, tau_syn_I=tau_syn, **common)
    w_exc = J * cm * (tau_m - tau_syn) / (tau_syn * tau_m)          # nA
w_inh = -g * w_exc
rng = NumpyRNG(seed=args.seed)
exc = sim.Population(NE, cell, label="excitatory")
inh = sim.Population(NI, cell, label="inhibitory")
for pop in (exc, inh):
    pop.initialize(v=RandomDistribution("uniform", low=0.0, high=theta, rng=rng))
n_rec = args.record or NE
rec = {"excitatory": exc[:min(n_rec, NE)], "inhibitory": inh[:min(max(1, n_rec // 4), NI)]}
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
clock.lap("build")

sim.run(args.duration)
clock.lap("run")

trains = {label: view.get_data("spikes").segments[0].spiketrains for label, view in rec.items()}
clock.lap("extract")

n_syn = sum(len(p) for p in prjs[:4])
n_ext = sum(len(p) for p in prjs[4:])
res = report(sim, f"Brunel fig. 8{args.panel} (g={g:g}, eta={eta:g}, {args.synapse} synapses, "
             f"{NE}+{NI} neurons)", trains, args, clock.times, regime=True,
             extra={"n": NE + NI, "scale": args.scale, "synapses": n_syn + n_ext,
                    "recurrent_synapses": n_syn}, save=False)
stats, rates = res["stats"], res["rates"]
# synaptic events for benchmarks/run.py: recurrent ones from the rates, external from nu_ext
res["estimated_events"] = (NE + NI) * (CE * rates["excitatory"] + CI * rates["inhibitory"]
                                       + CE * nu_ext) * args.duration / 1000.0
save_json(args, res)

raster_and_rate(args, __file__, f"brunel_{args.panel}.png",
                list(trains["excitatory"]) + list(trains["inhibitory"]),
                (min(window[0], args.duration - 100.0), min(window[1], args.duration)),
                f"{args.panel}: g={g:g}, eta={eta:g} on {sim.__name__.split('.')[-1]} "
                f"({stats['all']['rate']:.1f} Hz, {stats['all']['regime']})",
                bin_size=dt, n_cells=50, rate_max=rate_max, seed=args.seed)
sim.end()
