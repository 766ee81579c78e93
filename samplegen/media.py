"""Real sample videos made with PyAV (bundled FFmpeg: libx264, AAC) for tests, the demo and bench/.

`make_video` encodes every frame; `make_long_video` encodes about one GOP of noisy frames and a few
AAC packets once, then muxes those same packets again and again with shifted timestamps, so a
16-minute, 1.5 Mbit/s file costs seconds. Frames are noise so that the measured bitrate is the real
encoder target, not an almost-empty stream. `truncate_copy` imitates an interrupted upload.
"""
from __future__ import annotations

import os
import random
import struct
from fractions import Fraction
from pathlib import Path

import av

_FORMATS = {"mp4": "mp4", "mov": "mov", "mkv": "matroska", "matroska": "matroska"}
_MOV_LIKE = {"mp4", "mov"}


# Low-amplitude noise (128 +/- 8): pure noise would overshoot any bitrate target at 720p even at
# the highest quantizer; this keeps the encoder's rate control in charge of the bitrate.
_NOISE = bytes(120 + (b * 17 // 256) for b in range(256))


def _noise_frame(width: int, height: int, rng: random.Random) -> av.VideoFrame:
    """A yuv420p frame of faint random noise (never compresses away, so the bitrate is real)."""
    frame = av.VideoFrame(width, height, "yuv420p")
    for plane in frame.planes:
        plane.update(rng.randbytes(plane.buffer_size).translate(_NOISE))
    return frame


def _tone_frame(samples: int, sample_rate: int, start: int, channels: int) -> av.AudioFrame:
    """Quiet noise plus a ramp: enough signal that AAC spends its full bitrate."""
    frame = av.AudioFrame(format="fltp", layout="stereo" if channels == 2 else "mono",
                          samples=samples)
    frame.sample_rate = sample_rate
    frame.pts = start
    frame.time_base = Fraction(1, sample_rate)
    rng = random.Random(start)
    data = struct.pack(f"<{samples}f", *(rng.uniform(-0.3, 0.3) for _ in range(samples)))
    for plane in frame.planes:
        plane.update(data)
    return frame


def _open_output(path: Path, container: str, faststart: bool, movflags: str | None = None):
    fmt = _FORMATS[container]
    if movflags:            # e.g. 'frag_keyframe+empty_moov': a fragmented MP4 (moof/trun per GOP)
        options = {"movflags": movflags}
    else:
        options = {"movflags": "+faststart"} if faststart and container in _MOV_LIKE else {}
    return av.open(str(path), mode="w", format=fmt, options=options)


def _add_video(out, vcodec, fps, width, height, bitrate_kbps, interlaced, vfr, gop, clock=None):
    stream = out.add_stream(vcodec, rate=fps)
    stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
    stream.bit_rate = bitrate_kbps * 1000
    opts = {}
    if vcodec == "libx264":
        # fixed closed GOPs (re-muxable one second at a time); VBV keeps the first GOP on target
        params = [f"keyint={gop}", "scenecut=0", "bframes=0",
                  f"vbv-maxrate={int(bitrate_kbps * 1.1)}", f"vbv-bufsize={bitrate_kbps}"]
        if interlaced:
            params.append("interlaced=1:tff=1")   # x264 encodes MBAFF, what real interlaced cameras give
        opts = {"preset": "veryfast", "x264-params": ":".join(params)}
    elif vcodec == "libx265":
        opts = {"preset": "ultrafast", "x265-params": f"keyint={gop}:log-level=error"}
    else:
        stream.codec_context.gop_size = gop
    stream.options = opts
    if vfr:
        stream.codec_context.time_base = Fraction(1, 1000)
    elif clock:
        stream.codec_context.time_base = Fraction(1, clock)
    return stream


def _add_audio(out, acodec, sample_rate, audio_kbps, channels=2):
    stream = out.add_stream(acodec, rate=sample_rate)
    stream.bit_rate = audio_kbps * 1000
    stream.layout = "stereo" if channels == 2 else "mono"
    return stream


def _clock_pts(n: int, fps: int, clock: int, offsets: tuple[int, ...]) -> list[int]:
    """Frame times on a 1/`clock` s clock, each shifted by the next of `offsets` ticks (cycled):
    frames whose durations differ by a known number of ticks, as a recorder rounding its
    timestamps writes them (offsets (0, 1) at 90 kHz, 25 fps: 3601, 3599, 3601, ... ticks)."""
    return [i * clock // fps + (offsets[i % len(offsets)] if offsets else 0) for i in range(n)]


def _vfr_pts_ms(n: int, fps: int) -> list[int]:
    """Irregular frame times averaging about `fps`, the way phone recorders drift."""
    step = 1000 / fps
    pts, t = [], 0.0
    for i in range(n):
        pts.append(int(round(t)))
        t += step * (0.5 if i % 3 == 0 else 1.5)
    return pts


def make_video(path, seconds: float = 2.0, fps: int = 25, width: int = 1280, height: int = 720,
               vcodec: str = "libx264", bitrate_kbps: int = 1500, audio: bool = True,
               acodec: str = "aac", sample_rate: int = 48000, audio_kbps: int | tuple = 128,
               container: str = "mp4", faststart: bool = True, interlaced: bool = False,
               vfr: bool = False, rotation: int | None = None, audio_tracks: int = 1,
               seed: int = 1, movflags: str | None = None, clock: int | None = None,
               pts_offsets: tuple[int, ...] = ()) -> Path:
    """Encode a real video file at `path` (its name may say anything: content is what counts).

    `audio_kbps` may be a tuple giving each of the `audio_tracks` its own bitrate. `movflags` are
    the MP4 muxer's (fragmented: 'frag_keyframe+empty_moov'); `clock` puts the video on a
    1/clock s time base (see _clock_pts, with `pts_offsets`)."""
    path = Path(path)
    rng = random.Random(seed)
    n_frames = max(1, int(round(seconds * fps)))
    with _open_output(path, container, faststart, movflags) as out:
        vs = _add_video(out, vcodec, fps, width, height, bitrate_kbps, interlaced, vfr, gop=fps,
                        clock=clock)
        kbps = list(audio_kbps) if isinstance(audio_kbps, (list, tuple)) else [audio_kbps] * audio_tracks
        audio_streams = [_add_audio(out, acodec, sample_rate, kbps[i])
                         for i in range(audio_tracks if audio else 0)]
        if vfr:
            times, tb = _vfr_pts_ms(n_frames, fps), Fraction(1, 1000)
        elif clock:
            times, tb = _clock_pts(n_frames, fps, clock, pts_offsets), Fraction(1, clock)
        else:
            times, tb = list(range(n_frames)), None
        for i, t in enumerate(times):
            frame = _noise_frame(width, height, rng)
            frame.pts = t
            if tb is not None:
                frame.time_base = tb
            out.mux(vs.encode(frame))
        out.mux(vs.encode(None))
        end_s = (times[-1] / 1000 + 1 / fps) if vfr else n_frames / fps
        for a in audio_streams:
            _encode_audio(out, a, sample_rate, end_s)
    if rotation:
        set_rotation(path, rotation)
    return path


def _encode_audio(out, stream, sample_rate: int, seconds: float) -> None:
    total = int(seconds * sample_rate)
    pos = 0
    while pos < total:
        n = min(1024, total - pos)
        out.mux(stream.encode(_tone_frame(n, sample_rate, pos, 2)))
        pos += n
    out.mux(stream.encode(None))


def make_long_video(path, minutes: float = 16.0, fps: int = 25, width: int = 1280, height: int = 720,
                    bitrate_kbps: int = 1500, audio: bool = True, sample_rate: int = 48000,
                    audio_kbps: int = 128, container: str = "mp4", faststart: bool = True,
                    seed: int = 1, movflags: str | None = None) -> Path:
    """A long, valid H.264/AAC file made by re-muxing one encoded second with shifted timestamps.

    Video: one closed GOP (keyframe first, no B-frames) repeated. Audio: a pool of AAC packets
    cycled packet by packet, so both streams stay in sync for the whole duration.
    """
    path = Path(path)
    rng = random.Random(seed)
    with _open_output(path, container, faststart, movflags) as out:
        vs = _add_video(out, "libx264", fps, width, height, bitrate_kbps, False, False, gop=fps)
        as_ = _add_audio(out, "aac", sample_rate, audio_kbps) if audio else None
        vpk = []
        for i in range(fps):   # one second = one GOP
            frame = _noise_frame(width, height, rng)
            frame.pts = i
            vpk.extend(vs.encode(frame))
        vpk.extend(vs.encode(None))
        apk = []
        if as_ is not None:
            pos = 0
            while pos < sample_rate * 2:      # ~2 s of AAC packets to cycle through
                apk.extend(as_.encode(_tone_frame(1024, sample_rate, pos, 2)))
                pos += 1024
            apk.extend(as_.encode(None))
            apk = [p for p in apk if p.size > 0][2:]   # skip encoder-delay priming packets
        v_tb = Fraction(1, fps)
        a_tb = Fraction(1, sample_rate)
        v_src = [(p, p.pts, p.dts) for p in vpk]
        seconds = int(minutes * 60)
        a_index = 0
        for sec in range(seconds):
            for p, pts, dts in v_src:
                p.time_base, p.pts, p.dts = v_tb, pts + sec * fps, dts + sec * fps
                p.stream = vs
                out.mux_one(p)
            # audio up to the end of this second, 1024 samples per packet
            while apk and a_index * 1024 < (sec + 1) * sample_rate:
                p = apk[a_index % len(apk)]
                p.time_base, p.pts, p.dts = a_tb, a_index * 1024, a_index * 1024
                p.duration = 1024
                p.stream = as_
                out.mux_one(p)
                a_index += 1
    return path


def truncate_copy(src, dst, keep: float | int = 0.5) -> Path:
    """Copy the first part of `src` (a fraction of its size, or a byte count) to `dst`."""
    src, dst = Path(src), Path(dst)
    size = src.stat().st_size
    n = int(size * keep) if isinstance(keep, float) else int(keep)
    with open(src, "rb") as fi, open(dst, "wb") as fo:
        while n > 0:
            chunk = fi.read(min(n, 1 << 20))
            if not chunk:
                break
            fo.write(chunk)
            n -= len(chunk)
    return dst


def pad_to_size(path, size: int) -> Path:
    """Grow an MP4/MOV to `size` bytes with a trailing 'free' box (a sparse, instant file): a real,
    valid file of that size for the size rules, without writing hundreds of MB."""
    path = Path(path)
    extra = size - path.stat().st_size
    if extra < 16:
        raise ValueError("target size must exceed the current size by at least 16 bytes")
    with open(path, "r+b") as f:
        f.seek(0, 2)
        f.write(struct.pack(">I4sQ", 1, b"free", extra))   # 64-bit size box
        f.truncate(size)
    return path


def random_bytes(path, size: int = 200_000, seed: int = 7) -> Path:
    path = Path(path)
    path.write_bytes(random.Random(seed).randbytes(size))
    return path


# --- rotation: write a display matrix into the video track's tkhd (what phones do) -------------

def _boxes(buf: bytes, start: int, end: int):
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", buf[pos:pos + 8])
        header = 8
        if size == 1:
            size = struct.unpack(">Q", buf[pos + 8:pos + 16])[0]
            header = 16
        elif size == 0:
            size = end - pos
        if size < header:
            return
        yield kind, pos, pos + header, pos + size
        pos += size


def set_rotation(path, degrees: int) -> None:
    """Set the tkhd matrix of the video track of an MP4/MOV file to a rotation of `degrees`."""
    one, minus = 0x00010000, 0xFFFF0000
    mats = {90: (0, one, minus, 0), 180: (minus, 0, 0, minus), 270: (0, minus, one, 0), 0: (one, 0, 0, one)}
    a, b, c, d = mats[degrees % 360]
    path = Path(path)
    buf = bytearray(path.read_bytes())
    for kind, _, body, end in _boxes(buf, 0, len(buf)):
        if kind != b"moov":
            continue
        for tkind, _, tbody, tend in _boxes(buf, body, end):
            if tkind != b"trak":
                continue
            children = {k: (b, e) for k, _, b, e in _boxes(buf, tbody, tend)}
            if b"tkhd" not in children or b"mdia" not in children:
                continue
            mb, me = children[b"mdia"]
            hdlr = next(((b, e) for k, _, b, e in _boxes(buf, mb, me) if k == b"hdlr"), None)
            if hdlr is None or buf[hdlr[0] + 8:hdlr[0] + 12] != b"vide":
                continue
            kb, _ = children[b"tkhd"]
            version = buf[kb]
            matrix_at = kb + (52 if version == 1 else 40)   # after times, layer, volume, reserved
            struct.pack_into(">9I", buf, matrix_at, a, b, 0, c, d, 0, 0, 0, 0x40000000)
    with open(path, "r+b") as f:
        f.write(buf)


# --- named samples shared by the tests (built once per folder, on first use) ------------------

_SMALL = dict(seconds=1.0, width=320, height=180)
_HD = dict(seconds=1.0, width=1280, height=720)
RECIPES = {
    "ok_small": dict(_SMALL),
    "ok_720p": dict(_HD),
    "fps30": dict(_SMALL, fps=30),
    "pal_576": dict(_SMALL, width=720, height=576),
    "interlaced": dict(_SMALL, interlaced=True),
    "vfr": dict(_SMALL, vfr=True),
    "portrait_720p": dict(_HD, rotation=90),
    "hevc": dict(_SMALL, vcodec="libx265"),
    "mpeg4": dict(_SMALL, vcodec="mpeg4"),
    "mp3": dict(_SMALL, acodec="libmp3lame"),
    "no_audio": dict(_SMALL, audio=False),
    "a44k": dict(_SMALL, sample_rate=44100),
    "a64k": dict(_SMALL, audio_kbps=64),
    "a124k": dict(_SMALL, audio_kbps=124),
    "two_tracks": dict(_SMALL, audio_tracks=2, audio_kbps=(128, 64)),
    "mov_720p": dict(_HD, container="mov"),
    "mkv_720p": dict(_HD, container="mkv"),
    "moov_last_720p": dict(_HD, faststart=False),
    "moov_last_small": dict(_SMALL, faststart=False),
    "br1000_720p": dict(_HD, bitrate_kbps=1000),
    "br500_720p": dict(_HD, bitrate_kbps=500),
    # frame timing MediaInfo misreads or that really varies (checks.media.frames)
    "frag25": dict(_SMALL, movflags="frag_keyframe+empty_moov"),
    "frag25_every_frame": dict(_SMALL, movflags="frag_every_frame+empty_moov"),   # MediaInfo: ~247 fps
    "frag30": dict(_SMALL, fps=30, movflags="frag_keyframe+empty_moov"),
    "frag_vfr": dict(_SMALL, vfr=True, movflags="frag_keyframe+empty_moov"),
    "clock90k_2ticks": dict(_SMALL, clock=90000, pts_offsets=(0, 1)),
    "clock90k_3ticks": dict(_SMALL, clock=90000, pts_offsets=(0, 0, 1, 2)),
}
DERIVED = {
    "truncated": ("ok_small", lambda src, dst: truncate_copy(src, dst, 0.6)),
    "truncated_moov_last": ("moov_last_small", lambda src, dst: truncate_copy(src, dst, 0.6)),
    "size_510MB": ("ok_720p", lambda src, dst: pad_to_size(_copy(src, dst), 510_000_000)),
    "size_530MB": ("ok_720p", lambda src, dst: pad_to_size(_copy(src, dst), 530_000_000)),
}


def _copy(src: Path, dst: Path) -> Path:
    dst.write_bytes(src.read_bytes())
    return dst


def sample(root, name: str) -> Path:
    """Path of the named sample video in folder `root`, made on first request.
    Names: RECIPES, DERIVED, 'long_16min' (vocational-conforming, remux trick), 'long_16min_30fps',
    'frag_long_16min', 'random', 'zero'."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"{name}.mp4"          # every sample is named .mp4, whatever its content
    if path.exists():
        return path
    tmp = root / f".{name}.{os.getpid()}.part"
    if name in RECIPES:
        make_video(tmp, **RECIPES[name])   # the container comes from the recipe, not the name
    elif name in DERIVED:
        base, make = DERIVED[name]
        make(sample(root, base), tmp)
    elif name == "long_16min":
        make_long_video(tmp, minutes=16, bitrate_kbps=1100)
    elif name == "long_16min_30fps":          # conforming but for its frame rate
        make_long_video(tmp, minutes=16, fps=30, bitrate_kbps=1100)
    elif name == "frag_long_16min":           # fragmented, small picture: ~40 MB of moof/mdat pairs
        make_long_video(tmp, minutes=16, width=320, height=180, bitrate_kbps=200,
                        movflags="frag_keyframe+empty_moov")
    elif name == "random":
        random_bytes(tmp)
    elif name == "zero":
        tmp.write_bytes(b"")
    else:
        raise KeyError(name)
    os.replace(tmp, path)
    return path


def recording_of_size(path, mb: int, faststart: bool = True) -> Path:
    """A 16-minute H.264/AAC recording near `mb` MB (between 95 % and 100 %), kept at `path`: x264 on
    noise overshoots its target bitrate, so the bitrate is rescaled until the size is near."""
    path = Path(path)
    if not path.exists():
        part = path.with_suffix(".part.mp4")
        kbps = int(mb * 8_000 / (16 * 60)) - 128
        for _ in range(4):
            make_long_video(part, minutes=16, bitrate_kbps=kbps, faststart=faststart)
            ratio = part.stat().st_size / (mb * 1e6)
            if 0.95 <= ratio <= 1.0:
                break
            kbps = int(kbps / ratio * 0.98)
        part.rename(path)
    return path
