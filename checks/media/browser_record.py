"""A video the teacher's browser analysed itself: its MediaInfo JSON stands in for the file.

The self-check uploader runs MediaInfo (WebAssembly, the same MediaInfoLib as the server's) on a
video in the browser and sends only the JSON; the route stores it at the video's own path as a
small record file:

    RATING-BROWSER-MEDIAINFO 1\\n{"size": <bytes>, "kind": "<sniffed kind>", "mediainfo": {...}}

Everything in it is untrusted. `envelope()` checks the outer shape (the route refuses what fails);
`load()` checks the MediaInfo part field by field and raises `Unreadable` with a Chinese message,
which the engine reports as a finding. Facts come from `checks.media.facts.from_mediainfo_json`,
the same builder the server's own parse feeds, so the same rules see the same facts.
"""
from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from checks.errors import Unreadable

MAGIC = b"RATING-BROWSER-MEDIAINFO 1\n"
MAX_RECORD_BYTES = 256 * 1024        # a full MediaInfo JSON of a real video is 4-20 KB
MAX_TRACKS = 64
MAX_VALUE_CHARS = 4096
MAX_DEPTH = 6
MAX_DECLARED_SIZE = 1 << 44          # 16 TiB: any real recording is far below
# Kinds the browser may claim (checks.sniff names; data/rules/contest.yaml kind_groups.video).
VIDEO_KINDS = frozenset({"mp4", "mov", "mkv", "avi", "flv", "wmv", "mpegts", "webm", "mpeg", "3gp"})
_TRACK_TYPES = {"General", "Video", "Audio", "Text", "Menu", "Image", "Other"}
_NUMBER = re.compile(r"-?\d{1,15}(?:\.\d{1,12})?(?: / -?\d{1,15}(?:\.\d{1,12})?)*")

# MediaInfo fields the facts are built from, with the range a real file can have.
_RANGES: dict[str, dict[str, tuple[float, float]]] = {
    "General": {"FileSize": (0, MAX_DECLARED_SIZE), "Duration": (0, 1e7), "OverallBitRate": (0, 1e12)},
    "Video": {"Width": (1, 65535), "Height": (1, 65535), "PixelAspectRatio": (0.01, 100),
              "Rotation": (-360, 360), "BitRate": (0, 1e12), "StreamSize": (0, MAX_DECLARED_SIZE),
              "FrameRate": (0, 10000), "Duration": (0, 1e7)},
    "Audio": {"SamplingRate": (1, 1e7), "BitRate": (0, 1e12), "StreamSize": (0, MAX_DECLARED_SIZE),
              "Channels": (1, 1024), "Duration": (0, 1e7)},
}
_ADVICE = "请重新选择该文件；如仍出现本提示，请改用其他浏览器或直接上传该视频检查。"


@dataclass
class BrowserVideo:
    """A record read back from disk: either valid (kind, size, mediainfo) or broken (error)."""
    size: int
    kind: str | None = None
    mediainfo: dict | None = None
    error: str | None = None

    def facts(self) -> dict[str, Any]:
        """The inspector output, exactly as `from_stream` would build it (may raise Unreadable)."""
        from checks.media.facts import from_mediainfo_json
        return from_mediainfo_json(self.mediainfo)


def is_record(head: bytes) -> bool:
    return head.startswith(MAGIC)


def declared_size(path) -> int | None:
    """The video size a record file states (None if the file is no valid record): for listings
    that show sizes before the check, e.g. the live checklist."""
    try:
        with open(path, "rb") as f:
            data = f.read(len(MAGIC) + MAX_RECORD_BYTES + 1)
    except OSError:
        return None
    if not is_record(data):
        return None
    try:
        return envelope(data[len(MAGIC):])["size"]
    except Unreadable:
        return None


def envelope(body: bytes) -> dict:
    """The route's check of a PUT body: JSON object with size, kind and a mediainfo object."""
    if len(body) > MAX_RECORD_BYTES:
        raise Unreadable(f"视频分析结果过大（超过 {MAX_RECORD_BYTES // 1024} KB）。")
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Unreadable("视频分析结果不是有效的 JSON。", detail=str(exc)[:200]) from exc
    if not isinstance(data, dict):
        raise Unreadable("视频分析结果格式不对（应为 JSON 对象）。")
    size, kind, media = data.get("size"), data.get("kind"), data.get("mediainfo")
    if not isinstance(size, int) or isinstance(size, bool) or not 0 < size <= MAX_DECLARED_SIZE:
        raise Unreadable("视频分析结果中的文件大小无效。")
    if kind not in VIDEO_KINDS:
        raise Unreadable("视频分析结果中的文件类型无效（不是视频）。")
    if not isinstance(media, dict):
        raise Unreadable("视频分析结果缺少 MediaInfo 数据。")
    return {"size": size, "kind": kind, "mediainfo": media}


def encode(env: dict) -> bytes:
    """The record file's bytes for a checked envelope."""
    return MAGIC + json.dumps(env, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def load(data: bytes) -> BrowserVideo:
    """Read a record file (never raises: a broken record comes back with `error` set)."""
    body = data[len(MAGIC):] if is_record(data) else data
    try:
        env = envelope(body)
        _check_mediainfo(env["mediainfo"], env["size"])
    except Unreadable as exc:
        return BrowserVideo(size=len(data), error=f"浏览器提交的视频分析结果无效：{exc.message}{_ADVICE}")
    return BrowserVideo(size=env["size"], kind=env["kind"], mediainfo=env["mediainfo"])


def _check_mediainfo(data: dict, declared_size: int) -> None:
    media = data.get("media")
    if not isinstance(media, dict):
        raise Unreadable("缺少 media 部分。")
    tracks = media.get("track")
    if not isinstance(tracks, list) or not 0 < len(tracks) <= MAX_TRACKS:
        raise Unreadable("轨道列表缺失或数量不合理。")
    for t in tracks:
        if not isinstance(t, dict) or t.get("@type") not in _TRACK_TYPES:
            raise Unreadable("轨道格式不对。")
        for key, value in t.items():
            _check_value(key, value)
        for key, (low, high) in _RANGES.get(t["@type"], {}).items():
            value = t.get(key, (t.get("extra") or {}).get(key))
            if value is not None:
                _check_number(key, value, low, high)
        if t["@type"] == "General" and t.get("FileSize") is not None:
            if int(float(str(t["FileSize"]).split(" / ")[0])) != declared_size:
                raise Unreadable("其中的文件大小与所选文件不一致。")


def _check_value(key, value, depth: int = 0) -> None:
    """Plain strings, nested a few levels in objects and lists ("extra", conformance reports)."""
    if not isinstance(key, str) or len(key) > 128:
        raise Unreadable("字段名不合理。")
    if isinstance(value, str):
        if len(value) > MAX_VALUE_CHARS:
            raise Unreadable(f"字段 {key[:40]} 过长。")
    elif isinstance(value, (dict, list)) and depth < MAX_DEPTH:
        items = value.items() if isinstance(value, dict) else ((key, v) for v in value)
        for k, v in items:
            _check_value(k, v, depth + 1)
    else:
        raise Unreadable(f"字段 {key[:40]} 的类型不对。")


def _check_number(key: str, value, low: float, high: float) -> None:
    if not isinstance(value, str) or not _NUMBER.fullmatch(value.strip()):
        raise Unreadable(f"字段 {key} 的值不是数字。")
    for part in value.split(" / "):
        n = float(part)
        if not (math.isfinite(n) and low <= n <= high):
            raise Unreadable(f"字段 {key} 的值“{value[:30]}”超出合理范围。")
