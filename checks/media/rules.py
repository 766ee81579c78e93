"""Video/audio judge: facts from checks.media.facts + the contest's video spec -> findings (no I/O).

Levels: container and duration are errors for every video item (MP4 and the durations are stated
for all of them); the technical spec (codec, bitrate, resolution, scan, fps, audio) takes the
item's `video.spec_level` (error where the notice states it in full, i.e. 职业教育实践性教学案例);
size is an error only at that level; web playability is always a warning. Every number comes from
`video_spec` / the item spec in data/rules/contest.yaml. Passing checks produce no finding.
"""
from __future__ import annotations

import math

from checks.media import ffmpeg_fix
from checks.findings import ERROR, WARNING, Finding

_BROWSER_VIDEO = {"AVC", "VP8", "VP9", "AV1"}
_NON_BROWSER_CONTAINERS = {"avi", "flv", "wmv", "mpegts", "mpeg"}
_CONTAINER_NAMES = {"mp4": "MP4", "mov": "MOV（QuickTime）", "mkv": "MKV（Matroska）", "webm": "WebM",
                    "avi": "AVI", "flv": "FLV", "wmv": "WMV", "3gp": "3GP", "mpegts": "MPEG-TS（.ts）",
                    "mpeg": "MPEG-PS（.mpg/.vob）"}
_CODEC_NAMES = {"AVC": "H.264（AVC）", "HEVC": "H.265（HEVC）", "MPEG-4 Visual": "MPEG-4 Part 2",
                "AAC": "AAC", "MPEG Audio": "MP3/MPEG 音频", "AC-3": "AC-3（杜比数字）", "PCM": "PCM（无压缩）"}
_RATE_SOURCES = {"stream": "读数为 MediaInfo 给出的视频流码率",
                 "stream_size": "读数由视频流大小 ÷ 时长算出",
                 "overall_minus_audio": "读数由文件总码率减去音频码率估算"}


def judge_video(facts: dict, item_spec: dict, video_spec: dict, path: str | None) -> list[Finding]:
    """All findings for one video file of a required item."""
    j = _Judge(facts, item_spec, video_spec, path)
    if facts.get("is_truncated"):
        j.add("file.readable", ERROR, "视频文件不完整：文件在复制或上传过程中被截断，后半部分缺失，播放到中途会中断或无法打开。",
              "完整的视频文件", "文件被截断", "请从原始文件重新复制、重新导出或重新上传，不要提交被中断的副本。")
        return j.findings
    j.container()
    if not facts.get("video"):
        j.add("video.codec", ERROR, "文件中没有视频画面轨道（可能是纯音频文件）。",
              "H.264（AVC）视频画面", "没有视频轨道", "请提交包含画面的教学录像。")
        return j.findings
    j.codec()
    j.bitrate()
    j.resolution()
    j.scan()
    j.fps()
    j.duration()
    j.size()
    j.audio()
    j.web_playable()
    return j.findings


def judge_total_duration(facts_list: list[dict], item_spec: dict, paths: list[str],
                         video_spec: dict | None = None) -> list[Finding]:
    """Several videos of one item must total at most `video.total_max_duration_s` (e.g. 50 min),
    with the same `duration_tolerance_s` as a single file (the contest's video_spec when not given)."""
    limit = (item_spec.get("video") or {}).get("total_max_duration_s")
    if not limit or not facts_list:
        return []
    if video_spec is None:
        from checks.rules import load_rules   # cached; callers that hold the rules pass the spec
        video_spec = load_rules()["video_spec"]
    tol = video_spec["duration_tolerance_s"]
    durations = [f.get("duration_s") for f in facts_list]
    item = item_spec.get("key")
    names = "、".join(str(p) for p in paths)
    if any(d is None for d in durations):
        unknown = [str(p) for p, d in zip(paths, durations) if d is None]
        return [Finding("video.duration", WARNING, f"无法读取部分视频的时长（{'、'.join(unknown)}），无法核对总时长。",
                        None, f"总计不超过 {_hms(limit)}", "时长未知",
                        "请确认这些视频能正常播放，必要时重新导出。", item)]
    total = sum(durations)
    if total <= limit + tol:
        return []
    return [Finding("video.duration", ERROR,
                    f"{len(durations)} 个视频（{names}）总时长 {_hms(total)}，超过了规定的总计 {_hms(limit)}。",
                    None, f"总计不超过 {_hms(limit)}", f"总计 {_hms(total)}",
                    f"请剪辑视频，使总时长不超过 {_hms(limit)}（需再删减约 {_hms(total - limit)}）。", item)]


class _Judge:
    def __init__(self, facts: dict, item_spec: dict, spec: dict, path: str | None):
        self.facts, self.spec, self.path = facts, spec, path
        self.item = item_spec.get("key")
        self.video_cfg = item_spec.get("video") or {}
        self.level = self.video_cfg.get("spec_level", WARNING)
        self.findings: list[Finding] = []
        self.v = (facts.get("video") or [None])[0]
        name = str(path).replace("\\", "/").rsplit("/", 1)[-1] if path else "视频.mp4"
        self.cmd = ffmpeg_fix.fix_command(facts, spec, name) if facts.get("video") else ""
        self.name = name

    def add(self, rule, level, message, expected, actual, fix):
        self.findings.append(Finding(rule, level, message, self.path, expected, actual, fix, self.item))

    def fix(self, why: str = "用 FFmpeg 转成符合规范的 MP4") -> str:
        return f"{why}：{self.cmd}" if self.cmd else "请用剪辑软件按规范重新导出。"

    def _spec_note(self) -> str:
        return "" if self.level == ERROR else "（本项目通知只明确要求 MP4，此项按职业教育专项的技术规范提醒）"

    # --- container, codec ---------------------------------------------------------------------
    def container(self):
        kind = self.facts.get("container_kind")
        if kind == "mp4" and self.facts.get("container") == self.spec["container"]:
            return
        actual = _CONTAINER_NAMES.get(kind, self.facts.get("container") or "未知格式")
        ext = self.name.rsplit(".", 1)[-1].lower() if "." in self.name else ""
        disguise = f"文件扩展名是 .{ext}，但" if ext == "mp4" else ""
        self.add("video.container", ERROR,
                 f"{disguise}文件实际是 {actual} 格式，不是规定的 MP4。部分平台和播放器会拒收或无法播放。",
                 "MP4（MPEG-4）", actual, self.fix("把文件转封装为真正的 MP4"))

    def codec(self):
        for i, t in enumerate(self.facts["video"]):
            if t.get("codec") != self.spec["codec"]:
                actual = _CODEC_NAMES.get(t.get("codec"), t.get("codec") or "未知编码")
                self.add("video.codec", self.level,
                         f"视频编码是 {actual}，规范要求 H.264（AVC）{self._spec_note()}。",
                         "H.264（AVC）", actual, self.fix("用 FFmpeg 重新编码为 H.264"))
                return

    # --- picture ---------------------------------------------------------------------------
    def bitrate(self):
        br, source = self.v.get("bit_rate"), self.v.get("bit_rate_source")
        min_bps = self.spec["min_bitrate_kbps"] * 1000
        expected = f"不低于 {self.spec['min_bitrate_kbps']} kb/s（1 kb/s = 1000 比特/秒）"
        if br is None:
            self.add("video.bitrate", WARNING, "无法测出视频码率，请用 MediaInfo 等工具确认。",
                     expected, "未知", self.fix("如码率不足，可用 FFmpeg 重新编码"))
            return
        if br >= min_bps:
            return
        how = _RATE_SOURCES.get(source, "")
        if br >= min_bps * (1 - self.spec["bitrate_tolerance"]):
            self.add("video.bitrate", WARNING,
                     f"视频码率 {_kbps(br)}，略低于 {self.spec['min_bitrate_kbps']} kb/s（{how}）。"
                     f"编码器的实测码率通常比设定值略低，设定 {self.spec['min_bitrate_kbps']}k 导出的文件常读到这个数；"
                     "为稳妥起见，建议以更高码率重新导出。",
                     expected, _kbps(br), self.fix("用更高码率重新编码"))
            return
        self.add("video.bitrate", self.level,
                 f"视频码率 {_kbps(br)}，低于规范要求的 {self.spec['min_bitrate_kbps']} kb/s（{how}）{self._spec_note()}。",
                 expected, _kbps(br), self.fix("用 FFmpeg 以足够的码率重新编码"))

    def resolution(self):
        dw, dh = self.v.get("display_width"), self.v.get("display_height")
        mw, mh = self.spec["min_width"], self.spec["min_height"]
        expected = f"不低于 {mw}×{mh}（横屏）"
        if not dw or not dh:
            self.add("video.resolution", WARNING, "无法读取视频分辨率。", expected, "未知", self.fix())
            return
        actual = f"{dw}×{dh}"
        if self.v.get("rotation") in (90, 270):
            actual += f"（画面存储为 {self.v.get('width')}×{self.v.get('height')}，旋转 {self.v['rotation']}° 显示）"
        if dw >= mw and dh >= mh:
            return
        if max(dw, dh) >= mw and min(dw, dh) >= mh:
            self.add("video.resolution", WARNING,
                     f"视频是竖屏画面（显示为 {dw}×{dh}），规范的 {mw}×{mh} 是横屏尺寸。像素数量够，但评审播放时两侧会有大片黑边，建议横屏录制。",
                     expected, actual, self.fix("如需转为横屏（两侧加黑边）"))
            return
        self.add("video.resolution", self.level,
                 f"视频分辨率 {dw}×{dh}，低于规范要求的 {mw}×{mh}{self._spec_note()}。"
                 "放大低分辨率画面不能提高清晰度，最好用更高分辨率重新录制或导出。",
                 expected, actual, self.fix("如只能用现有素材，可放大并加黑边到规范尺寸"))

    def scan(self):
        expected = "逐行扫描（Progressive）"
        interlaced, raw = self.v.get("interlaced"), self.v.get("scan_type")
        if interlaced is False:
            return
        if interlaced is None:
            self.add("video.scan", WARNING, "无法确定视频的扫描方式（文件中没有记录），无法确认是否为逐行扫描。",
                     expected, "未知", self.fix("如不确定，可用 FFmpeg 转为逐行扫描"))
            return
        actual = f"隔行扫描（{raw}）"
        self.add("video.scan", self.level,
                 f"视频是隔行扫描（{raw}），规范要求逐行扫描{self._spec_note()}。隔行画面在电脑上播放时运动处会出现梳状条纹。",
                 expected, actual, self.fix("用 FFmpeg 去隔行（yadif）并重新编码"))

    def fps(self):
        target = self.spec["fps"]
        expected = f"{target} 帧/秒（恒定帧率）"
        fps, mode = self.v.get("frame_rate"), self.v.get("frame_rate_mode")
        if mode == "VFR":
            avg = f"平均 {_fps(fps)} 帧/秒" if fps else "帧率不固定"
            self.add("video.fps", self.level,
                     f"视频是可变帧率（{avg}），规范要求恒定 {target} 帧/秒{self._spec_note()}。手机录屏和手机拍摄常是可变帧率。",
                     expected, f"可变帧率（{avg}）", self.fix(f"用 FFmpeg 转为恒定 {target} 帧/秒"))
            return
        if fps is None:
            self.add("video.fps", WARNING, "无法读取视频帧率。", expected, "未知", self.fix())
            return
        if abs(fps - target) <= self.spec["fps_tolerance"] + 1e-9:     # 25 - 24.99 is 0.0100000000000016 in floats
            return
        self.add("video.fps", self.level,
                 f"视频帧率是 {_fps(fps)} 帧/秒，规范要求 {target} 帧/秒{self._spec_note()}。",
                 expected, f"{_fps(fps)} 帧/秒", self.fix(f"用 FFmpeg 转为恒定 {target} 帧/秒"))

    # --- whole file ------------------------------------------------------------------------
    def duration(self):
        lo, hi = self.video_cfg.get("min_duration_s"), self.video_cfg.get("max_duration_s")
        if lo is None and hi is None:
            return
        d, tol = self.facts.get("duration_s"), self.spec["duration_tolerance_s"]
        expected = _range_text(lo, hi)
        if d is None:
            self.add("video.duration", WARNING, "无法读取视频时长。", expected, "未知", "请确认视频能完整播放。")
            return
        if lo is not None and d < lo - tol:
            self.add("video.duration", ERROR,
                     f"视频时长 {_hms(d)}，短于规定的 {_hms(lo)}（要求 {expected}）。",
                     expected, _hms(d), f"请补充教学内容，使时长达到 {_hms(lo)} 以上后重新导出。")
        elif hi is not None and d > hi + tol:
            self.add("video.duration", ERROR,
                     f"视频时长 {_hms(d)}，超过了规定的 {_hms(hi)}（要求 {expected}），需删减约 {_hms(d - hi)}。",
                     expected, _hms(d),
                     "请用剪辑软件删减到规定时长以内；若只需截掉结尾，可用："
                     + ffmpeg_fix.trim_command(self.name, hi))

    def size(self):
        size = self.facts.get("file_size")
        mb = self.spec["max_size_mb"]
        if not size:
            return
        decimal, binary = mb * 1_000_000, mb * 2 ** 20
        expected = f"不超过 {mb} MB（{decimal:,} 字节）"
        actual = f"{_mb(size)}（{size:,} 字节）"
        if size <= decimal:
            return
        fix = self.fix("用 FFmpeg 按不超过限值的码率重新编码")
        if size <= binary:
            self.add("video.size", WARNING,
                     f"文件 {_mb(size)}，超过 {mb} MB（按 1 MB = 1,000,000 字节），但不超过 {mb} MiB "
                     f"（Windows 资源管理器显示为“{size / 2 ** 20:.1f} MB”，它把 1,048,576 字节算作 1 MB）。"
                     "平台按哪种算法限值不确定，建议压缩到 {0} MB 以内以免被拒。".format(mb),
                     expected, actual, fix)
            return
        level = ERROR if self.level == ERROR else WARNING
        self.add("video.size", level,
                 f"文件 {_mb(size)}，超过规定的 {mb} MB{self._spec_note() if level != ERROR else ''}。",
                 expected, actual, fix)

    # --- audio -----------------------------------------------------------------------------
    def audio(self):
        tracks = self.facts.get("audio") or []
        if not tracks:
            self.add("audio.present", self.level,
                     f"视频没有音轨（没有声音）{self._spec_note()}。教学录像应包含讲解声音，请检查录制时是否开启了麦克风。",
                     "含 AAC 音轨", "没有音轨",
                     self.fix("如确实无需声音，可补一条静音音轨"))
            return
        sr_spec, ab_spec = self.spec["audio_sample_rate"], self.spec["audio_bitrate_kbps"] * 1000
        for i, a in enumerate(tracks):
            which = f"第 {i + 1} 条音轨" if len(tracks) > 1 else "音轨"
            codec = a.get("codec")
            if codec != self.spec["audio_codec"]:
                actual = _CODEC_NAMES.get(codec, codec or "未知编码")
                self.add("audio.codec", self.level, f"{which}的编码是 {actual}，规范要求 AAC{self._spec_note()}。",
                         "AAC", actual, self.fix("用 FFmpeg 把音频转为 AAC"))
            sr = a.get("sample_rate")
            if sr != sr_spec:
                actual = f"{sr / 1000:g} kHz" if sr else "未知"
                self.add("audio.sample_rate", self.level if sr else WARNING,
                         f"{which}的采样率是 {actual}，规范要求 {sr_spec / 1000:g} kHz{self._spec_note()}。",
                         f"{sr_spec / 1000:g} kHz（{sr_spec} Hz）", actual, self.fix("用 FFmpeg 把音频重采样为 48 kHz"))
            br = a.get("bit_rate")
            tol = self.spec["audio_bitrate_tolerance"]
            expected = f"{self.spec['audio_bitrate_kbps']} kb/s（允许读数 {_kbps(ab_spec * (1 - tol))}–{_kbps(ab_spec * (1 + tol))}）"
            if br is None:
                self.add("audio.bitrate", WARNING, f"无法测出{which}的码率。", expected, "未知",
                         self.fix("如不确定，可用 FFmpeg 按 128k 重新编码音频"))
            elif abs(br - ab_spec) > ab_spec * tol:
                self.add("audio.bitrate", self.level,
                         f"{which}的码率是 {_kbps(br)}，规范要求 {self.spec['audio_bitrate_kbps']} kb/s{self._spec_note()}。",
                         expected, _kbps(br), self.fix("用 FFmpeg 按 128k 重新编码音频"))

    def web_playable(self):
        reasons = []
        if self.facts.get("is_streamable") is False and self.facts.get("container_kind") in ("mp4", "mov", "3gp"):
            reasons.append("文件索引（moov）位于文件末尾，浏览器必须下载完整个文件才能开始播放")
        codec = self.v.get("codec")
        if codec not in _BROWSER_VIDEO:
            reasons.append(f"视频编码 {_CODEC_NAMES.get(codec, codec or '未知')} 在多数浏览器中不能播放")
        kind = self.facts.get("container_kind")
        if kind in _NON_BROWSER_CONTAINERS:
            reasons.append(f"{_CONTAINER_NAMES.get(kind, kind or '未知')} 格式在浏览器中通常不能直接播放")
        if not reasons:
            return
        only_moov = len(reasons) == 1 and "moov" in reasons[0]
        self.add("video.web_playable", WARNING,
                 "评审在网页上在线播放时可能出现问题：" + "；".join(reasons) + "。",
                 "浏览器可边下边播（moov 在前的 H.264/AAC MP4）", "；".join(reasons),
                 self.fix("无需重新编码，只需把索引移到文件开头" if only_moov and "-c copy" in self.cmd
                          else "用 FFmpeg 转成浏览器可播放的 MP4"))


# --- text helpers (units a teacher reads) ------------------------------------------------------

def _kbps(bps: float) -> str:
    return f"{math.floor(bps / 100) / 10:g} kb/s"


def _fps(fps: float) -> str:
    return f"{fps:.3f}".rstrip("0").rstrip(".")


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _hms(seconds: float) -> str:
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    if h:
        return f"{h}小时{m:02d}分{sec:02d}秒"
    return f"{m}分{sec:02d}秒" if m else f"{sec}秒"


def _range_text(lo, hi) -> str:
    if lo is not None and hi is not None:
        return f"{_hms(lo)}–{_hms(hi)}"
    return f"不少于 {_hms(lo)}" if lo is not None else f"不超过 {_hms(hi)}"
