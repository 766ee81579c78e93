"""Real video files in the containers samplegen does not write (AVI, FLV, MPEG-TS, MPEG-PS, ASF, 3GP,
M4A), made with PyAV: for the browser-versus-server comparisons of sniffing and MediaInfo facts."""
from __future__ import annotations

from pathlib import Path


def remux(src: Path, dst: Path, fmt: str, types=("video", "audio")) -> Path:
    """The same streams in another ISO container (3GP; audio only: M4A)."""
    import av
    with av.open(str(src)) as inp, av.open(str(dst), "w", format=fmt) as out:
        streams = {s.index: out.add_stream_from_template(s) for s in inp.streams if s.type in types}
        for packet in inp.demux():
            if packet.stream.index in streams and packet.dts is not None:
                packet.stream = streams[packet.stream.index]
                out.mux(packet)
    return dst


def encoded(dst: Path, fmt: str, vcodec: str) -> Path:
    """A few real frames in the container, in a codec it takes as is."""
    import av
    import numpy as np
    with av.open(str(dst), "w", format=fmt) as out:
        vs = out.add_stream(vcodec, rate=25)
        vs.width, vs.height, vs.pix_fmt = 176, 144, "yuv420p"
        for i in range(10):
            frame = av.VideoFrame.from_ndarray(np.full((144, 176, 3), i * 20, np.uint8), format="rgb24")
            frame.pts = i
            out.mux(vs.encode(frame))
        out.mux(vs.encode(None))
    return dst
