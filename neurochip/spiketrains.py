"""A neo SpikeTrainList that makes its SpikeTrains from one sort of the spikes.

PyNN's ``get_data`` hands spikes to neo as two arrays (each spike's neuron, each
spike's time), and neo makes a neuron's SpikeTrain when it is first asked for, by
comparing every spike's neuron with that neuron: a scan of all spikes per neuron.
At 100,000 neurons firing 35 Hz for 200 ms (Brunel at scale 8) that is 7e10
comparisons, some 40 s the first time a script iterates over ``segment.spiketrains``
(the example's whole run: 82 s, 45 s with this class). :class:`SpikeTrains` sorts the
neurons of the spikes once (stably, so each train keeps its spikes in their given
order) and slices: the same SpikeTrains, with the same annotations. What is left is
neo's cost of making a SpikeTrain, about 60 microseconds each.
"""

from __future__ import annotations

import numpy as np
from neo import SpikeTrain
from neo.core.spiketrainlist import SpikeTrainList

__all__ = ["SpikeTrains", "fast_spiketrains", "channel_slices"]


def channel_slices(ids, channels):
    """``(order, lo, hi)``: the spikes of neuron ``channels[i]`` are
    ``order[lo[i]:hi[i]]`` of the spikes' neurons ``ids``, in their given order (a stable
    sort, then each neuron's run of it)."""
    ids = np.asarray(ids)
    order = np.argsort(ids, kind="stable")
    ids = ids[order]
    lo = np.searchsorted(ids, channels, side="left")
    hi = np.searchsorted(ids, channels, side="right")
    return order, lo, hi


class SpikeTrains(SpikeTrainList):
    """neo's SpikeTrainList, with its trains made by one stable sort of the spikes."""

    def _spiketrains_from_array(self):
        times = self._spike_time_array
        ids = None if times is None else np.asarray(self._channel_id_array)
        if ids is None or ids.dtype.kind not in "iu" or not hasattr(times, "units"):
            return super()._spiketrains_from_array()  # none, or data neo handles its own way
        channels = list(self._all_channel_ids)  # neo may hold a set after an addition
        order, lo, hi = channel_slices(ids, channels)
        values = np.asarray(times.magnitude)[order]
        n = len(channels)
        # as neo: an annotation with one value per train gives each its own, others are shared
        annotations = [(name, value, not isinstance(value, str) and hasattr(value, "__len__")
                        and len(value) == n) for name, value in self._annotations.items()]
        items = []
        for i, channel_id in enumerate(channels):
            train = SpikeTrain(values[lo[i]:hi[i]], units=times.units, **self._spiketrain_metadata)
            own = {name: value[i] if each else value for name, value, each in annotations}
            train.annotate(**own, channel_id=channel_id)
            train.segment = self.segment
            items.append(train)
        self._items = items


def fast_spiketrains(block):
    """Give every segment of ``block`` whose trains neo still holds as arrays the
    SpikeTrains class (in place; the data are not touched); returns ``block``."""
    for segment in block.segments:
        if type(segment.spiketrains) is SpikeTrainList:
            segment.spiketrains.__class__ = SpikeTrains
    return block
