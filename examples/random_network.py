"""Brian's random network: the CUBA benchmark without refractoriness, in PyNN.

The network of Brian's front-page example and of Brian 2's "CUBA" example (Brette et
al. 2007, benchmark 2) without its refractory period: 4000 IF_curr_exp neurons, 3200
excitatory and 800 inhibitory, connection probability 0.02, tau_m 20 ms, v_rest -49 mV,
threshold -50 mV, reset -60 mV, tau_refrac 0, tau_syn 5 ms (exc) and 10 ms (inh),
synaptic jumps of 1.62 mV and -9 mV in voltage units (as currents w = jump * cm / tau_m),
initial v uniform in [-60, -50] mV, 1 s at dt = 0.1 ms, the shortest delay (Brian's
delay is 0). The figure (out/random_network.png) is the raster of all cells.

    python examples/random_network.py [--scale 1] [--duration 1000] [--arithmetic fixed|float]

Change ``pyNN.neurochip`` to ``pyNN.nest`` in the import line to run it on NEST.
"""

import pyNN.neurochip as sim
from pyNN.random import NumpyRNG, RandomDistribution

from neurochip.example_tools import Stopwatch, example_parser, figure, report, setup_options, spike_raster

args = example_parser(__doc__, duration=1000.0, seed=4242, transient=100.0).parse_args()
dt = 0.1
n = int(round(4000 * args.scale))
n_exc = int(n * 0.8)
tau_m, cm = 20.0, 0.2
clock = Stopwatch()
sim.setup(timestep=dt, min_delay=dt, **setup_options(sim, args))
cell = sim.IF_curr_exp(tau_m=tau_m, cm=cm, v_rest=-49.0, v_thresh=-50.0, v_reset=-60.0,
                       tau_refrac=0.0, tau_syn_E=5.0, tau_syn_I=10.0, i_offset=0.0)
rng = NumpyRNG(seed=args.seed)
exc = sim.Population(n_exc, cell, label="excitatory")
inh = sim.Population(n - n_exc, cell, label="inhibitory")
connector = sim.FixedProbabilityConnector(0.02, rng=rng)
for pop in (exc, inh):
    pop.initialize(v=RandomDistribution("uniform", low=-60.0, high=-50.0, rng=rng))
    pop.record("spikes")
for pre, jump, receptor in ((exc, 1.62, "excitatory"), (inh, -9.0, "inhibitory")):
    for post in (exc, inh):
        sim.Projection(pre, post, connector, sim.StaticSynapse(weight=jump * cm / tau_m, delay=dt),
                       receptor_type=receptor)
clock.lap("build")

sim.run(args.duration)
clock.lap("run")

trains = {pop.label: pop.get_data("spikes").segments[0].spiketrains for pop in (exc, inh)}
clock.lap("extract")

res = report(sim, f"Random network (CUBA, no refractoriness, {n} neurons)", trains, args,
             clock.times, extra={"n": n})
with figure(args, __file__, "random_network.png", figsize=(8, 5)) as ax:
    if ax is not None:  # None: no figure (--plot '')
        spike_raster(ax, trains["excitatory"], marker=".", ms=1, color="tab:blue")
        spike_raster(ax, trains["inhibitory"], offset=n_exc, marker=".", ms=1, color="tab:red")
        ax.set(xlabel="time (ms)", ylabel="neuron index", xlim=(0, args.duration),
               title=f"Random network on {sim.__name__}: {res['rates']['all']:.1f} Hz")
sim.end()
