"""Brunel & Hakim (1999): a sparse inhibitory network with noise, as Brian 2's example, in PyNN.

N = 5000 integrate-and-fire neurons (tau = 20 ms, threshold 20 mV, reset 10 mV,
refractory 2 ms, all starting at 10 mV), each inhibiting every other with
probability C/N = 0.2 by a jump of J = -0.1 mV after a delay of 2 ms (IF_curr_delta),
driven by mu_ext = 25 mV and white noise of sigma_ext = 1 mV:
dV/dt = (-V + mu_ext + sigma_ext sqrt(tau) xi) / tau. Here the drive is i_offset =
mu_ext cm / tau and one NoisyCurrentSource of independent white noise per neuron,
redrawn every step, with stdev = cm sigma_ext / sqrt(tau dt) (cm = 1 nF). Individual
neurons fire irregularly at a low rate while the population oscillates fast (about
180 Hz): Brunel's regime SI-fast. The figure (out/brunel_hakim.png) shows the raster
and the population rate in 0.4 ms bins, as Brian's example.

    python examples/brunel_hakim.py [--scale 1] [--duration 100] [--arithmetic fixed|float]

--scale shrinks N at a fixed connection probability (so C shrinks too).
Change ``pyNN.neurochip`` to ``pyNN.nest`` in the import line to run it on NEST.
"""

import math

import pyNN.neurochip as sim
from pyNN.random import NumpyRNG

from neurochip.example_tools import Stopwatch, example_parser, raster_and_rate, report, setup_options

args = example_parser(__doc__, duration=100.0, seed=2024, transient=20.0).parse_args()
dt = 0.1
n = int(round(5000 * args.scale))
tau, theta, v_r, cm = 20.0, 20.0, 10.0, 1.0
mu_ext, sigma_ext, J, delay = 25.0, 1.0, 0.1, 2.0
clock = Stopwatch()
sim.setup(timestep=dt, min_delay=dt, max_delay=delay, **setup_options(sim, args))
cells = sim.Population(n, sim.IF_curr_delta(tau_m=tau, cm=cm, v_rest=0.0, v_thresh=theta,
                                            v_reset=v_r, tau_refrac=2.0,
                                            i_offset=mu_ext * cm / tau), label="neurons")
cells.initialize(v=v_r)
cells.record("spikes")
noise = sim.NoisyCurrentSource(mean=0.0, stdev=cm * sigma_ext / math.sqrt(tau * dt), dt=dt)
noise.inject_into(cells)
prj = sim.Projection(cells, cells, sim.FixedProbabilityConnector(1000 / 5000,
                                                                 rng=NumpyRNG(seed=args.seed)),
                     sim.StaticSynapse(weight=-J, delay=delay), receptor_type="inhibitory")
clock.lap("build")

sim.run(args.duration)
clock.lap("run")

trains = {"neurons": cells.get_data("spikes").segments[0].spiketrains}
clock.lap("extract")

res = report(sim, f"Brunel & Hakim 1999 ({n} inhibitory neurons)", trains, args, clock.times,
             regime=True, extra={"n": n, "synapses": len(prj)})
st = res["stats"]["neurons"]
raster_and_rate(args, __file__, "brunel_hakim.png", trains["neurons"], (0.0, args.duration),
                f"Brunel & Hakim on {sim.__name__.split('.')[-1]} ({st['rate']:.1f} Hz, "
                f"{st['regime']}, peak {st['f_peak']:.0f} Hz)", bin_size=0.4)
sim.end()
