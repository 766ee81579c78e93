"""Frame timing as the frames are: the durations the container gives the first video samples.

MediaInfo calls some constant-rate files variable: a fragmented MP4 (frame rate taken from part of
the fragments, or missing), or timestamps rounded to a 1/90000 s clock (3599, 3600, 3601 ticks for
40 ms). PyAV demuxes (never decodes) at most `MAX_PACKETS` video packets, within a byte budget,
and reads their durations (MP4: the stts/trun sample durations; elsewhere the timestamps).
"""
from __future__ import annotations

from dataclasses import dataclass

from checks.media.budget import Budgeted

MAX_PACKETS = 250             # 10 s at 25 fps: enough to see a phone's drifting frame times
READ_BUDGET = 16 * 1024 * 1024
MIN_FRAMES = 10
# Timestamps are whole ticks: a constant rate rounded to the clock varies by at most one tick
# either way, so durations within two ticks of each other are equal.
ROUNDING_TICKS = 2


@dataclass(frozen=True)
class Timing:
    fps: float          # 1 / mean frame duration, 3 decimals like MediaInfo
    constant: bool      # every sampled frame lasts the same (within timestamp rounding)
    frames: int         # how many frame durations were compared


def frame_timing(f, *, sequential: bool = False, max_packets: int = MAX_PACKETS,
                 read_budget: int = READ_BUDGET) -> Timing | None:
    """Timing of the first video stream of the binary stream `f`, or None when it cannot be told
    (not demuxable, no video, too few frames). `sequential`: the index comes first (an MP4 with
    moov before the media, a fragmented MP4), so the demuxer is given no seek: seeking, it walks
    every fragment of a fragmented file (measured: 16 MB and 10,743 seeks into a 150 MB file,
    without one frame; read front to back, 1.5 MB)."""
    import av   # only for files MediaInfo calls variable-rate: most checks never load it

    stream_in = Budgeted(f, read_budget)
    try:
        with av.open(_ReadOnly(stream_in) if sequential else stream_in, "r") as container:
            if not container.streams.video:
                return None
            stream = container.streams.video[0]
            durations, pts = [], []
            for packet in container.demux(stream):
                if packet.size == 0:        # the flush packet at the end
                    continue
                durations.append(packet.duration or 0)
                if packet.pts is not None:
                    pts.append(packet.pts)
                if len(durations) >= max_packets:
                    break
            tick = float(stream.time_base)
    except Exception:   # a cross-check that cannot read the frames leaves MediaInfo's reading standing
        return None
    return _timing(durations, pts, tick)


def _timing(durations: list[int], pts: list[int], tick: float) -> Timing | None:
    if durations and all(d > 0 for d in durations):
        # The first sample is skipped: muxers that cannot write an edit list (fragmented MP4)
        # stretch it to absorb the audio encoder's start delay (measured: 61 ms, then 40 ms each).
        steps = durations[1:]
    else:
        # No per-packet durations (some Matroska, MPEG-TS): differences of presentation times.
        # The last few are dropped: with B-frames the next packets may still fill those gaps.
        ordered = sorted(pts)
        steps = [b - a for a, b in zip(ordered, ordered[1:])][1:-4]
    steps = [s for s in steps if s > 0]
    if len(steps) < MIN_FRAMES or tick <= 0:
        return None
    mean = sum(steps) / len(steps)
    return Timing(fps=round(1 / (mean * tick), 3), constant=max(steps) - min(steps) <= ROUNDING_TICKS,
                  frames=len(steps))


class _ReadOnly:
    """A stream without seek: PyAV then demuxes front to back."""

    def __init__(self, f):
        self.read = f.read
