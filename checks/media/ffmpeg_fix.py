"""One ffmpeg command line that turns a non-conforming video into one that meets `video_spec`.

Only what is wrong gets a filter (deinterlace, scale+pad, silent audio); a re-encode always sets
every spec value (codec, profile, pixel format, CFR frame rate, bitrate floor, AAC 48 kHz 128k,
faststart), because ffmpeg's defaults (CRF 23, source frame rate) would break other rules. When the
streams already conform and only the container or the moov position is wrong, the command is the
cheap, lossless `-c copy -movflags +faststart` remux.
"""
from __future__ import annotations

import math
import re
import shlex
from pathlib import PurePath

_SAFE_IN_DOUBLE_QUOTES = re.compile(r'^[^"$`%\\!]*$')


def quote(name: str) -> str:
    """Double quotes work in cmd.exe, PowerShell and POSIX shells alike; fall back to POSIX
    quoting for names with characters that double quotes do not protect."""
    if _SAFE_IN_DOUBLE_QUOTES.match(name):
        return f'"{name}"'
    return shlex.quote(name)


def default_output_name(src_name: str) -> str:
    p = PurePath(src_name)
    return str(p.with_name(f"{p.stem}_规范.mp4"))


def fix_command(facts: dict, video_spec: dict, src_name: str, dst_name: str | None = None) -> str:
    """The ffmpeg command making a conforming MP4 from the file described by `facts`.

    Returns "" when there is nothing ffmpeg could do (no video track at all)."""
    dst = dst_name or default_output_name(src_name)
    video = facts.get("video") or []
    if not video:
        return ""
    needs = _needs(facts, video_spec)
    if not needs & _REENCODE_NEEDS:
        return f"ffmpeg -i {quote(src_name)} -map 0 -c copy -movflags +faststart {quote(dst)}"
    return _reencode(facts, video_spec, needs, src_name, dst)


def trim_command(src_name: str, max_seconds: float, dst_name: str | None = None) -> str:
    """Keep the first `max_seconds` (lossless cut at a keyframe): an example for over-long videos."""
    dst = dst_name or default_output_name(src_name)
    return (f"ffmpeg -i {quote(src_name)} -t {int(max_seconds)} -map 0 -c copy "
            f"-movflags +faststart {quote(dst)}")


_REENCODE_NEEDS = {"codec", "bitrate", "scale", "deinterlace", "fps", "audio", "add_audio", "size"}


def _needs(facts: dict, spec: dict) -> set[str]:
    """What the source lacks, in the fixer's terms (a subset of the judge's findings)."""
    needs: set[str] = set()
    v = facts["video"][0]
    if any(t.get("codec") != spec["codec"] for t in facts["video"]):
        needs.add("codec")
    br = v.get("bit_rate")
    if br is not None and br < spec["min_bitrate_kbps"] * 1000 * (1 - spec["bitrate_tolerance"]):
        needs.add("bitrate")
    dw, dh = v.get("display_width") or 0, v.get("display_height") or 0
    if dw < spec["min_width"] or dh < spec["min_height"]:
        needs.add("scale")
    if v.get("interlaced"):
        needs.add("deinterlace")
    fps = v.get("frame_rate")
    if v.get("frame_rate_mode") == "VFR" or fps is None or abs(fps - spec["fps"]) > spec["fps_tolerance"]:
        needs.add("fps")
    audio = facts.get("audio") or []
    if not audio:
        needs.add("add_audio")
    for a in audio:
        br_a, target = a.get("bit_rate"), spec["audio_bitrate_kbps"] * 1000
        if (a.get("codec") != spec["audio_codec"] or a.get("sample_rate") != spec["audio_sample_rate"]
                or br_a is None or abs(br_a - target) > target * spec["audio_bitrate_tolerance"]):
            needs.add("audio")
    if (facts.get("file_size") or 0) > spec["max_size_mb"] * 1_000_000:
        needs.add("size")
    return needs


def _reencode(facts: dict, spec: dict, needs: set[str], src: str, dst: str) -> str:
    w, h, fps = spec["min_width"], spec["min_height"], spec["fps"]
    filters = []
    if "deinterlace" in needs:
        filters.append("yadif")
    if "scale" in needs:
        # fit inside w x h keeping the aspect ratio, then pad to exactly w x h with black bars
        filters.append(f"scale={w}:{h}:force_original_aspect_ratio=decrease")
        filters.append(f"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2")
        filters.append("setsar=1")
    vkbps, minrate, maxrate = _video_rates(facts, spec)
    parts = ["ffmpeg", "-i", quote(src)]
    if "add_audio" in needs:
        parts += ["-f", "lavfi", "-i", f"anullsrc=r={spec['audio_sample_rate']}:cl=stereo"]
        parts += ["-map", "0:v:0", "-map", "1:a:0", "-shortest"]
    else:
        parts += ["-map", "0:v:0", "-map", "0:a"]
    if filters:
        parts += ["-vf", quote(",".join(filters))]   # pad's (ow-iw)/2 must not reach the shell
    parts += ["-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p",
              "-r", str(fps), "-fps_mode", "cfr",
              "-b:v", f"{vkbps}k", "-minrate", f"{minrate}k", "-maxrate", f"{maxrate}k",
              "-bufsize", f"{maxrate}k",
              "-c:a", "aac", "-ar", str(spec["audio_sample_rate"]), "-b:a", f"{spec['audio_bitrate_kbps']}k",
              "-movflags", "+faststart", quote(dst)]
    return " ".join(parts)


def _video_rates(facts: dict, spec: dict) -> tuple[int, int, int]:
    """Average, floor and ceiling video kb/s: twice the minimum, but inside the size limit."""
    floor_kbps = spec["min_bitrate_kbps"]
    target = 2 * floor_kbps
    duration = facts.get("duration_s")
    if duration:
        # 95 % of the decimal size limit, minus the audio, spread over the duration
        budget = int(spec["max_size_mb"] * 1_000_000 * 8 * 0.95 / duration / 1000) - spec["audio_bitrate_kbps"]
        target = max(min(target, budget), math.ceil(floor_kbps * 1.1))
    minrate = math.ceil(floor_kbps * 1.1)
    return target, min(minrate, target), 2 * target
