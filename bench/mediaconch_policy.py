"""A MediaConch policy equivalent to the vocational-practice video rules, generated from
data/rules/contest.yaml (`video_spec` and the item's durations), so that the two cannot drift.

Each rule's name starts with the rule id of checks.media.rules that it stands for. Thresholds are
where our judge reports an *error* (a reading inside a tolerance band is only a warning there),
so "MediaConch fails the file" should mean "our verdict is fail". MediaConch 23.03's `!=` and
`contains` operators always fail, so "MP4, not MOV" is `Format_Profile starts with Base Media`.

    .venv/bin/python bench/mediaconch_policy.py > vocational.xml
"""
from __future__ import annotations

import sys
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

REPO = Path(__file__).resolve().parents[1]


def vocational_rules(rules: dict) -> list[tuple[str, str, str, str, str]]:
    """(rule id, track type, MediaInfo field, operator, value) of the vocational lesson video."""
    s = rules["video_spec"]
    item = next(i for i in rules["projects"]["vocational_practice"]["items"] if i["key"] == "lesson_video")
    v = item["video"]
    tol = s["duration_tolerance_s"]
    min_bps = s["min_bitrate_kbps"] * 1000 * (1 - s["bitrate_tolerance"])
    ab = s["audio_bitrate_kbps"] * 1000
    out = [
        ("video.container", "General", "Format", "=", s["container"]),
        ("video.container", "General", "Format_Profile", "starts with", "Base Media"),
        ("video.codec", "Video", "Format", "=", s["codec"]),
        ("video.bitrate", "Video", "BitRate", ">=", _n(min_bps)),
        ("video.resolution", "Video", "Width", ">=", _n(s["min_width"])),
        ("video.resolution", "Video", "Height", ">=", _n(s["min_height"])),
        ("video.scan", "Video", "ScanType", "=", s["scan_type"]),
        ("video.fps", "Video", "FrameRate_Mode", "=", "CFR"),
        ("video.fps", "Video", "FrameRate", ">=", _n(s["fps"] - s["fps_tolerance"])),
        ("video.fps", "Video", "FrameRate", "<=", _n(s["fps"] + s["fps_tolerance"])),
        ("video.size", "General", "FileSize", "<=", _n(s["max_size_mb"] * 2 ** 20)),
        ("audio.present", "General", "AudioCount", ">=", "1"),
        ("audio.codec", "Audio", "Format", "=", s["audio_codec"]),
        ("audio.sample_rate", "Audio", "SamplingRate", "=", _n(s["audio_sample_rate"])),
        ("audio.bitrate", "Audio", "BitRate", ">=", _n(ab * (1 - s["audio_bitrate_tolerance"]))),
        ("audio.bitrate", "Audio", "BitRate", "<=", _n(ab * (1 + s["audio_bitrate_tolerance"]))),
    ]
    if v.get("min_duration_s") is not None:
        out.append(("video.duration", "General", "Duration", ">=", _n(v["min_duration_s"] - tol)))
    if v.get("max_duration_s") is not None:
        out.append(("video.duration", "General", "Duration", "<=", _n(v["max_duration_s"] + tol)))
    return out


def policy_xml(rules: dict) -> str:
    lines = ['<?xml version="1.0"?>',
             '<policy type="and" name="vocational_practice lesson_video (data/rules/contest.yaml)">']
    for rule_id, track, field, op, value in vocational_rules(rules):
        name = f"{rule_id}: {track}/{field} {op} {value}"
        lines.append(f'  <rule name={quoteattr(name)} value="{field}" tracktype="{track}" occurrence="*" '
                     f'operator={quoteattr(op)}>{escape(value)}</rule>')
    lines.append("</policy>")
    return "\n".join(lines) + "\n"


def _n(x: float) -> str:
    return f"{x:g}" if x != int(x) else str(int(x))


def load_contest_rules() -> dict:
    import yaml
    return yaml.safe_load((REPO / "data/rules/contest.yaml").read_text("utf-8"))


if __name__ == "__main__":
    sys.stdout.write(policy_xml(load_contest_rules()))
