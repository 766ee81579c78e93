"""checks.media.rules and checks.media.ffmpeg_fix on facts of real generated videos.

Each rule id has a failing case and a passing case; numbers come from data/rules/contest.yaml.
"""
from __future__ import annotations

import shlex

import pytest
import yaml

from checks.media.ffmpeg_fix import fix_command
from checks.findings import ERROR, WARNING
from checks.media.facts import from_stream
from checks.media.rules import judge_total_duration, judge_video
from samplegen.media import sample
from tests.conftest import REPO

RULES = yaml.safe_load((REPO / "data/rules/contest.yaml").read_text("utf-8"))
SPEC = RULES["video_spec"]


def _item(project: str, key: str = "lesson_video") -> dict:
    return next(i for i in RULES["projects"][project]["items"] if i["key"] == key)


VOC = _item("vocational_practice")        # spec_level error, 15–20 min
FUSION = _item("fusion_case")             # spec_level warning, total ≤ 50 min
DEMO = _item("afterschool", "demo_video")  # spec_level warning, no duration


@pytest.fixture(scope="session")
def facts_of(tmp_path_factory):
    root = tmp_path_factory.getbasetemp() / "media_samples"
    cache: dict[str, dict] = {}

    def get(name: str) -> dict:
        if name not in cache:
            with open(sample(root, name), "rb") as f:
                cache[name] = from_stream(f)
        return cache[name]
    return get


def judge(facts, item=DEMO, path="教学 录像.mp4"):
    return judge_video(facts, item, SPEC, path)


def by_rule(findings, rule):
    return [f for f in findings if f.rule == rule]


def one(findings, rule):
    hits = by_rule(findings, rule)
    assert len(hits) == 1, [(f.rule, f.level, f.message) for f in findings]
    return hits[0]


# --- the passing files ---------------------------------------------------------------------

def test_a_conforming_16_minute_vocational_video_has_no_findings(facts_of):
    assert judge(facts_of("long_16min"), VOC, "职教/教学活动录像.mp4") == []


def test_a_conforming_short_hd_demo_video_has_no_findings(facts_of):
    assert judge(facts_of("ok_720p"), DEMO) == []


# --- video.container ------------------------------------------------------------------------

def test_mov_behind_mp4_is_a_container_error_with_a_lossless_remux_fix(facts_of):
    f = one(judge(facts_of("mov_720p"), DEMO, "演示视频.mp4"), "video.container")
    assert f.level == ERROR and f.actual == "MOV（QuickTime）" and "MP4" in f.expected
    assert ".mp4" in f.message
    assert '-c copy -movflags +faststart' in f.fix and "libx264" not in f.fix
    assert '"演示视频.mp4"' in f.fix


def test_mkv_behind_mp4_is_a_container_error_even_for_warning_level_items(facts_of):
    f = one(judge(facts_of("mkv_720p"), FUSION), "video.container")
    assert f.level == ERROR and f.actual == "MKV（Matroska）"


# --- video.codec ------------------------------------------------------------------------

@pytest.mark.parametrize("item,level", [(VOC, ERROR), (FUSION, WARNING)])
def test_hevc_is_a_codec_finding_at_the_items_spec_level(facts_of, item, level):
    f = one(judge(facts_of("hevc"), item), "video.codec")
    assert f.level == level and f.actual == "H.265（HEVC）" and f.expected == "H.264（AVC）"
    assert "-c:v libx264" in f.fix


def test_mpeg4_part2_fails_codec_and_h264_passes(facts_of):
    assert one(judge(facts_of("mpeg4"), VOC), "video.codec").actual == "MPEG-4 Part 2"
    assert by_rule(judge(facts_of("ok_small"), VOC), "video.codec") == []


# --- video.bitrate ----------------------------------------------------------------------

def test_bitrate_just_under_1024_is_a_warning_naming_the_reading(facts_of):
    f = one(judge(facts_of("br1000_720p"), VOC), "video.bitrate")
    assert f.level == WARNING and "视频流码率" in f.message
    assert f.actual.endswith("kb/s") and "1024 kb/s" in f.expected


def test_bitrate_well_under_1024_fails_at_spec_level(facts_of):
    f = one(judge(facts_of("br500_720p"), VOC), "video.bitrate")
    assert f.level == ERROR and f.actual.endswith("kb/s")
    assert "-b:v 2048k" in f.fix and "-minrate" in f.fix and "-maxrate" in f.fix and "-bufsize" in f.fix


def test_bitrate_above_1024_passes(facts_of):
    assert by_rule(judge(facts_of("ok_720p"), VOC), "video.bitrate") == []


# --- video.resolution --------------------------------------------------------------------

def test_720x576_fails_resolution_with_scale_and_pad_fix(facts_of):
    f = one(judge(facts_of("pal_576"), VOC), "video.resolution")
    assert f.level == ERROR and f.actual == "720×576" and "1280×720" in f.expected
    assert "scale=1280:720:force_original_aspect_ratio=decrease" in f.fix and "pad=1280:720" in f.fix


def test_portrait_phone_video_is_only_a_resolution_warning(facts_of):
    f = one(judge(facts_of("portrait_720p"), VOC), "video.resolution")
    assert f.level == WARNING and f.actual.startswith("720×1280") and "旋转 90°" in f.actual


def test_1280x720_passes_resolution(facts_of):
    assert by_rule(judge(facts_of("ok_720p"), VOC), "video.resolution") == []


# --- video.scan -------------------------------------------------------------------------

def test_mbaff_interlaced_fails_scan_with_yadif(facts_of):
    f = one(judge(facts_of("interlaced"), VOC), "video.scan")
    assert f.level == ERROR and f.actual == "隔行扫描（MBAFF）" and "yadif" in f.fix


def test_missing_scan_type_is_a_warning_not_a_pass(facts_of):
    f = one(judge(facts_of("hevc"), VOC), "video.scan")
    assert f.level == WARNING and f.actual == "未知"


def test_progressive_passes_scan_and_gets_no_yadif(facts_of):
    findings = judge(facts_of("ok_small"), VOC)
    assert by_rule(findings, "video.scan") == []
    assert all("yadif" not in (f.fix or "") for f in findings)


# --- video.fps --------------------------------------------------------------------------

def test_30fps_fails_with_units(facts_of):
    f = one(judge(facts_of("fps30"), VOC), "video.fps")
    assert f.level == ERROR and f.expected == "25 帧/秒（恒定帧率）" and f.actual == "30 帧/秒"
    assert "-r 25" in f.fix and "-fps_mode cfr" in f.fix


def test_vfr_is_not_25fps(facts_of):
    f = one(judge(facts_of("vfr"), VOC), "video.fps")
    assert f.level == ERROR and f.actual.startswith("可变帧率")


def test_25fps_cfr_passes(facts_of):
    assert by_rule(judge(facts_of("ok_small"), VOC), "video.fps") == []


# --- video.duration ---------------------------------------------------------------------

def test_two_second_vocational_video_is_too_short(facts_of):
    f = one(judge(facts_of("ok_720p"), VOC), "video.duration")
    assert f.level == ERROR and f.expected == "15分00秒–20分00秒" and f.actual == "1秒"


def test_total_duration_over_50_minutes_is_an_error(facts_of):
    long = facts_of("long_16min")
    f, = judge_total_duration([long] * 4, FUSION, [f"录像{i}.mp4" for i in range(4)], SPEC)
    assert f.rule == "video.duration" and f.level == ERROR
    assert f.expected == "总计不超过 50分00秒" and f.actual == "总计 1小时04分00秒"


def test_total_duration_under_50_minutes_passes(facts_of):
    long = facts_of("long_16min")
    assert judge_total_duration([long] * 3, FUSION, ["a.mp4", "b.mp4", "c.mp4"]) == []
    assert judge_total_duration([long] * 4, VOC, ["a.mp4"] * 4) == []   # no total limit there


# --- video.size -------------------------------------------------------------------------

def test_size_between_500mb_and_500mib_is_a_warning_explaining_both(facts_of):
    f = one(judge(facts_of("size_510MB"), VOC), "video.size")
    assert f.level == WARNING and "MiB" in f.message and "1,048,576" in f.message
    assert "510.0 MB" in f.actual and "500 MB" in f.expected


@pytest.mark.parametrize("item,level", [(VOC, ERROR), (FUSION, WARNING)])
def test_size_over_500mib_is_an_error_only_for_vocational(facts_of, item, level):
    f = one(judge(facts_of("size_530MB"), item), "video.size")
    assert f.level == level and "530.0 MB" in f.actual and "-b:v" in f.fix


def test_small_file_passes_size(facts_of):
    assert by_rule(judge(facts_of("ok_720p"), VOC), "video.size") == []


# --- audio.* ----------------------------------------------------------------------------

def test_no_audio_fails_presence_with_a_silent_track_fix(facts_of):
    f = one(judge(facts_of("no_audio"), VOC), "audio.present")
    assert f.level == ERROR and f.actual == "没有音轨" and "anullsrc=r=48000" in f.fix


def test_mp3_audio_fails_codec(facts_of):
    f = one(judge(facts_of("mp3"), VOC), "audio.codec")
    assert f.level == ERROR and f.expected == "AAC" and "-c:a aac" in f.fix


def test_44k_audio_fails_sample_rate(facts_of):
    f = one(judge(facts_of("a44k"), VOC), "audio.sample_rate")
    assert f.level == ERROR and f.actual == "44.1 kHz" and "48 kHz" in f.expected and "-ar 48000" in f.fix


def test_64k_audio_fails_bitrate(facts_of):
    f = one(judge(facts_of("a64k"), VOC), "audio.bitrate")
    assert f.level == ERROR and f.actual.startswith("6") and f.actual.endswith("kb/s") and "-b:a 128k" in f.fix


def test_124k_audio_is_inside_the_tolerance_band(facts_of):
    assert by_rule(judge(facts_of("a124k"), VOC), "audio.bitrate") == []


def test_every_audio_track_is_checked(facts_of):
    f = one(judge(facts_of("two_tracks"), VOC), "audio.bitrate")
    assert "第 2 条音轨" in f.message


def test_conforming_audio_passes_all_audio_rules(facts_of):
    findings = judge(facts_of("ok_small"), VOC)
    assert [f for f in findings if f.rule.startswith("audio.")] == []


# --- video.web_playable, file.readable ---------------------------------------------------

def test_moov_at_end_is_a_web_playable_warning_fixed_by_remux(facts_of):
    findings = judge(facts_of("moov_last_720p"), VOC)
    f = one(findings, "video.web_playable")
    assert f.level == WARNING and "moov" in f.actual
    assert "-c copy -movflags +faststart" in f.fix and "libx264" not in f.fix
    assert sorted(x.rule for x in findings) == ["video.duration", "video.web_playable"]


def test_faststart_mp4_is_web_playable(facts_of):
    assert by_rule(judge(facts_of("ok_720p"), VOC), "video.web_playable") == []


def test_truncated_copy_is_a_readable_error_and_nothing_else(facts_of):
    findings = judge(facts_of("truncated"), VOC)
    assert [(f.rule, f.level) for f in findings] == [("file.readable", ERROR)]
    assert "截断" in findings[0].message


# --- every finding speaks Chinese, has units and a fix -------------------------------------

@pytest.mark.parametrize("name", ["fps30", "interlaced", "vfr", "no_audio", "a44k", "pal_576", "hevc"])
def test_findings_carry_expected_actual_fix_and_item(facts_of, name):
    findings = judge(facts_of(name), VOC, "录像 2024.mp4")
    assert findings
    for f in findings:
        assert f.expected and f.actual and f.fix and f.item == "lesson_video" and f.path == "录像 2024.mp4"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in f.message)


# --- ffmpeg_fix ---------------------------------------------------------------------------

def test_fix_command_for_a_fully_broken_file_sets_every_spec_value(facts_of):
    cmd = fix_command(facts_of("interlaced"), SPEC, "我的 录像.mp4")
    for flag in ["-c:v libx264", "-profile:v high", "-pix_fmt yuv420p", "-r 25", "-fps_mode cfr",
                 "-b:v 2048k", "-minrate 1127k", "-maxrate 4096k", "-bufsize 4096k",
                 "-c:a aac", "-ar 48000", "-b:a 128k", "-movflags +faststart"]:
        assert flag in cmd
    args = shlex.split(cmd)                     # one valid shell command; names and filters quoted
    assert args[:3] == ["ffmpeg", "-i", "我的 录像.mp4"] and args[-1] == "我的 录像_规范.mp4"
    vf = args[args.index("-vf") + 1]
    assert vf.startswith("yadif,scale=1280:720") and "pad=1280:720:(ow-iw)/2:(oh-ih)/2" in vf


def test_fix_command_only_remuxes_when_only_moov_is_wrong(facts_of):
    cmd = fix_command(facts_of("moov_last_720p"), SPEC, "a.mp4", "b.mp4")
    assert cmd == 'ffmpeg -i "a.mp4" -map 0 -c copy -movflags +faststart "b.mp4"'


def test_fix_command_adds_filters_only_for_what_fails(facts_of):
    cmd = fix_command(facts_of("fps30"), SPEC, "a.mp4")
    assert "yadif" not in cmd and "-r 25" in cmd
    hd = fix_command(facts_of("a44k"), SPEC, "a.mp4")
    assert "-ar 48000" in hd and "anullsrc" not in hd


def test_fix_command_keeps_an_over_size_file_inside_the_limit(facts_of):
    long = dict(facts_of("long_16min"), file_size=600_000_000, duration_s=1200.0)
    cmd = fix_command(long, SPEC, "a.mp4")
    kbps = int(shlex.split(cmd)[shlex.split(cmd).index("-b:v") + 1].rstrip("k"))
    assert (kbps + SPEC["audio_bitrate_kbps"]) * 1200 / 8 * 1000 <= SPEC["max_size_mb"] * 1_000_000
    assert kbps >= SPEC["min_bitrate_kbps"]


# --- video.duration: a total uses the single-file tolerance --------------------------------

def _with_total_limit(seconds: float) -> dict:
    return dict(FUSION, video=dict(FUSION["video"], total_max_duration_s=seconds))


@pytest.mark.parametrize("spec", [SPEC, None], ids=["spec-given", "spec-from-rules"])
def test_total_over_the_limit_by_less_than_the_tolerance_passes(facts_of, spec):
    long = facts_of("long_16min")
    total = 2 * long["duration_s"]                      # two real 16-minute files
    over = SPEC["duration_tolerance_s"] - 0.1           # 0.4 s over: a single file would pass
    assert judge_total_duration([long, long], _with_total_limit(total - over), ["a.mp4", "b.mp4"], spec) == []


@pytest.mark.parametrize("spec", [SPEC, None], ids=["spec-given", "spec-from-rules"])
def test_total_over_the_limit_by_more_than_the_tolerance_fails(facts_of, spec):
    long = facts_of("long_16min")
    total = 2 * long["duration_s"]
    over = SPEC["duration_tolerance_s"] + 0.1           # 0.6 s over: a single file would fail too
    f, = judge_total_duration([long, long], _with_total_limit(total - over), ["a.mp4", "b.mp4"], spec)
    assert (f.rule, f.level) == ("video.duration", ERROR)


def test_single_file_and_total_share_the_tolerance_boundary(facts_of):
    long = facts_of("long_16min")
    d = long["duration_s"]
    tol = SPEC["duration_tolerance_s"]
    for over, fails in [(tol - 0.1, False), (tol + 0.1, True)]:
        single_item = dict(VOC, video=dict(VOC["video"], min_duration_s=0, max_duration_s=d - over))
        single = [x for x in judge_video(long, single_item, SPEC, "a.mp4") if x.rule == "video.duration"]
        total = judge_total_duration([long], _with_total_limit(d - over), ["a.mp4"], SPEC)
        assert bool(single) == bool(total) == fails
