"""Every numeric video/audio rule just inside and just outside its limit.

The limits are read from data/rules/contest.yaml, so the cases follow the data; the verdicts are
computed here with exact decimals (never with the judge's own arithmetic). Facts come from a real
720p sample read by MediaInfo; each case changes ONE number in a copy of them.
"""
from __future__ import annotations

import copy
from decimal import Decimal as D

import pytest
import yaml

from checks.findings import ERROR, WARNING
from checks.media.facts import from_stream
from checks.media.rules import judge_total_duration, judge_video
from samplegen.media import sample
from tests.conftest import REPO

RULES = yaml.safe_load((REPO / "data/rules/contest.yaml").read_text("utf-8"))
SPEC = RULES["video_spec"]


def _item(project: str, key: str = "lesson_video") -> dict:
    return next(i for i in RULES["projects"][project]["items"] if i["key"] == key)


VOC = _item("vocational_practice")          # spec_level error, min and max duration
FUSION = _item("fusion_case")               # spec_level warning, total duration
assert VOC["video"]["spec_level"] == ERROR and FUSION["video"]["spec_level"] == WARNING

FPS, FPS_TOL = D(str(SPEC["fps"])), D(str(SPEC["fps_tolerance"]))
FRAME_S = 1 / FPS                            # one frame: 40 ms at 25 帧/秒
LO, HI = D(str(VOC["video"]["min_duration_s"])), D(str(VOC["video"]["max_duration_s"]))
DUR_TOL = D(str(SPEC["duration_tolerance_s"]))
MIN_BPS = D(SPEC["min_bitrate_kbps"]) * 1000
BR_TOL = D(str(SPEC["bitrate_tolerance"]))
AUDIO_BPS, AUDIO_TOL = D(SPEC["audio_bitrate_kbps"]) * 1000, D(str(SPEC["audio_bitrate_tolerance"]))
SIZE_MB = SPEC["max_size_mb"]


@pytest.fixture(scope="module")
def real_facts(tmp_path_factory) -> dict:
    """Facts of a real conforming 720p H.264/AAC MP4, its length moved inside the 15–20 min band."""
    root = tmp_path_factory.getbasetemp() / "media_samples"
    with open(sample(root, "ok_720p"), "rb") as f:
        facts = from_stream(f)
    facts["duration_s"] = float((LO + HI) / 2)
    return facts


def _with(facts: dict, where: tuple, value) -> dict:
    out = copy.deepcopy(facts)
    target = out
    for k in where[:-1]:
        target = target[k]
    target[where[-1]] = value
    return out


def _verdict(facts: dict, rule: str, item: dict = VOC) -> list[tuple[str, str]]:
    return [(f.rule, f.level) for f in judge_video(facts, item, SPEC, "教学活动录像.mp4") if f.rule == rule]


def test_the_real_sample_passes_every_rule(real_facts):
    assert judge_video(real_facts, VOC, SPEC, "教学活动录像.mp4") == []


# --- video.fps: constant 25 within the tolerance ------------------------------------------------

def _fps_ok(fps: D) -> bool:
    return abs(fps - FPS) <= FPS_TOL


FPS_CASES = [
    FPS,
    pytest.param(FPS - FPS_TOL, id="just-inside-low"),     # 24.99 (25 - 24.99 is 0.0100000000000016 in floats)
    pytest.param(FPS + FPS_TOL, id="just-inside-high"),    # 25.01
    FPS - FPS_TOL / 2, FPS + FPS_TOL / 2,                                      # 24.995, 25.005
    FPS - 2 * FPS_TOL, FPS + 2 * FPS_TOL,                                      # 24.98, 25.02
    FPS - D("0.4"), FPS + D("0.4"),                # round() would call these 25
    FPS - D("0.5"), FPS + D("0.5"),                # 24.5 / 25.5
    D("29.97"), D("30"), D("23.976"), D("50"),
]


@pytest.mark.parametrize("fps", FPS_CASES, ids=str)
def test_fps_boundary(real_facts, fps):
    facts = _with(real_facts, ("video", 0, "frame_rate"), float(fps))
    want = [] if _fps_ok(fps) else [("video.fps", ERROR)]
    assert _verdict(facts, "video.fps") == want
    # where the notice only asks for MP4, the same reading is a warning, never an error
    assert _verdict(facts, "video.fps", FUSION) == ([] if _fps_ok(fps) else [("video.fps", WARNING)])


def test_variable_frame_rate_fails_even_at_25_on_average(real_facts):
    facts = _with(real_facts, ("video", 0, "frame_rate_mode"), "VFR")
    assert _verdict(facts, "video.fps") == [("video.fps", ERROR)]


# --- video.bitrate: minimum, with a warning band just under it ------------------------------------

BR_BAND_LOW = MIN_BPS * (1 - BR_TOL)          # 993 280 b/s: readings of a 1024k encode land here


@pytest.mark.parametrize("bps", [MIN_BPS, MIN_BPS + 1, MIN_BPS - 1, BR_BAND_LOW, BR_BAND_LOW - 1,
                                 MIN_BPS / 2], ids=str)
def test_video_bitrate_boundary(real_facts, bps):
    facts = _with(real_facts, ("video", 0, "bit_rate"), int(bps))
    if bps >= MIN_BPS:
        want = []
    elif bps >= BR_BAND_LOW:
        want = [("video.bitrate", WARNING)]
    else:
        want = [("video.bitrate", ERROR)]
    assert _verdict(facts, "video.bitrate") == want


# --- video.resolution: displayed size not below the minimum -------------------------------------

W, H = SPEC["min_width"], SPEC["min_height"]


@pytest.mark.parametrize("size,want", [
    ((W, H), []), ((W + 1, H + 1), []), ((1920, 1080), []),
    ((W - 1, H), [("video.resolution", ERROR)]), ((W, H - 1), [("video.resolution", ERROR)]),
    ((H, W), [("video.resolution", WARNING)]),           # portrait: enough pixels, wrong way round
    ((H - 1, W), [("video.resolution", ERROR)]),
], ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else None)
def test_resolution_boundary(real_facts, size, want):
    facts = _with(real_facts, ("video", 0, "display_width"), size[0])
    facts["video"][0]["display_height"] = size[1]
    assert _verdict(facts, "video.resolution") == want


# --- video.size: decimal MB, a warning up to the same number of MiB -----------------------------

@pytest.mark.parametrize("size", [SIZE_MB * 10**6, SIZE_MB * 10**6 + 1, SIZE_MB * 2**20, SIZE_MB * 2**20 + 1],
                         ids=str)
def test_file_size_boundary(real_facts, size):
    facts = _with(real_facts, ("file_size",), size)
    if size <= SIZE_MB * 10**6:
        want_voc = want_fusion = []
    elif size <= SIZE_MB * 2**20:
        want_voc = want_fusion = [("video.size", WARNING)]
    else:
        want_voc, want_fusion = [("video.size", ERROR)], [("video.size", WARNING)]
    assert _verdict(facts, "video.size") == want_voc
    assert _verdict(facts, "video.size", FUSION) == want_fusion


def test_size_message_states_both_units(real_facts):
    f = judge_video(_with(real_facts, ("file_size",), SIZE_MB * 10**6 + 1), VOC, SPEC, "a.mp4")
    msg = next(x.message for x in f if x.rule == "video.size")
    assert f"超过 {SIZE_MB} MB" in msg and f"不超过 {SIZE_MB} MiB" in msg


# --- video.duration: 15–20 min, a tolerance either side, a frame past it fails -------------------

def _duration_ok(d: D) -> bool:
    return LO - DUR_TOL <= d <= HI + DUR_TOL


DURATIONS = [LO, HI, LO - FRAME_S, HI + FRAME_S, LO + FRAME_S, HI - FRAME_S,
             LO - DUR_TOL, HI + DUR_TOL,                                   # the last readings that pass
             LO - DUR_TOL - FRAME_S, HI + DUR_TOL + FRAME_S,               # one frame beyond: fail
             LO - 60, HI + 60]


@pytest.mark.parametrize("seconds", DURATIONS, ids=str)
def test_duration_boundary(real_facts, seconds):
    facts = _with(real_facts, ("duration_s",), float(seconds))
    want = [] if _duration_ok(seconds) else [("video.duration", ERROR)]
    assert _verdict(facts, "video.duration") == want


TOTAL = D(str(FUSION["video"]["total_max_duration_s"]))      # 50 min over all recordings


@pytest.mark.parametrize("total", [TOTAL, TOTAL + FRAME_S, TOTAL + DUR_TOL, TOTAL + DUR_TOL + FRAME_S],
                         ids=str)
def test_total_duration_boundary(real_facts, total):
    first = _with(real_facts, ("duration_s",), float(total / 2))
    second = _with(real_facts, ("duration_s",), float(total - total / 2))
    found = judge_total_duration([first, second], FUSION, ["第一节.mp4", "第二节.mp4"], SPEC)
    want = [] if total <= TOTAL + DUR_TOL else [("video.duration", ERROR)]
    assert [(f.rule, f.level) for f in found] == want


# --- audio: 48 kHz exactly, 128 kb/s within its band -------------------------------------------

@pytest.mark.parametrize("rate", [SPEC["audio_sample_rate"], 44100, 32000, 47999, 48001, 96000], ids=str)
def test_audio_sample_rate_boundary(real_facts, rate):
    facts = _with(real_facts, ("audio", 0, "sample_rate"), rate)
    want = [] if rate == SPEC["audio_sample_rate"] else [("audio.sample_rate", ERROR)]
    assert _verdict(facts, "audio.sample_rate") == want


AUDIO_LOW, AUDIO_HIGH = AUDIO_BPS * (1 - AUDIO_TOL), AUDIO_BPS * (1 + AUDIO_TOL)   # 120 320 – 135 680


@pytest.mark.parametrize("bps", [AUDIO_BPS, AUDIO_LOW, AUDIO_HIGH, AUDIO_LOW - 1, AUDIO_HIGH + 1,
                                 D(64000), D(192000)], ids=str)
def test_audio_bitrate_boundary(real_facts, bps):
    facts = _with(real_facts, ("audio", 0, "bit_rate"), int(bps))
    want = [] if AUDIO_LOW <= bps <= AUDIO_HIGH else [("audio.bitrate", ERROR)]
    assert _verdict(facts, "audio.bitrate") == want
