"""COBAHH: Brette et al. (2007) benchmark 3, a random network of Hodgkin-Huxley neurons, in PyNN.

As Brian 2's COBAHH example: 4000 Traub-Miles neurons (HH_cond_exp, NEST's
hh_cond_exp_traub), 3200 excitatory and 800 inhibitory, connection probability 0.02,
membrane area 20000 um^2 (cm 0.2 nF, g_leak 10 nS, gbar_Na 20 uS, gbar_K 6 uS),
E_leak -60 mV, E_Na 50 mV, E_K -90 mV, V_T -63 mV, excitatory conductances of 6 nS
(tau 5 ms, E 0 mV) and inhibitory ones of 67 nS (tau 10 ms, E -80 mV). Initial state
as Brian's: v ~ N(-65, 5) mV, g_exc ~ N(40, 15) nS, g_inh ~ N(200, 120) nS. Delays are
one step (Brian's are 0), 1 s at dt = 0.1 ms. The figure (out/cobahh.png) is Brian's:
the membrane potential of neurons 1, 10 and 100.

    python examples/cobahh.py [--scale 1] [--duration 1000] [--arithmetic fixed|float]

Change ``pyNN.neurochip`` to ``pyNN.nest`` in the import line to run it on NEST.
"""

import pyNN.neurochip as sim
from pyNN.random import NumpyRNG, RandomDistribution

from neurochip.example_tools import Stopwatch, example_parser, figure, report, setup_options

args = example_parser(__doc__, duration=1000.0, seed=777, transient=100.0).parse_args()
dt = 0.1
n = int(round(4000 * args.scale))
n_exc = int(n * 0.8)
clock = Stopwatch()
sim.setup(timestep=dt, min_delay=dt, **setup_options(sim, args))
rng = NumpyRNG(seed=args.seed)
cell = sim.HH_cond_exp(gbar_Na=20.0, gbar_K=6.0, g_leak=0.01, cm=0.2, v_offset=-63.0,
                       e_rev_Na=50.0, e_rev_K=-90.0, e_rev_leak=-60.0, e_rev_E=0.0,
                       e_rev_I=-80.0, tau_syn_E=5.0, tau_syn_I=10.0, i_offset=0.0)
exc = sim.Population(n_exc, cell, label="excitatory")
inh = sim.Population(n - n_exc, cell, label="inhibitory")
for pop in (exc, inh):
    pop.initialize(v=RandomDistribution("normal", (-65.0, 5.0), rng=rng),
                   gsyn_exc=RandomDistribution("normal", (0.04, 0.015), rng=rng),
                   gsyn_inh=RandomDistribution("normal", (0.2, 0.12), rng=rng))
    pop.record("spikes")
traced = exc[[1, 10, 100]]
traced.record("v")
connector = sim.FixedProbabilityConnector(0.02, rng=rng)
prjs = [sim.Projection(pre, post, connector, sim.StaticSynapse(weight=w, delay=dt), receptor_type=receptor)
        for pre, w, receptor in ((exc, 0.006, "excitatory"), (inh, 0.067, "inhibitory"))
        for post in (exc, inh)]
clock.lap("build")

sim.run(args.duration)
clock.lap("run")

trains = {pop.label: pop.get_data("spikes").segments[0].spiketrains for pop in (exc, inh)}
v = traced.get_data("v").segments[0].filter(name="v")[0]
clock.lap("extract")

n_syn = sum(len(p) for p in prjs)
res = report(sim, f"COBAHH ({n} Hodgkin-Huxley neurons, {n_syn} synapses)", trains, args, clock.times,
             extra={"n": n, "synapses": n_syn})
with figure(args, __file__, "cobahh.png", figsize=(8, 4)) as ax:
    if ax is not None:  # None: no figure (--plot '')
        for i, label in enumerate(("neuron 1", "neuron 10", "neuron 100")):
            ax.plot(v.times.rescale("ms").magnitude, v.magnitude[:, i], lw=0.6, label=label)
        ax.set(xlabel="t (ms)", ylabel="v (mV)", xlim=(0, args.duration),
               title=f"COBAHH on {sim.__name__}: {res['rates']['all']:.1f} Hz")
        ax.legend(loc="upper right", fontsize="small")
sim.end()
