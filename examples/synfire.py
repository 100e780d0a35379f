"""Synfire chain (Diesmann et al. 1999), as Brian 2's example, in PyNN.

Ten groups of 100 neurons; every neuron of a group excites every neuron of the next.
A pulse packet of 85 spikes, each at a time drawn from N(50 ms, 1 ms), excites the
first group, and the volley travels down the chain. Brian's neuron: V relaxes to
Vr = -70 mV with tau_m = 10 ms, threshold -55 mV, reset to -70 mV, refractory 1 ms,
an alpha-shaped synaptic current with tau = 0.325 ms whose y-variable jumps by
4.86 mV per spike (an alpha current of peak 4.86/e mV in voltage units), and a drive
into y of 25.27 mV/ms plus white noise of 39.24 mV/ms^0.5.

Here: IF_curr_alpha (tau_syn 0.325 ms, cm 1 nF, weight 4.86/e mV * cm / tau_m). The
drive becomes i_offset (its mean, 8.21 mV * cm / tau_m) and a NoisyCurrentSource of
independent white noise per neuron, redrawn every step, of the same low-frequency
power: stdev = cm * 0.325 ms * 39.24 mV/ms^0.5 / (tau_m * sqrt(dt)), since tau_syn is
much shorter than tau_m (free membrane noise 2.85 mV). Delays are one step (Brian's are
0). 100 ms at dt = 0.1 ms. The figure (out/synfire.png) is the raster by group.

    python examples/synfire.py [--duration 100] [--seed 1] [--arithmetic fixed|float]

Change ``pyNN.neurochip`` to ``pyNN.nest`` in the import line to run it on NEST.
"""

import math

import numpy as np
import pyNN.neurochip as sim
from pyNN.random import NumpyRNG, RandomDistribution

from neurochip.analysis import pulse_packet
from neurochip.example_tools import (
    Stopwatch,
    example_parser,
    figure,
    report,
    save_json,
    setup_options,
    spike_raster,
)

args = example_parser(__doc__, duration=100.0, seed=1, scale=False).parse_args()
dt, n_groups, size = 0.1, 10, 100
tau_m, tau_syn, cm, v_r, v_t = 10.0, 0.325, 1.0, -70.0, -55.0
y_jump, y_drive, y_noise = 4.86, 25.27, 39.24        # mV, mV/ms, mV/ms**0.5 (Brian's y)
clock = Stopwatch()
sim.setup(timestep=dt, min_delay=dt, **setup_options(sim, args))
rng = NumpyRNG(seed=args.seed)
cell = sim.IF_curr_alpha(tau_m=tau_m, cm=cm, v_rest=v_r, v_thresh=v_t, v_reset=v_r,
                         tau_refrac=1.0, tau_syn_E=tau_syn, tau_syn_I=tau_syn,
                         i_offset=y_drive * tau_syn * cm / tau_m)
groups = [sim.Population(size, cell, label=f"group {k}") for k in range(n_groups)]
noise = sim.NoisyCurrentSource(mean=0.0, stdev=cm * tau_syn * y_noise / (tau_m * math.sqrt(dt)),
                               dt=dt)
for pop in groups:
    pop.initialize(v=RandomDistribution("uniform", low=v_r, high=v_t, rng=rng))
    pop.record("spikes")
    noise.inject_into(pop)
times = np.random.default_rng(args.seed).normal(50.0, 1.0, 85)
packet = sim.Population(85, sim.SpikeSourceArray(spike_times=[[max(t, dt)] for t in times]),
                        label="pulse packet")
synapse = sim.StaticSynapse(weight=y_jump / math.e * cm / tau_m, delay=dt)
for pre, post in zip([packet, *groups[:-1]], groups):
    sim.Projection(pre, post, sim.AllToAllConnector(), synapse, receptor_type="excitatory")
clock.lap("build")

sim.run(args.duration)
clock.lap("run")

trains = {pop.label: pop.get_data("spikes").segments[0].spiketrains for pop in groups}
clock.lap("extract")

packets = {label: pulse_packet(st) for label, st in trains.items()}
res = report(sim, "Synfire chain (10 x 100 neurons)", trains, args, clock.times,
             extra={"n": n_groups * size, "packets": packets}, save=False)
for label, p in packets.items():
    print(f"  {label}: packet of {p['a']:.2f} spikes per neuron at {p['t']:.1f} ms, "
          f"sigma {p['sigma']:.2f} ms")
save_json(args, res)

with figure(args, __file__, "synfire.png", figsize=(7, 4.5)) as ax:
    if ax is not None:  # None: no figure (--plot '')
        for k, pop in enumerate(groups):
            spike_raster(ax, trains[pop.label], offset=k * size, marker=".", ms=2, color="tab:blue")
            ax.axhline(k * size, color="k", lw=0.5)
        ax.set_yticks(np.arange(n_groups) * size + size / 2, [str(k) for k in range(n_groups)])
        ax.set(xlabel="time (ms)", ylabel="group number", xlim=(0, args.duration),
               ylim=(0, n_groups * size), title=f"Synfire chain on {sim.__name__}")
sim.end()
