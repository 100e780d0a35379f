"""Topographic map, as Brian's example (two layers, distance-dependent weights), in PyNN.

Layer 1: 100 Poisson sources, the middle 20 (40-59) at 30 Hz and the rest silent.
Layer 2: 100 leaky integrate-and-fire neurons (tau_m 10 ms, threshold 10 mV, reset
0 mV, no refractoriness). Layer 1 -> layer 2 with probability 0.5, weight
3 mV exp(-|i - j| / 10); layer 2 -> layer 2 with probability 0.5, weight
0.5 mV exp(-|i - j| / 20). Brian's Connection names no target variable, so its spikes
jump the first one, v (the equations' I, "AMPA synapse" of tau 2 ms, stays 0; had they
gone into I, layer 2 would be silent): here IF_curr_delta, weights in mV. Positions
are PyNN's default line (x = index), so the weights are functions of the distance d.
Delays are one step (Brian's are 0), 1 s at dt = 0.1 ms. The figure
(out/topographic_map.png) has the raster of layer 2 above the two weight matrices.

    python examples/topographic_map.py [--duration 1000] [--seed 3] [--arithmetic fixed|float]

Change ``pyNN.neurochip`` to ``pyNN.nest`` in the import line to run it on NEST.
"""

import numpy as np
import pyNN.neurochip as sim
from pyNN.random import NumpyRNG

from neurochip.example_tools import Stopwatch, example_parser, figure, report, setup_options, spike_raster

args = example_parser(__doc__, duration=1000.0, seed=3, scale=False).parse_args()
dt, n = 0.1, 100
clock = Stopwatch()
sim.setup(timestep=dt, min_delay=dt, **setup_options(sim, args))
rng = NumpyRNG(seed=args.seed)
rates = np.where(np.abs(np.arange(n) - 49.5) < 10, 30.0, 0.0)
layer1 = sim.Population(n, sim.SpikeSourcePoisson(rate=rates), label="layer 1")
layer2 = sim.Population(n, sim.IF_curr_delta(tau_m=10.0, v_rest=0.0, v_thresh=10.0, v_reset=0.0,
                                             tau_refrac=0.0, i_offset=0.0), label="layer 2")
layer2.record("spikes")
feedforward = sim.Projection(layer1, layer2, sim.FixedProbabilityConnector(0.5, rng=rng),
                             sim.StaticSynapse(weight=lambda d: 3.0 * np.exp(-0.1 * d), delay=dt),
                             receptor_type="excitatory")
recurrent = sim.Projection(layer2, layer2, sim.FixedProbabilityConnector(0.5, rng=rng),
                           sim.StaticSynapse(weight=lambda d: 0.5 * np.exp(-0.05 * d), delay=dt),
                           receptor_type="excitatory")
clock.lap("build")

sim.run(args.duration)
clock.lap("run")

spikes = layer2.get_data("spikes").segments[0].spiketrains
clock.lap("extract")

centre = np.abs(np.arange(n) - 49.5) < 10  # the cells facing the active inputs
trains = {"centre": [st for st, c in zip(spikes, centre) if c],
          "flanks": [st for st, c in zip(spikes, centre) if not c]}
res = report(sim, "Topographic map (100 Poisson -> 100 cells)", trains, args, clock.times,
             extra={"n": n, "synapses": len(feedforward) + len(recurrent)})
with figure(args, __file__, "topographic_map.png", figsize=(8, 7), layout="constrained",
            mosaic=[["raster", "raster"], ["Feedforward", "Recurrent"]]) as axes:
    if axes is not None:  # None: no figure (--plot '')
        ax = axes["raster"]
        spike_raster(ax, spikes, marker=".", ms=2, color="k")
        ax.set(xlabel="time (ms)", ylabel="layer 2 neuron", xlim=(0, args.duration), ylim=(-1, n),
               title=f"Topographic map on {sim.__name__}: layer 2 at {res['rates']['all']:.1f} Hz "
                     f"(centre {res['rates']['centre']:.1f} Hz)")
        for prj, name in ((feedforward, "Feedforward"), (recurrent, "Recurrent")):
            ax = axes[name]
            im = ax.imshow(np.nan_to_num(prj.get("weight", format="array")).T,
                           interpolation="nearest", origin="lower")
            ax.set(title=f"{name} connection strengths", xlabel="source", ylabel="target")
            ax.figure.colorbar(im, ax=ax, label="mV", shrink=0.8)
sim.end()
