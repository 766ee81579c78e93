"""What a teacher reads for each video/audio finding: rule, level and every text written out in full.

test_rules.py judges real generated videos; here each case starts from the facts MediaInfo reads
from a conforming 720p sample (checked against the real sample at the end of this file) and changes
what the case is about. The numbers in the texts are those of data/rules/contest.yaml's video_spec
(1024 kb/s, 1280×720, 25 帧/秒, AAC 48 kHz 128 kb/s, 500 MB) and of the vocational item (15–20 分钟).
"""
from __future__ import annotations

import copy

import pytest

from checks.findings import ERROR, WARNING, Finding
from checks.media.facts import from_stream
from checks.media.rules import judge_total_duration, judge_video
from checks.rules import load_rules
from samplegen.media import sample

RULES = load_rules()
SPEC = RULES["video_spec"]


def _item(project: str, key: str = "lesson_video") -> dict:
    return next(i for i in RULES["projects"][project]["items"] if i["key"] == key)


VOC = _item("vocational_practice")          # spec_level error, 15–20 min
FUSION = _item("fusion_case")               # spec_level warning, total ≤ 50 min
PATH = "教学活动录像.mp4"
REMUX = 'ffmpeg -i "教学活动录像.mp4" -map 0 -c copy -movflags +faststart "教学活动录像_规范.mp4"'
NOTE = "（本项目通知只明确要求 MP4，此项按职业教育专项的技术规范提醒）"   # technical spec at warning level

# What checks.media.facts reads from samplegen's "ok_720p" (a conforming H.264/AAC MP4), with its
# length moved inside the vocational 15–20 min band.
CONFORMING = {
    "audio": [{"bit_rate": 128000, "bit_rate_source": "stream", "channels": 2, "codec": "AAC",
               "duration_s": 1.0, "sample_rate": 48000}],
    "codec_id": "isom", "container": "MPEG-4", "container_kind": "mp4", "duration_s": 1000.0,
    "file_size": 205214, "format_profile": "Base Media", "is_streamable": True, "is_truncated": False,
    "overall_bit_rate": 1641712,
    "video": [{"bit_rate": 1500000, "bit_rate_source": "stream", "codec": "AVC", "display_height": 720,
               "display_width": 1280, "duration_s": 1.0, "frame_rate": 25.0, "frame_rate_mode": "CFR",
               "height": 720, "interlaced": False, "profile": "High", "rotation": 0,
               "scan_type": "Progressive", "width": 1280}],
}


def facts(video: dict | None = None, audio: dict | None = None, **general) -> dict:
    """The conforming facts with some fields of the file, its first video and first audio track changed."""
    out = copy.deepcopy(CONFORMING)
    out.update(general)
    if video:
        out["video"][0].update(video)
    if audio:
        out["audio"][0].update(audio)
    return out


def judge(f: dict, item: dict = VOC, path: str | None = PATH) -> list[Finding]:
    return judge_video(f, item, SPEC, path)


def only(findings: list[Finding], rule: str) -> Finding:
    hits = [f for f in findings if f.rule == rule]
    assert len(hits) == 1, [(f.rule, f.level, f.message) for f in findings]
    return hits[0]


def said(f: Finding) -> tuple:
    return f.rule, f.level, f.message, f.expected, f.actual


def why(f: Finding) -> str:
    """The advice before the ffmpeg command (the command itself is tested in test_rules.py)."""
    head, sep, _command = f.fix.partition("：ffmpeg -i \"")
    assert sep, f.fix
    return head


def test_the_conforming_facts_pass_every_rule():
    assert judge(CONFORMING) == []


# --- file.readable, no picture, container ------------------------------------------------------

def test_a_truncated_file_gets_only_the_readable_error():
    assert judge(facts(is_truncated=True)) == [Finding(
        "file.readable", ERROR,
        "视频文件不完整：文件在复制或上传过程中被截断，后半部分缺失，播放到中途会中断或无法打开。",
        PATH, "完整的视频文件", "文件被截断", "请从原始文件重新复制、重新导出或重新上传，不要提交被中断的副本。",
        "lesson_video")]


def test_a_file_without_a_picture_track_is_a_codec_error_and_nothing_more():
    assert judge(facts() | {"video": []}) == [Finding(
        "video.codec", ERROR, "文件中没有视频画面轨道（可能是纯音频文件）。", PATH,
        "H.264（AVC）视频画面", "没有视频轨道", "请提交包含画面的教学录像。", "lesson_video")]


def test_an_audio_only_file_in_another_container_cannot_get_an_ffmpeg_command():
    """With no picture there is nothing for ffmpeg to convert: the advice is to export again."""
    found = judge(facts(container="Wave", container_kind=None) | {"video": []}, path="讲解.wav")
    assert found[0] == Finding("video.container", ERROR, "文件实际是 Wave 格式，不是规定的 MP4。部分平台和播放器会拒收或无法播放。",
                               "讲解.wav", "MP4（MPEG-4）", "Wave", "请用剪辑软件按规范重新导出。", "lesson_video")
    assert [f.rule for f in found] == ["video.container", "video.codec"]


def test_an_unknown_container_is_named_as_unknown():
    f = only(judge(facts(container=None, container_kind=None), path="录像"), "video.container")
    assert (f.message, f.actual) == ("文件实际是 未知格式 格式，不是规定的 MP4。部分平台和播放器会拒收或无法播放。", "未知格式")


def test_a_mov_named_mp4_says_the_extension_is_misleading():
    f = only(judge(facts(container="MPEG-4", container_kind="mov")), "video.container")
    assert said(f) == ("video.container", ERROR,
                       "文件扩展名是 .mp4，但文件实际是 MOV（QuickTime） 格式，不是规定的 MP4。部分平台和播放器会拒收或无法播放。",
                       "MP4（MPEG-4）", "MOV（QuickTime）")
    assert f.fix == "把文件转封装为真正的 MP4：" + REMUX


def test_an_mp4_kind_that_is_not_mpeg4_is_still_a_container_error():
    """Both the kind and MediaInfo's format must say MPEG-4."""
    f = only(judge(facts(container="QuickTime", container_kind="mp4")), "video.container")
    assert f.actual == "MP4" and f.level == ERROR


def test_the_extension_is_read_case_blind_from_the_last_path_part_with_either_slash():
    f = only(judge(facts(container_kind="mkv", container="Matroska"), path="作品\\录像.MP4"), "video.container")
    assert f.message.startswith("文件扩展名是 .mp4，但文件实际是 MKV（Matroska） 格式")
    assert f.fix == '把文件转封装为真正的 MP4：ffmpeg -i "录像.MP4" -map 0 -c copy -movflags +faststart "录像_规范.mp4"'
    f = only(judge(facts(container_kind="mkv", container="Matroska"), path="a.mp4/录像.mkv"), "video.container")
    assert f.message.startswith("文件实际是 MKV（Matroska） 格式")
    f = only(judge(facts(container_kind="mov"), path="作品/视频/录像 v1.2.mp4"), "video.container")
    assert f.message.startswith("文件扩展名是 .mp4，但文件实际是 MOV（QuickTime） 格式")
    assert f.fix == '把文件转封装为真正的 MP4：ffmpeg -i "录像 v1.2.mp4" -map 0 -c copy -movflags +faststart "录像 v1.2_规范.mp4"'


def test_without_a_path_the_command_names_a_placeholder_file():
    f = only(judge(facts(container_kind="mov"), path=None), "video.container")
    assert f.path is None and f.message.startswith("文件扩展名是 .mp4，但")
    assert f.fix == '把文件转封装为真正的 MP4：ffmpeg -i "视频.mp4" -map 0 -c copy -movflags +faststart "视频_规范.mp4"'


# --- video.codec -------------------------------------------------------------------------------

def test_hevc_at_error_level_and_at_warning_level():
    f = only(judge(facts(video={"codec": "HEVC"})), "video.codec")
    assert said(f) == ("video.codec", ERROR, "视频编码是 H.265（HEVC），规范要求 H.264（AVC）。", "H.264（AVC）", "H.265（HEVC）")
    assert why(f) == "用 FFmpeg 重新编码为 H.264"
    f = only(judge(facts(video={"codec": "HEVC"}), FUSION), "video.codec")
    assert (f.level, f.message) == (WARNING, f"视频编码是 H.265（HEVC），规范要求 H.264（AVC）{NOTE}。")


def test_an_item_without_a_spec_level_judges_the_technical_spec_as_warnings():
    item = {"key": "clip", "video": {}}
    f = only(judge(facts(video={"codec": "HEVC"}), item), "video.codec")
    assert (f.level, f.item) == (WARNING, "clip")


def test_an_unnamed_codec_is_shown_as_read_and_a_missing_one_as_unknown():
    assert only(judge(facts(video={"codec": "ProRes"})), "video.codec").actual == "ProRes"
    assert only(judge(facts(video={"codec": None})), "video.codec").actual == "未知编码"


def test_every_video_track_is_checked_but_reported_once():
    f = facts()
    f["video"].append(dict(f["video"][0], codec="HEVC"))
    assert only(judge(f), "video.codec").actual == "H.265（HEVC）"
    f["video"].append(dict(f["video"][0], codec="MPEG-4 Visual"))
    assert only(judge(f), "video.codec").actual == "H.265（HEVC）"


# --- video.bitrate -----------------------------------------------------------------------------

def test_an_unmeasurable_bitrate_is_a_warning():
    f = only(judge(facts(video={"bit_rate": None})), "video.bitrate")
    assert said(f) == ("video.bitrate", WARNING, "无法测出视频码率，请用 MediaInfo 等工具确认。",
                       "不低于 1024 kb/s（1 kb/s = 1000 比特/秒）", "未知")
    assert f.fix == "如码率不足，可用 FFmpeg 重新编码：" + REMUX


@pytest.mark.parametrize("source,how", [
    ("stream", "读数为 MediaInfo 给出的视频流码率"),
    ("stream_size", "读数由视频流大小 ÷ 时长算出"),
    ("overall_minus_audio", "读数由文件总码率减去音频码率估算"),
])
def test_a_reading_just_under_the_minimum_warns_and_names_where_it_came_from(source, how):
    f = only(judge(facts(video={"bit_rate": 1_000_000, "bit_rate_source": source})), "video.bitrate")
    assert said(f) == ("video.bitrate", WARNING,
                       f"视频码率 1000 kb/s，略低于 1024 kb/s（{how}）。编码器的实测码率通常比设定值略低，"
                       "设定 1024k 导出的文件常读到这个数；为稳妥起见，建议以更高码率重新导出。",
                       "不低于 1024 kb/s（1 kb/s = 1000 比特/秒）", "1000 kb/s")
    assert f.fix == "用更高码率重新编码：" + REMUX


def test_a_reading_of_unknown_origin_names_no_source():
    f = only(judge(facts(video={"bit_rate": 1_000_000, "bit_rate_source": None})), "video.bitrate")
    assert f.message.startswith("视频码率 1000 kb/s，略低于 1024 kb/s（）。")


def test_a_bitrate_well_under_the_minimum_at_error_and_warning_level():
    f = only(judge(facts(video={"bit_rate": 500_000})), "video.bitrate")
    assert said(f) == ("video.bitrate", ERROR, "视频码率 500 kb/s，低于规范要求的 1024 kb/s（读数为 MediaInfo 给出的视频流码率）。",
                       "不低于 1024 kb/s（1 kb/s = 1000 比特/秒）", "500 kb/s")
    assert why(f) == "用 FFmpeg 以足够的码率重新编码"
    f = only(judge(facts(video={"bit_rate": 500_000}), FUSION), "video.bitrate")
    assert (f.level, f.message) == (WARNING, f"视频码率 500 kb/s，低于规范要求的 1024 kb/s（读数为 MediaInfo 给出的视频流码率）{NOTE}。")


def test_kilobits_are_cut_to_one_decimal_not_rounded_up():
    """999 950 b/s must not read as 1000 kb/s, which would look like enough."""
    assert only(judge(facts(video={"bit_rate": 999_950})), "video.bitrate").actual == "999.9 kb/s"


# --- video.resolution --------------------------------------------------------------------------

def test_an_unreadable_resolution_is_a_warning():
    for missing in ({"display_width": None}, {"display_height": None}):
        f = only(judge(facts(video=missing)), "video.resolution")
        assert said(f) == ("video.resolution", WARNING, "无法读取视频分辨率。", "不低于 1280×720（横屏）", "未知")
        assert why(f) == "用 FFmpeg 转成符合规范的 MP4"


@pytest.mark.parametrize("rotation", [90, 270])
def test_a_rotated_portrait_video_warns_and_says_how_it_is_stored(rotation):
    f = only(judge(facts(video={"display_width": 720, "display_height": 1280, "rotation": rotation})),
             "video.resolution")
    assert said(f) == ("video.resolution", WARNING,
                       "视频是竖屏画面（显示为 720×1280），规范的 1280×720 是横屏尺寸。像素数量够，但评审播放时两侧会有大片黑边，建议横屏录制。",
                       "不低于 1280×720（横屏）", f"720×1280（画面存储为 1280×720，旋转 {rotation}° 显示）")
    assert why(f) == "如需转为横屏（两侧加黑边）"


def test_a_portrait_video_stored_upright_shows_only_its_size():
    f = only(judge(facts(video={"display_width": 720, "display_height": 1280, "width": 720, "height": 1280,
                                "rotation": 180})), "video.resolution")
    assert f.actual == "720×1280"


def test_a_portrait_video_one_pixel_short_is_too_small():
    f = only(judge(facts(video={"display_width": 720, "display_height": 1279})), "video.resolution")
    assert f.level == ERROR


def test_a_small_picture_at_error_and_warning_level():
    small = facts(video={"display_width": 720, "display_height": 576, "width": 720, "height": 576})
    f = only(judge(small), "video.resolution")
    assert said(f) == ("video.resolution", ERROR,
                       "视频分辨率 720×576，低于规范要求的 1280×720。放大低分辨率画面不能提高清晰度，最好用更高分辨率重新录制或导出。",
                       "不低于 1280×720（横屏）", "720×576")
    assert why(f) == "如只能用现有素材，可放大并加黑边到规范尺寸"
    f = only(judge(small, FUSION), "video.resolution")
    assert (f.level, f.message) == (WARNING, f"视频分辨率 720×576，低于规范要求的 1280×720{NOTE}。"
                                             "放大低分辨率画面不能提高清晰度，最好用更高分辨率重新录制或导出。")


# --- video.scan --------------------------------------------------------------------------------

def test_an_unknown_scan_type_is_a_warning():
    f = only(judge(facts(video={"interlaced": None, "scan_type": None})), "video.scan")
    assert said(f) == ("video.scan", WARNING, "无法确定视频的扫描方式（文件中没有记录），无法确认是否为逐行扫描。",
                       "逐行扫描（Progressive）", "未知")
    assert f.fix == "如不确定，可用 FFmpeg 转为逐行扫描：" + REMUX


def test_interlaced_video_at_error_and_warning_level():
    inter = facts(video={"interlaced": True, "scan_type": "Interlaced"})
    f = only(judge(inter), "video.scan")
    assert said(f) == ("video.scan", ERROR, "视频是隔行扫描（Interlaced），规范要求逐行扫描。隔行画面在电脑上播放时运动处会出现梳状条纹。",
                       "逐行扫描（Progressive）", "隔行扫描（Interlaced）")
    assert why(f) == "用 FFmpeg 去隔行（yadif）并重新编码"
    f = only(judge(inter, FUSION), "video.scan")
    assert (f.level, f.message) == (WARNING, f"视频是隔行扫描（Interlaced），规范要求逐行扫描{NOTE}。隔行画面在电脑上播放时运动处会出现梳状条纹。")


# --- video.fps ---------------------------------------------------------------------------------

def test_variable_frame_rate_names_its_average():
    f = only(judge(facts(video={"frame_rate_mode": "VFR", "frame_rate": 29.5})), "video.fps")
    assert said(f) == ("video.fps", ERROR, "视频是可变帧率（平均 29.5 帧/秒），规范要求恒定 25 帧/秒。手机录屏和手机拍摄常是可变帧率。",
                       "25 帧/秒（恒定帧率）", "可变帧率（平均 29.5 帧/秒）")
    assert why(f) == "用 FFmpeg 转为恒定 25 帧/秒"


def test_variable_frame_rate_without_an_average_at_warning_level():
    f = only(judge(facts(video={"frame_rate_mode": "VFR", "frame_rate": None}), FUSION), "video.fps")
    assert said(f) == ("video.fps", WARNING, f"视频是可变帧率（帧率不固定），规范要求恒定 25 帧/秒{NOTE}。手机录屏和手机拍摄常是可变帧率。",
                       "25 帧/秒（恒定帧率）", "可变帧率（帧率不固定）")


def test_an_unreadable_frame_rate_is_a_warning():
    f = only(judge(facts(video={"frame_rate": None})), "video.fps")
    assert said(f) == ("video.fps", WARNING, "无法读取视频帧率。", "25 帧/秒（恒定帧率）", "未知")
    assert why(f) == "用 FFmpeg 转成符合规范的 MP4"


@pytest.mark.parametrize("fps,shown", [(29.97, "29.97"), (23.976, "23.976"), (30.0, "30"), (24.5, "24.5")])
def test_a_wrong_constant_frame_rate_is_shown_without_trailing_zeros(fps, shown):
    f = only(judge(facts(video={"frame_rate": fps})), "video.fps")
    assert said(f) == ("video.fps", ERROR, f"视频帧率是 {shown} 帧/秒，规范要求 25 帧/秒。", "25 帧/秒（恒定帧率）", f"{shown} 帧/秒")
    assert why(f) == "用 FFmpeg 转为恒定 25 帧/秒"


def test_a_wrong_frame_rate_at_warning_level():
    f = only(judge(facts(video={"frame_rate": 30.0}), FUSION), "video.fps")
    assert (f.level, f.message) == (WARNING, f"视频帧率是 30 帧/秒，规范要求 25 帧/秒{NOTE}。")


# --- video.duration ----------------------------------------------------------------------------

def test_an_unreadable_duration_is_a_warning():
    assert judge(facts(duration_s=None)) == [Finding(
        "video.duration", WARNING, "无法读取视频时长。", PATH, "15分00秒–20分00秒", "未知", "请确认视频能完整播放。",
        "lesson_video")]


def test_a_short_video_says_what_to_add():
    f = only(judge(facts(duration_s=599.6)), "video.duration")       # 599.6 s reads as 10 minutes
    assert said(f) == ("video.duration", ERROR, "视频时长 10分00秒，短于规定的 15分00秒（要求 15分00秒–20分00秒）。",
                       "15分00秒–20分00秒", "10分00秒")
    assert f.fix == "请补充教学内容，使时长达到 15分00秒 以上后重新导出。"


def test_a_long_video_says_how_much_to_cut_and_how_to_cut_the_end():
    f = only(judge(facts(duration_s=1500.0)), "video.duration")
    assert said(f) == ("video.duration", ERROR,
                       "视频时长 25分00秒，超过了规定的 20分00秒（要求 15分00秒–20分00秒），需删减约 5分00秒。",
                       "15分00秒–20分00秒", "25分00秒")
    assert f.fix == ("请用剪辑软件删减到规定时长以内；若只需截掉结尾，可用："
                     'ffmpeg -i "教学活动录像.mp4" -t 1200 -map 0 -c copy -movflags +faststart "教学活动录像_规范.mp4"')


def test_a_minimum_alone_reads_as_at_least():
    item = {"key": "clip", "video": {"spec_level": ERROR, "min_duration_s": 60}}
    f = only(judge(facts(duration_s=30.0), item), "video.duration")
    assert (f.message, f.expected, f.actual) == ("视频时长 30秒，短于规定的 1分00秒（要求 不少于 1分00秒）。", "不少于 1分00秒", "30秒")
    assert judge(facts(duration_s=7200.0), item) == []


def test_a_maximum_alone_reads_as_at_most_and_counts_hours():
    item = {"key": "clip", "video": {"spec_level": ERROR, "max_duration_s": 3600}}
    f = only(judge(facts(duration_s=4000.0), item), "video.duration")
    assert (f.message, f.expected, f.actual) == (
        "视频时长 1小时06分40秒，超过了规定的 1小时00分00秒（要求 不超过 1小时00分00秒），需删减约 6分40秒。",
        "不超过 1小时00分00秒", "1小时06分40秒")
    assert f.fix.endswith('-t 3600 -map 0 -c copy -movflags +faststart "教学活动录像_规范.mp4"')
    assert judge(facts(duration_s=1.0), item) == []


def test_an_item_without_durations_does_not_judge_the_length():
    assert judge(facts(duration_s=None), {"key": "clip", "video": {"spec_level": ERROR}}) == []


# --- video.size --------------------------------------------------------------------------------

def test_a_file_over_500_mb_but_under_500_mib_warns_in_both_units():
    f = only(judge(facts(file_size=510_000_000)), "video.size")
    assert said(f) == ("video.size", WARNING,
                       "文件 510.0 MB，超过 500 MB（按 1 MB = 1,000,000 字节），但不超过 500 MiB "
                       "（Windows 资源管理器显示为“486.4 MB”，它把 1,048,576 字节算作 1 MB）。"
                       "平台按哪种算法限值不确定，建议压缩到 500 MB 以内以免被拒。",
                       "不超过 500 MB（500,000,000 字节）", "510.0 MB（510,000,000 字节）")
    assert why(f) == "用 FFmpeg 按不超过限值的码率重新编码"


def test_a_file_over_500_mib_at_error_and_warning_level():
    f = only(judge(facts(file_size=530_000_000)), "video.size")
    assert said(f) == ("video.size", ERROR, "文件 530.0 MB，超过规定的 500 MB。",
                       "不超过 500 MB（500,000,000 字节）", "530.0 MB（530,000,000 字节）")
    assert why(f) == "用 FFmpeg 按不超过限值的码率重新编码"
    f = only(judge(facts(file_size=530_000_000), FUSION), "video.size")
    assert (f.level, f.message) == (WARNING, f"文件 530.0 MB，超过规定的 500 MB{NOTE}。")


def test_sizes_are_shown_in_decimal_megabytes_to_one_decimal():
    f = only(judge(facts(file_size=510_050_100)), "video.size")
    assert f.actual == "510.1 MB（510,050,100 字节）"


def test_an_unknown_size_is_not_judged():
    assert judge(facts(file_size=None)) == []


# --- audio.* -----------------------------------------------------------------------------------

def test_no_audio_track_at_error_and_warning_level():
    f = only(judge(facts() | {"audio": []}), "audio.present")
    assert said(f) == ("audio.present", ERROR, "视频没有音轨（没有声音）。教学录像应包含讲解声音，请检查录制时是否开启了麦克风。",
                       "含 AAC 音轨", "没有音轨")
    assert why(f) == "如确实无需声音，可补一条静音音轨"
    f = only(judge(facts() | {"audio": []}, FUSION), "audio.present")
    assert (f.level, f.message) == (WARNING, f"视频没有音轨（没有声音）{NOTE}。教学录像应包含讲解声音，请检查录制时是否开启了麦克风。")


def test_mp3_audio_is_a_codec_finding():
    f = only(judge(facts(audio={"codec": "MPEG Audio"})), "audio.codec")
    assert said(f) == ("audio.codec", ERROR, "音轨的编码是 MP3/MPEG 音频，规范要求 AAC。", "AAC", "MP3/MPEG 音频")
    assert why(f) == "用 FFmpeg 把音频转为 AAC"
    f = only(judge(facts(audio={"codec": "Opus"}), FUSION), "audio.codec")
    assert (f.level, f.message, f.actual) == (WARNING, f"音轨的编码是 Opus，规范要求 AAC{NOTE}。", "Opus")
    assert only(judge(facts(audio={"codec": None})), "audio.codec").actual == "未知编码"


def test_a_wrong_sample_rate_is_shown_in_khz():
    f = only(judge(facts(audio={"sample_rate": 44100})), "audio.sample_rate")
    assert said(f) == ("audio.sample_rate", ERROR, "音轨的采样率是 44.1 kHz，规范要求 48 kHz。", "48 kHz（48000 Hz）", "44.1 kHz")
    assert why(f) == "用 FFmpeg 把音频重采样为 48 kHz"
    f = only(judge(facts(audio={"sample_rate": 32000}), FUSION), "audio.sample_rate")
    assert (f.level, f.message) == (WARNING, f"音轨的采样率是 32 kHz，规范要求 48 kHz{NOTE}。")


def test_an_unknown_sample_rate_is_only_a_warning():
    f = only(judge(facts(audio={"sample_rate": None})), "audio.sample_rate")
    assert said(f) == ("audio.sample_rate", WARNING, "音轨的采样率是 未知，规范要求 48 kHz。", "48 kHz（48000 Hz）", "未知")


def test_an_unmeasurable_audio_bitrate_is_a_warning_showing_the_accepted_band():
    f = only(judge(facts(audio={"bit_rate": None})), "audio.bitrate")
    assert said(f) == ("audio.bitrate", WARNING, "无法测出音轨的码率。", "128 kb/s（允许读数 120.3 kb/s–135.6 kb/s）", "未知")
    assert why(f) == "如不确定，可用 FFmpeg 按 128k 重新编码音频"


def test_an_audio_bitrate_outside_the_band():
    f = only(judge(facts(audio={"bit_rate": 64000})), "audio.bitrate")
    assert said(f) == ("audio.bitrate", ERROR, "音轨的码率是 64 kb/s，规范要求 128 kb/s。",
                       "128 kb/s（允许读数 120.3 kb/s–135.6 kb/s）", "64 kb/s")
    assert why(f) == "用 FFmpeg 按 128k 重新编码音频"
    f = only(judge(facts(audio={"bit_rate": 192000}), FUSION), "audio.bitrate")
    assert (f.level, f.message) == (WARNING, f"音轨的码率是 192 kb/s，规范要求 128 kb/s{NOTE}。")


def test_with_several_audio_tracks_each_finding_names_its_track():
    f = facts()
    f["audio"] = [dict(f["audio"][0], codec="MPEG Audio"), dict(f["audio"][0], sample_rate=44100, bit_rate=64000)]
    found = judge(f)
    assert only(found, "audio.codec").message == "第 1 条音轨的编码是 MP3/MPEG 音频，规范要求 AAC。"
    assert only(found, "audio.sample_rate").message == "第 2 条音轨的采样率是 44.1 kHz，规范要求 48 kHz。"
    assert only(found, "audio.bitrate").message == "第 2 条音轨的码率是 64 kb/s，规范要求 128 kb/s。"
    f["audio"][1]["bit_rate"] = None
    assert only(judge(f), "audio.bitrate").message == "无法测出第 2 条音轨的码率。"


# --- video.web_playable ------------------------------------------------------------------------

MOOV = "文件索引（moov）位于文件末尾，浏览器必须下载完整个文件才能开始播放"


def test_moov_at_the_end_only_needs_a_remux():
    assert judge(facts(is_streamable=False)) == [Finding(
        "video.web_playable", WARNING, f"评审在网页上在线播放时可能出现问题：{MOOV}。", PATH,
        "浏览器可边下边播（moov 在前的 H.264/AAC MP4）", MOOV, "无需重新编码，只需把索引移到文件开头：" + REMUX,
        "lesson_video")]


@pytest.mark.parametrize("kind", ["mov", "3gp"])
def test_moov_at_the_end_of_other_mpeg4_family_files(kind):
    assert only(judge(facts(is_streamable=False, container_kind=kind)), "video.web_playable").actual == MOOV


def test_moov_at_the_end_with_a_re_encode_needed_gets_the_full_conversion():
    f = only(judge(facts(is_streamable=False, video={"frame_rate": 30.0})), "video.web_playable")
    assert why(f) == "用 FFmpeg 转成浏览器可播放的 MP4"


def test_an_unknown_moov_position_or_a_non_mpeg4_file_has_no_moov_reason():
    assert judge(facts(is_streamable=None)) == []
    found = judge(facts(is_streamable=False, container_kind="mkv", container="Matroska"))
    assert [f.rule for f in found] == ["video.container"]      # MKV with H.264 plays in browsers


def test_a_codec_browsers_cannot_play_is_a_reason():
    f = only(judge(facts(video={"codec": "HEVC"})), "video.web_playable")
    assert said(f) == ("video.web_playable", WARNING, "评审在网页上在线播放时可能出现问题：视频编码 H.265（HEVC） 在多数浏览器中不能播放。",
                       "浏览器可边下边播（moov 在前的 H.264/AAC MP4）", "视频编码 H.265（HEVC） 在多数浏览器中不能播放")
    assert why(f) == "用 FFmpeg 转成浏览器可播放的 MP4"
    assert only(judge(facts(video={"codec": None})), "video.web_playable").actual == "视频编码 未知 在多数浏览器中不能播放"


@pytest.mark.parametrize("codec", ["VP8", "VP9", "AV1"])
def test_codecs_browsers_play_are_no_reason(codec):
    assert [f.rule for f in judge(facts(video={"codec": codec}))] == ["video.codec"]


def test_all_reasons_are_listed_together():
    f = only(judge(facts(is_streamable=False, container_kind="mpegts", container="MPEG-TS",
                         video={"codec": "MPEG-4 Visual"})), "video.web_playable")
    assert f.actual == "视频编码 MPEG-4 Part 2 在多数浏览器中不能播放；MPEG-TS（.ts） 格式在浏览器中通常不能直接播放"
    assert f.message == f"评审在网页上在线播放时可能出现问题：{f.actual}。"


@pytest.mark.parametrize("kind,name", [("avi", "AVI"), ("flv", "FLV"), ("wmv", "WMV"), ("mpeg", "MPEG-PS（.mpg/.vob）")])
def test_containers_browsers_cannot_play_are_a_reason(kind, name):
    f = only(judge(facts(container_kind=kind, container=name)), "video.web_playable")
    assert f.actual == f"{name} 格式在浏览器中通常不能直接播放"


def test_moov_at_the_end_and_a_bad_codec_is_not_a_remux():
    f = only(judge(facts(is_streamable=False, video={"codec": "HEVC"})), "video.web_playable")
    assert f.actual == f"{MOOV}；视频编码 H.265（HEVC） 在多数浏览器中不能播放"
    assert why(f) == "用 FFmpeg 转成浏览器可播放的 MP4"


# --- video.duration over several files ----------------------------------------------------------

NAMES = ["第一节.mp4", "第二节.mp4"]


def test_an_unknown_length_among_several_videos_is_a_warning_naming_them():
    found = judge_total_duration([facts(duration_s=1000.0), facts(duration_s=None)], FUSION, NAMES, SPEC)
    assert found == [Finding("video.duration", WARNING, "无法读取部分视频的时长（第二节.mp4），无法核对总时长。", None,
                             "总计不超过 50分00秒", "时长未知", "请确认这些视频能正常播放，必要时重新导出。", "lesson_video")]
    found = judge_total_duration([facts(duration_s=None)] * 2, FUSION, NAMES, SPEC)
    assert found[0].message == "无法读取部分视频的时长（第一节.mp4、第二节.mp4），无法核对总时长。"


def test_several_videos_over_the_total_say_how_much_to_cut():
    found = judge_total_duration([facts(duration_s=1600.0)] * 2, FUSION, NAMES, SPEC)
    assert found == [Finding("video.duration", ERROR,
                             "2 个视频（第一节.mp4、第二节.mp4）总时长 53分20秒，超过了规定的总计 50分00秒。", None,
                             "总计不超过 50分00秒", "总计 53分20秒", "请剪辑视频，使总时长不超过 50分00秒（需再删减约 3分20秒）。",
                             "lesson_video")]


def test_no_videos_means_no_total_finding():
    assert judge_total_duration([], FUSION, [], SPEC) == []


# --- the hand-written facts are real ------------------------------------------------------------

def test_the_conforming_facts_are_what_mediainfo_reads_from_the_real_sample(tmp_path_factory):
    with open(sample(tmp_path_factory.getbasetemp() / "media_samples", "ok_720p"), "rb") as f:
        real = from_stream(f)
    sizes = {"file_size", "overall_bit_rate"}             # bytes vary with the encoder build
    assert {k: v for k, v in real.items() if k not in sizes} | {"duration_s": 1000.0} == \
        {k: v for k, v in CONFORMING.items() if k not in sizes}
