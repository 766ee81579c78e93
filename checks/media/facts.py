"""Video/audio inspector: MediaInfo's reading of a file, reduced to plain facts (no rule logic).

Two entry points give the same facts: `from_stream(f)` parses an open seekable binary stream with
libmediainfo (checks.media.libmediainfo; works for archive members and Chinese names under any
locale), and `from_mediainfo_json(data)` reads the output of `mediainfo --Output=JSON FILE`.

Facts dict (every number is an int/float, never a string; None means "MediaInfo did not say"):

    container        str|None  General format: 'MPEG-4', 'Matroska', 'AVI', 'Flash Video', ...
    container_kind   str|None  'mp4', 'mov' (MPEG-4 with QuickTime profile / codec id 'qt  '),
                               '3gp', 'mkv', 'webm', 'avi', ... or the lower-cased format
    format_profile   str|None  General Format_Profile, e.g. 'Base Media', 'QuickTime'
    codec_id         str|None  General CodecID (brand), e.g. 'isom', 'qt  ', 'mp42'
    file_size        int|None  bytes
    duration_s       float|None  General duration, else the longest track's
    overall_bit_rate int|None  b/s
    is_truncated     bool      General IsTruncated == 'Yes' (interrupted copy/upload)
    is_streamable    bool|None 'IsStreamable': moov before mdat, plays before fully downloaded
    video: [ {codec, profile, width, height, display_width, display_height, rotation,
              bit_rate, bit_rate_source, frame_rate, frame_rate_mode, scan_type, interlaced,
              duration_s} ]
        codec            'AVC', 'HEVC', 'MPEG-4 Visual', ...
        profile          'High', 'Main', ... (level stripped)
        rotation         int degrees 0/90/180/270 (display matrix)
        display_width/height  the size a player shows: swapped for 90/270, PAR applied to width
        bit_rate         b/s measured for the stream, falling back to stream_size*8/duration,
                         then overall minus the audio tracks; never maximum/nominal bit rate
        bit_rate_source  'stream' | 'stream_size' | 'overall_minus_audio' | None
        frame_rate       float; for VFR this is only the average
        frame_rate_mode  'CFR' | 'VFR' | None. Where MediaInfo says VFR or gives no rate (fragmented
                         MP4, timestamps rounded to 1/90000 s), from_stream asks the frames
                         themselves (checks.media.frames): equal durations are CFR at their rate
        scan_type        MediaInfo's text: 'Progressive', 'Interlaced', 'MBAFF', 'PAFF' or None
        interlaced       False for Progressive, True for any interlaced kind, None if unknown
    audio: [ {codec, sample_rate, bit_rate, bit_rate_source, channels, duration_s} ]  one per track

Raises `checks.errors.Unreadable` (Chinese message) for zero bytes (rule file.empty), random bytes,
non-media content and an MP4 whose index (moov) was cut off.
"""
from __future__ import annotations

import io
import json
import os
import re
import threading
from typing import Any

from checks.errors import Unreadable
from checks.media.budget import Budgeted as _Budgeted

# Headers live at the start (or, moov-last, at the end): MediaInfo never needs more than this.
READ_BUDGET = 64 * 1024 * 1024
# A header parse takes milliseconds; this only stops libmediainfo spinning on crafted junk.
PARSE_TIMEOUT_S = 15.0

_NUM = re.compile(r"-?\d+(?:\.\d+)?")

# canonical key -> MediaInfo JSON key (the library's and the CLI's `--Output=JSON` alike)
_GENERAL_KEYS = {
    "format": "Format",
    "format_profile": "Format_Profile",
    "codec_id": "CodecID",
    "file_size": "FileSize",
    "duration": "Duration",
    "overall_bit_rate": "OverallBitRate",
    "is_streamable": "IsStreamable",
    "is_truncated": "IsTruncated",
}
_VIDEO_KEYS = {
    "format": "Format",
    "format_profile": "Format_Profile",
    "width": "Width",
    "height": "Height",
    "pixel_aspect_ratio": "PixelAspectRatio",
    "rotation": "Rotation",
    "bit_rate": "BitRate",
    "stream_size": "StreamSize",
    "frame_rate": "FrameRate",
    "frame_rate_mode": "FrameRate_Mode",
    "scan_type": "ScanType",
    "duration": "Duration",
}
_AUDIO_KEYS = {
    "format": "Format",
    "sampling_rate": "SamplingRate",
    "bit_rate": "BitRate",
    "stream_size": "StreamSize",
    "channels": "Channels",
    "duration": "Duration",
}
_KEYS = {"General": _GENERAL_KEYS, "Video": _VIDEO_KEYS, "Audio": _AUDIO_KEYS}
_INTERLACED = {"interlaced", "mbaff", "paff"}


# --- public API ------------------------------------------------------------------------------

def from_stream(f, *, read_budget: int = READ_BUDGET, timeout_s: float = PARSE_TIMEOUT_S) -> dict[str, Any]:
    """Facts of the media in the open seekable binary stream `f` (headers only).

    MediaInfo is handed at most `read_budget` bytes (junk that looks like MPEG-TS would otherwise be
    read to its end) and is bounded by `timeout_s`: libmediainfo 24.12 spins forever on some crafted
    MPEG-TS junk, and a stuck C call cannot be interrupted. Where it runs is `set_parse_path`'s
    choice; every path gives the same facts."""
    try:
        f.seek(0, 2)
        size = f.tell()
        f.seek(0)
        head = f.read(12)
        f.seek(0)
    except (OSError, ValueError, AttributeError) as exc:
        raise Unreadable("无法读取该文件（文件流不可定位）。", detail=str(exc)) from exc
    if size == 0:
        raise Unreadable("文件大小为 0 字节，是空文件，请重新导出或重新上传。", rule="file.empty")
    if _PATH == "in_process" and not _STUCK and _plain_container(head):
        tracks = _parse_in_thread(f, read_budget, timeout_s)
    else:
        tracks = _parse_isolated(f, size, read_budget, timeout_s)
    return _build(tracks)


_PATH = "worker"
_STUCK = False          # an in-process parse overran its timeout: its thread still spins


def set_parse_path(path: str) -> str:
    """'worker' (default; the app): every parse in the long-lived worker process (or a forked
    child), which is killed on a timeout. 'in_process' (a one-shot command): MP4/MOV/MKV content
    is parsed in this process under a watchdog, saving the worker's start; MPEG-TS and unknown
    content, where MediaInfo was seen to spin, still goes to the worker. Returns the previous path."""
    global _PATH
    if path not in ("worker", "in_process"):
        raise ValueError(path)
    previous, _PATH = _PATH, path
    return previous


def parse_stuck() -> bool:
    """True once an in-process parse overran its timeout (its thread is still running)."""
    return _STUCK


_MP4_BOXES = {b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip", b"pnot"}


def _plain_container(head: bytes) -> bool:
    """MP4/MOV (an ISO box first) or Matroska/WebM (EBML magic): MediaInfo reads these by their
    index and was never seen to spin on them."""
    return head[4:8] in _MP4_BOXES or head[:4] == b"\x1a\x45\xdf\xa3"


def _parse_in_thread(f, read_budget: int, timeout_s: float) -> list[tuple[str, dict]]:
    """Parse in this process on a daemon thread; give up after `timeout_s`. A stuck C call cannot
    be stopped: the thread is left to spin until the process exits and later parses go to the
    worker (the caller should end the process with os._exit, see parse_stuck)."""
    global _STUCK
    box: dict[str, Any] = {}

    def run():
        try:
            box["tracks"] = _parse_tracks(f, read_budget)
        except BaseException as exc:   # handed to the caller's thread
            box["error"] = exc

    t = threading.Thread(target=run, name="mediainfo-parse", daemon=True)
    t.start()
    t.join(timeout_s)
    if t.is_alive():
        _STUCK = True
        raise Unreadable(_TIMEOUT_MESSAGE, detail=f"MediaInfo did not finish in {timeout_s} s (in process)")
    if "error" in box:
        raise box["error"]
    return box["tracks"]


_TIMEOUT_MESSAGE = "分析该文件超时：文件内容异常（可能已损坏或不是正常的视频），无法读取。"


def _parse_isolated(f, size: int, read_budget: int, timeout_s: float) -> list[tuple[str, dict]]:
    """Parse in another process. A real file, or a window of one (a member stored in a ZIP), goes
    to the long-lived worker of checks.media.worker; any other stream to a child forked for it."""
    import socket   # only the isolated paths need it (3 ms of a one-shot check's start)
    window = _file_window(f, size)
    if window and hasattr(socket, "send_fds") and hasattr(os, "fork"):
        return _parse_in_worker(window, read_budget, timeout_s)
    if hasattr(os, "fork"):
        try:
            return _parse_in_child(f, read_budget, timeout_s)
        finally:
            f.seek(0)   # the child moved the shared file offset
    return _parse_tracks(f, read_budget)


def _file_window(f, size: int) -> tuple[int, int, int] | None:
    """(fd, start, length) when the stream is a real file or a window of one (a stored ZIP member)."""
    window = getattr(f, "window", None)
    if callable(window):
        return window()
    if isinstance(f, (io.BufferedReader, io.FileIO)):
        try:
            return (f.fileno(), 0, size)
        except (OSError, ValueError):
            return None
    return None


def _parse_window(fd: int, start: int, length: int, budget: int) -> dict:
    """Runs in the worker: parse bytes [start, start+length) of the file behind `fd`."""
    from checks.archives.rangefile import RangeFile
    try:
        with os.fdopen(os.dup(fd), "rb") as base:
            return {"tracks": _parse_tracks(RangeFile(base, start, length), budget)}
    except Unreadable as exc:
        return {"unreadable": exc.message, "detail": exc.detail}


_WORKER = None


def _parse_in_worker(window, read_budget: int, timeout_s: float) -> list[tuple[str, dict]]:
    global _WORKER
    from checks.media.worker import ParseWorker, WorkerDied, WorkerTimeout
    if _WORKER is None:
        _WORKER = ParseWorker(_parse_window, _preload_library)
    fd, start, length = window
    try:
        payload = _WORKER.parse(fd, start, length, read_budget, timeout_s)
    except WorkerTimeout as exc:
        raise Unreadable(_TIMEOUT_MESSAGE, detail=str(exc)) from exc
    except WorkerDied as exc:
        raise Unreadable("无法解析该视频文件，文件可能已损坏。", detail="MediaInfo worker died") from exc
    if "unreadable" in payload:
        raise Unreadable(payload["unreadable"], detail=payload.get("detail"))
    return [(kind, raw) for kind, raw in payload["tracks"]]


def _parse_tracks(f, read_budget: int) -> list[tuple[str, dict]]:
    """MediaInfo's tracks of `f` reduced to the canonical raw keys (durations in seconds), the
    frame rate cross-checked against the frames where MediaInfo calls it variable or unknown."""
    from checks.media import libmediainfo
    try:
        report = libmediainfo.parse_json(_Budgeted(f, read_budget))
    except Exception as exc:  # libmediainfo failure on hostile input: report, never crash
        raise Unreadable("无法解析该视频文件，文件可能已损坏。", detail=repr(exc)) from exc
    tracks = _tracks_from_json(report)
    _cross_check_frame_rate(f, tracks)
    return tracks


def _cross_check_frame_rate(f, tracks: list[tuple[str, dict]]) -> None:
    video = next((raw for kind, raw in tracks if kind == "Video"), None)
    if video is None:
        return
    mode = (_str(video.get("frame_rate_mode")) or "").upper()
    if mode != "VFR" and _num(video.get("frame_rate")) is not None:
        return
    from checks.media.frames import frame_timing
    general = next((raw for kind, raw in tracks if kind == "General"), {})
    f.seek(0)
    timing = frame_timing(f, sequential=_yes(general.get("is_streamable")) is True)
    if timing is None:
        return
    if timing.constant:
        video["frame_rate"], video["frame_rate_mode"] = timing.fps, "CFR"
    elif mode != "VFR":           # no rate from MediaInfo: the sampled frames' average
        video["frame_rate"], video["frame_rate_mode"] = timing.fps, "VFR"
    # variable and MediaInfo says so: its average (over the whole file) stands


def _parse_in_child(f, read_budget: int, timeout_s: float) -> list[tuple[str, dict]]:
    """Run `_parse_tracks` in a forked child; its JSON result comes back through a pipe."""
    import select
    import signal
    import time
    _preload_library()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: never return into the caller's code, never run atexit handlers
        code = 0
        try:
            os.close(r)
            try:
                payload = {"tracks": _parse_tracks(f, read_budget)}
            except Unreadable as exc:
                payload = {"unreadable": exc.message, "detail": exc.detail}
            with os.fdopen(w, "wb") as out:
                out.write(json.dumps(payload).encode())
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(w)
    chunks, deadline = [], time.monotonic() + timeout_s
    try:
        while True:
            left = deadline - time.monotonic()
            ready = select.select([r], [], [], max(left, 0))[0] if left > 0 else []
            if not ready:
                os.kill(pid, signal.SIGKILL)
                raise Unreadable(_TIMEOUT_MESSAGE, detail=f"MediaInfo did not finish in {timeout_s} s")
            chunk = os.read(r, 1 << 16)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(r)
        os.waitpid(pid, 0)
    try:
        payload = json.loads(b"".join(chunks))
    except ValueError as exc:
        raise Unreadable("无法解析该视频文件，文件可能已损坏。", detail="MediaInfo child died") from exc
    if "unreadable" in payload:
        raise Unreadable(payload["unreadable"], detail=payload.get("detail"))
    return [(kind, raw) for kind, raw in payload["tracks"]]


def _preload_library() -> None:
    """Load libmediainfo in the parent once, so a forked child never has to dlopen it."""
    from checks.media import libmediainfo
    try:
        libmediainfo.load()
    except OSError:
        pass                                     # the child will report the failure


def from_mediainfo_json(data: str | bytes | dict) -> dict[str, Any]:
    """The same facts from `mediainfo --Output=JSON FILE` output (text or parsed dict)."""
    return _build(_tracks_from_json(data))


def _tracks_from_json(data: str | bytes | dict) -> list[tuple[str, dict]]:
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise Unreadable("MediaInfo 的输出不是有效的 JSON。", detail=str(exc)) from exc
    media = (data or {}).get("media") or {}
    tracks = []
    for t in media.get("track") or []:
        kind = t.get("@type")
        if kind in _KEYS:
            extra = t.get("extra") or {}
            raw = {k: t.get(src, extra.get(src)) for k, src in _KEYS[kind].items()}
            raw["duration"] = _num(raw["duration"])
            tracks.append((kind, raw))
    return tracks


# --- building facts from canonical raw tracks ---------------------------------------------------

def _build(tracks: list[tuple[str, dict]]) -> dict[str, Any]:
    general = next((raw for kind, raw in tracks if kind == "General"), {})
    vids = [raw for kind, raw in tracks if kind == "Video"]
    auds = [raw for kind, raw in tracks if kind == "Audio"]
    fmt = _str(general.get("format"))
    truncated = _yes(general.get("is_truncated")) is True
    file_size = _int(general.get("file_size"))
    if file_size == 0:
        raise Unreadable("文件大小为 0 字节，是空文件，请重新导出或重新上传。", rule="file.empty")
    if not vids and not auds:
        raise Unreadable(_no_tracks_message(fmt, truncated))

    audio = [_audio(a) for a in auds]
    durations = [t["duration_s"] for t in audio if t["duration_s"]]
    video = [_video(v, general, audio) for v in vids]
    durations += [t["duration_s"] for t in video if t["duration_s"]]
    duration = _num(general.get("duration")) or (max(durations) if durations else None)
    return {
        "container": fmt,
        "container_kind": _container_kind(fmt, general),
        "format_profile": _str(general.get("format_profile")),
        "codec_id": _str(general.get("codec_id"), strip=False),
        "file_size": file_size,
        "duration_s": duration,
        "overall_bit_rate": _int(general.get("overall_bit_rate")),
        "is_truncated": truncated,
        "is_streamable": _yes(general.get("is_streamable")),
        "video": video,
        "audio": audio,
    }


def _no_tracks_message(fmt: str | None, truncated: bool) -> str:
    if truncated and fmt in ("MPEG-4", "QuickTime"):
        return ("视频文件不完整：文件在复制或上传时被截断，缺少视频索引（moov），任何播放器都无法打开。"
                "请从原始文件重新复制或重新导出后再提交。")
    if truncated:
        return "视频文件不完整（被截断），无法读取画面和声音。请重新复制或重新导出。"
    if fmt:
        return f"该文件的内容是 {fmt} 格式，不是视频文件（没有画面和声音轨道）。"
    return "无法识别该文件的内容：不是视频文件，或者文件已损坏。"


def _video(v: dict, general: dict, audio: list[dict]) -> dict[str, Any]:
    width, height = _int(v.get("width")), _int(v.get("height"))
    rotation = int(round(_num(v.get("rotation")) or 0)) % 360
    par = _num(v.get("pixel_aspect_ratio")) or 1.0
    dw = int(round(width * par)) if width else None
    dh = height
    if rotation in (90, 270):
        dw, dh = dh, dw
    duration = _num(v.get("duration"))
    bit_rate, source = _int(v.get("bit_rate")), "stream"
    if not bit_rate:
        bit_rate, source = _rate_from_size(v.get("stream_size"), duration), "stream_size"
    if not bit_rate:
        overall = _int(general.get("overall_bit_rate"))
        audio_rates = [a["bit_rate"] for a in audio]
        if overall and all(audio_rates):
            bit_rate, source = overall - sum(audio_rates), "overall_minus_audio"
    if not bit_rate or bit_rate <= 0:
        bit_rate, source = None, None
    scan = _str(v.get("scan_type"))
    mode = _str(v.get("frame_rate_mode"))
    return {
        "codec": _str(v.get("format")),
        "profile": (_str(v.get("format_profile")) or "").split("@")[0] or None,
        "width": width, "height": height,
        "display_width": dw, "display_height": dh,
        "rotation": rotation,
        "bit_rate": bit_rate, "bit_rate_source": source,
        "frame_rate": _num(v.get("frame_rate")),
        "frame_rate_mode": mode.upper() if mode else None,
        "scan_type": scan,
        "interlaced": None if not scan else scan.lower() in _INTERLACED,
        "duration_s": duration,
    }


def _audio(a: dict) -> dict[str, Any]:
    duration = _num(a.get("duration"))
    bit_rate, source = _int(a.get("bit_rate")), "stream"
    if not bit_rate:
        bit_rate, source = _rate_from_size(a.get("stream_size"), duration), "stream_size"
    if not bit_rate:
        source = None
    return {
        "codec": _str(a.get("format")),
        "sample_rate": _int(a.get("sampling_rate")),
        "bit_rate": bit_rate, "bit_rate_source": source,
        "channels": _int(a.get("channels")),
        "duration_s": duration,
    }


def _container_kind(fmt: str | None, general: dict) -> str | None:
    if not fmt:
        return None
    profile = (_str(general.get("format_profile")) or "").lower()
    brand = (_str(general.get("codec_id"), strip=False) or "").lower()
    if fmt == "MPEG-4":
        if "quicktime" in profile or brand.strip() == "qt":
            return "mov"
        if brand.startswith("3g") or profile.startswith("3gp"):
            return "3gp"
        return "mp4"
    return {"QuickTime": "mov", "Matroska": "mkv", "WebM": "webm", "Flash Video": "flv",
            "MPEG-TS": "mpegts", "MPEG-PS": "mpeg", "Windows Media": "wmv"}.get(fmt, fmt.lower())


# --- value helpers: MediaInfo gives ints, '25.000', '2000.000000', '1 / 2' ... ----------------

def _num(value) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    m = _NUM.search(str(value))
    return float(m.group()) if m else None


def _int(value) -> int | None:
    n = _num(value)
    return int(round(n)) if n is not None else None


def _str(value, strip: bool = True) -> str | None:
    if value is None:
        return None
    s = str(value).split(" / ")[0] if strip else str(value)
    return (s.strip() if strip else s) or None


def _yes(value) -> bool | None:
    if value is None:
        return None
    return str(value).strip().lower() == "yes"


def _ms_to_s(value) -> float | None:
    n = _num(value)
    return n / 1000.0 if n is not None else None


def _rate_from_size(stream_size, duration_s) -> int | None:
    size = _int(stream_size)
    if size and duration_s:
        return int(round(size * 8 / duration_s))
    return None
