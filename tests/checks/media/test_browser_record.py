"""Browser MediaInfo records (checks.media.browser_record) through check_paths: the real JSON of
mediainfo.js (run by node on the same .wasm the browser gets) checks like the file itself; a forged
or broken record is a Chinese file.readable finding; without browser_media (初审) no record counts."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from checks import check_paths
from checks.media.browser_record import MAGIC, MAX_RECORD_BYTES
from tests.conftest import REPO

MI_JS = REPO / "node_modules" / "mediainfo.js" / "dist" / "esm" / "index.js"
# The worker's settings (ui/selfcheck/static/mediainfo_worker.js): full output, 64 KiB pieces.
_NODE = """
import {openSync, readSync, fstatSync} from 'fs';
const {default: factory} = await import(process.argv[1]);
const mi = await factory({format: 'JSON', full: true, chunkSize: 65536});
const fd = openSync(process.argv[2], 'r'), size = fstatSync(fd).size;
process.stdout.write(await mi.analyzeData(size, (n, off) => {
  const b = Buffer.alloc(Math.max(0, Math.min(n, size - off))); readSync(fd, b, 0, b.length, off); return b; }));
"""
needs_node = pytest.mark.skipif(shutil.which("node") is None or not MI_JS.exists(),
                                reason="node / npm ci not run (scripts/setup.sh)")


def mediainfo_json(path: Path) -> dict:
    out = subprocess.run(["node", "--input-type=module", "-e", _NODE, MI_JS.as_uri(), str(path)],
                         capture_output=True, text=True, check=True, timeout=60).stdout
    return json.loads(out)


def write_record(path: Path, body) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(MAGIC + (body if isinstance(body, bytes) else json.dumps(body).encode()))
    return path


@pytest.fixture(scope="module")
def fps30(video_cache):
    from samplegen.media import sample
    video = sample(video_cache, "fps30")
    return video, mediainfo_json(video)


@needs_node
def test_record_checks_like_the_video_plus_one_info_line(fps30, tmp_path):
    video, mi = fps30
    record = write_record(tmp_path / "fps30.mp4", {"size": video.stat().st_size, "kind": "mp4", "mediainfo": mi})
    local = check_paths([record], project="vocational_practice", browser_media=True).to_dict()
    uploaded = check_paths([video], project="vocational_practice").to_dict()
    info = [f for f in local["findings"] if f["rule"] == "video.browser_check"]
    assert info == [{"rule": "video.browser_check", "level": "info", "path": "fps30.mp4",
                     "message": "该视频在本机分析，未上传", "expected": None, "actual": None,
                     "item": "lesson_video"}]
    local["findings"].remove(info[0])
    assert local == uploaded
    assert "video.fps" in {f["rule"] for f in uploaded["findings"]}
    [entry] = local["files"]
    assert {k: entry[k] for k in ("path", "kind", "size", "item")} == {
        "path": "fps30.mp4", "kind": "mp4", "size": video.stat().st_size, "item": "lesson_video"}
    assert entry["why"].endswith("识别为：教学活动录像（项目中只有这一项接受此类文件）")


@needs_node
def test_without_browser_media_a_record_is_not_a_video(fps30, tmp_path):
    """初审 (and the CLI) read real files: a record named .mp4 is an unreadable file there."""
    video, mi = fps30
    record = write_record(tmp_path / "fps30.mp4", {"size": video.stat().st_size, "kind": "mp4", "mediainfo": mi})
    report = check_paths([record], project="vocational_practice")
    assert [f.kind for f in report.files] == ["text"] and report.verdict == "fail"
    assert not [f for f in report.findings if f.rule == "video.browser_check"]
    missing = [f for f in report.findings if f.rule == "package.required" and f.item == "lesson_video"]
    assert [(f.level, f.message) for f in missing] == [("error", "缺少“教学活动录像”。")]


def _set(mi: dict, kind: str, key: str, value) -> dict:
    mi = json.loads(json.dumps(mi))
    next(t for t in mi["media"]["track"] if t["@type"] == kind)[key] = value
    return mi


FORGED = {
    "not JSON": (b"{not json", "视频分析结果不是有效的 JSON"),
    "a list": (b"[1, 2]", "格式不对（应为 JSON 对象）"),
    "not a video kind": (lambda v, mi: {"size": v, "kind": "pdf", "mediainfo": mi}, "文件类型无效（不是视频）"),
    "size as text": (lambda v, mi: {"size": "1", "kind": "mp4", "mediainfo": mi}, "文件大小无效"),
    "size not the file's": (lambda v, mi: {"size": v + 1, "kind": "mp4", "mediainfo": mi},
                            "文件大小与所选文件不一致"),
    "no media": (lambda v, mi: {"size": v, "kind": "mp4", "mediainfo": {"x": 1}}, "缺少 media 部分"),
    "track not an object": (lambda v, mi: {"size": v, "kind": "mp4", "mediainfo": {"media": {"track": [1]}}},
                            "轨道格式不对"),
    "huge number": (lambda v, mi: {"size": v, "kind": "mp4", "mediainfo": _set(mi, "Video", "Width", "9" * 400)},
                    "字段 Width 的值不是数字"),
    "fps out of range": (lambda v, mi: {"size": v, "kind": "mp4",
                                        "mediainfo": _set(mi, "Video", "FrameRate", "99999.000")},
                         "字段 FrameRate 的值“99999.000”超出合理范围"),
    "number as JSON number": (lambda v, mi: {"size": v, "kind": "mp4", "mediainfo": _set(mi, "Video", "Height", 720)},
                              "字段 Height 的类型不对"),
    "nested too deep": (lambda v, mi: {"size": v, "kind": "mp4", "mediainfo": _set(
        mi, "Video", "extra", {"a": {"b": {"c": {"d": {"e": {"f": {"g": "h"}}}}}}})}, "字段 f 的类型不对"),
    "null value": (lambda v, mi: {"size": v, "kind": "mp4", "mediainfo": _set(mi, "Audio", "Format", None)},
                   "字段 Format 的类型不对"),
    "too big": (lambda v, mi: {"size": v, "kind": "mp4", "mediainfo": _set(mi, "General", "Title", "x" * MAX_RECORD_BYTES)},
                "视频分析结果过大（超过 256 KB）"),
}


@needs_node
@pytest.mark.parametrize("case", list(FORGED))
def test_forged_records_give_a_chinese_finding(fps30, tmp_path, case):
    video, mi = fps30
    body, expected = FORGED[case]
    record = write_record(tmp_path / "录像.mp4", body if isinstance(body, bytes) else body(video.stat().st_size, mi))
    report = check_paths([record], project="vocational_practice", browser_media=True)
    bad = [f for f in report.findings if f.path == "录像.mp4"]
    assert [(f.rule, f.level) for f in bad] == [("file.readable", "error")], case
    assert bad[0].message.startswith("浏览器提交的视频分析结果无效：") and expected in bad[0].message, bad[0].message
    assert bad[0].message.endswith("请改用其他浏览器或直接上传该视频检查。")
    assert report.verdict == "fail"


@needs_node
def test_a_record_of_a_truncated_video_reads_as_the_truncated_video(video_cache, tmp_path):
    """MediaInfo's own verdict travels too: the same Unreadable message as the server's parse."""
    from samplegen.media import sample
    video = sample(video_cache, "truncated")
    record = write_record(tmp_path / video.name, {"size": video.stat().st_size, "kind": "mp4",
                                                  "mediainfo": mediainfo_json(video)})
    local = check_paths([record], browser_media=True).to_dict()
    uploaded = check_paths([video]).to_dict()
    local["findings"] = [f for f in local["findings"] if f["rule"] != "video.browser_check"]
    assert local == uploaded
    assert any(f["rule"] == "file.readable" and "不完整" in f["message"] for f in uploaded["findings"])


@needs_node
def test_every_container_passes_validation_with_the_servers_facts(video_cache, tmp_path):
    """Real JSON of real files is never taken for a forgery, and gives exactly the server's facts."""
    from samplegen.media import sample
    from tests.media_containers import encoded, remux
    mp4 = sample(video_cache, "ok_small")
    videos = [mp4, sample(video_cache, "mkv_720p"), sample(video_cache, "vfr"), sample(video_cache, "two_tracks"),
              sample(video_cache, "portrait_720p"), encoded(tmp_path / "v.avi", "avi", "mpeg4"),
              encoded(tmp_path / "v.flv", "flv", "flv"), encoded(tmp_path / "v.ts", "mpegts", "mpeg2video"),
              encoded(tmp_path / "v.mpg", "vob", "mpeg2video"), encoded(tmp_path / "v.wmv", "asf", "wmv2"),
              remux(mp4, tmp_path / "v.3gp", "3gp")]
    from checks.media.browser_record import load
    from checks.media.facts import from_stream
    from checks.sniff import sniff_path
    for video in videos:
        env = {"size": video.stat().st_size, "kind": sniff_path(video), "mediainfo": mediainfo_json(video)}
        record = load(MAGIC + json.dumps(env).encode())
        assert record.error is None, (video.name, record.error)
        with open(video, "rb") as f:
            assert record.facts() == from_stream(f), video.name
