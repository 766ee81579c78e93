"""checks.media.facts on real files made with PyAV: every MediaInfo trap of notes/file-facts.md."""
from __future__ import annotations

import os
import random
import shutil
import subprocess

import pytest

from checks.errors import Unreadable
from checks.media.facts import from_mediainfo_json, from_stream
from samplegen.media import make_video, sample


@pytest.fixture(scope="session")
def media(tmp_path_factory):
    root = tmp_path_factory.getbasetemp() / "media_samples"
    return lambda name: sample(root, name)


def facts(path):
    with open(path, "rb") as f:
        return from_stream(f)


def test_plain_mp4_facts_are_typed_numbers(media):
    f = facts(media("ok_small"))
    assert (f["container"], f["container_kind"], f["format_profile"]) == ("MPEG-4", "mp4", "Base Media")
    assert f["is_truncated"] is False and f["is_streamable"] is True
    assert f["duration_s"] == pytest.approx(1.0, abs=0.05)
    v, = f["video"]
    assert (v["codec"], v["profile"], v["width"], v["height"]) == ("AVC", "High", 320, 180)
    assert isinstance(v["frame_rate"], float) and v["frame_rate"] == 25.0
    assert (v["frame_rate_mode"], v["scan_type"], v["interlaced"], v["rotation"]) == ("CFR", "Progressive", False, 0)
    assert v["bit_rate_source"] == "stream" and isinstance(v["bit_rate"], int) and v["bit_rate"] > 1_000_000
    a, = f["audio"]
    assert (a["codec"], a["sample_rate"], a["channels"]) == ("AAC", 48000, 2)
    assert 120_000 <= a["bit_rate"] <= 136_000     # a 128k encode reads just around 128 kb/s


def test_interlaced_x264_reads_mbaff_and_counts_as_interlaced(media):
    v = facts(media("interlaced"))["video"][0]
    assert (v["scan_type"], v["interlaced"]) == ("MBAFF", True)


def test_hevc_without_scan_type_is_unknown_not_progressive(media):
    v = facts(media("hevc"))["video"][0]
    assert v["codec"] == "HEVC"
    assert v["scan_type"] is None and v["interlaced"] is None


def test_vfr_reports_average_rate_and_mode(media):
    v = facts(media("vfr"))["video"][0]
    assert v["frame_rate_mode"] == "VFR"
    assert v["frame_rate"] != 25.0 and 20 < v["frame_rate"] < 30


def test_30fps_and_pal_size(media):
    assert facts(media("fps30"))["video"][0]["frame_rate"] == 30.0
    v = facts(media("pal_576"))["video"][0]
    assert (v["display_width"], v["display_height"]) == (720, 576)


def test_rotation_swaps_displayed_size(media):
    v = facts(media("portrait_720p"))["video"][0]
    assert (v["width"], v["height"], v["rotation"]) == (1280, 720, 90)
    assert (v["display_width"], v["display_height"]) == (720, 1280)


def test_mov_named_mp4_is_mov_by_content(media):
    f = facts(media("mov_720p"))
    assert f["container"] == "MPEG-4" and f["format_profile"] == "QuickTime"
    assert f["codec_id"] == "qt  " and f["container_kind"] == "mov"


def test_mkv_named_mp4_is_matroska(media):
    f = facts(media("mkv_720p"))
    assert (f["container"], f["container_kind"]) == ("Matroska", "mkv")
    # MediaInfo gives Matroska AAC no bit rate and no stream size: unknown, never invented
    assert f["audio"][0]["bit_rate"] is None and f["audio"][0]["bit_rate_source"] is None


def test_moov_at_end_is_not_streamable(media):
    assert facts(media("moov_last_small"))["is_streamable"] is False


def test_truncated_faststart_file_still_parses_but_is_flagged(media):
    f = facts(media("truncated"))
    assert f["is_truncated"] is True and f["video"][0]["codec"] == "AVC"


def test_no_audio_and_two_audio_tracks(media):
    assert facts(media("no_audio"))["audio"] == []
    tracks = facts(media("two_tracks"))["audio"]
    assert len(tracks) == 2
    assert tracks[0]["bit_rate"] > 120_000 and tracks[1]["bit_rate"] < 70_000


def test_audio_sample_rate_and_bitrate_readings(media):
    assert facts(media("a44k"))["audio"][0]["sample_rate"] == 44100
    assert facts(media("a64k"))["audio"][0]["bit_rate"] < 70_000
    assert facts(media("mp3"))["audio"][0]["codec"] == "MPEG Audio"


def test_long_remuxed_video_is_a_real_16_minute_file(media):
    f = facts(media("long_16min"))
    assert f["duration_s"] == pytest.approx(960, abs=1)
    assert f["video"][0]["duration_s"] == pytest.approx(960, abs=1)
    assert f["audio"][0]["duration_s"] == pytest.approx(960, abs=1)
    assert f["video"][0]["bit_rate"] >= 1_024_000 and f["file_size"] > 120_000_000


def test_sparse_padded_file_reports_its_full_size(media):
    assert facts(media("size_510MB"))["file_size"] == 510_000_000


def test_moov_cut_off_is_unreadable_and_says_truncated(media):
    with pytest.raises(Unreadable) as e:
        facts(media("truncated_moov_last"))
    assert e.value.rule == "file.readable" and "不完整" in e.value.message


def test_random_bytes_are_unreadable(media):
    with pytest.raises(Unreadable) as e:
        facts(media("random"))
    assert e.value.rule == "file.readable" and "无法识别" in e.value.message


def test_zero_bytes_are_unreadable_as_empty(media):
    with pytest.raises(Unreadable) as e:
        facts(media("zero"))
    assert e.value.rule == "file.empty" and "0 字节" in e.value.message


def test_chinese_file_name_parses_through_a_stream(media, tmp_path):
    p = tmp_path / "小学 北京市第一小学 张老师 教学录像.mp4"
    shutil.copy(media("ok_small"), p)
    assert facts(p)["video"][0]["codec"] == "AVC"


class _CountingReader:
    mode = "rb"

    def __init__(self, f):
        self.f, self.bytes_read = f, 0

    def read(self, n=-1):
        data = self.f.read(n)
        self.bytes_read += len(data)
        return data

    def seek(self, *args):
        return self.f.seek(*args)

    def tell(self):
        return self.f.tell()


def test_junk_that_looks_like_mpeg_ts_is_read_only_up_to_the_budget(tmp_path):
    # 0x47 every 188 bytes: MediaInfo would otherwise scan such a file to its end
    data = bytearray(random.Random(3).randbytes(3_000_000))
    data[::188] = b"\x47" * len(data[::188])
    p = tmp_path / "junk.ts"
    p.write_bytes(bytes(data))
    with open(p, "rb") as f:
        r = _CountingReader(f)
        with pytest.raises(Unreadable):
            from_stream(r, read_budget=1_000_000)
    assert r.bytes_read <= 1_000_000


def test_headers_only_for_a_long_file(media):
    with open(media("long_16min"), "rb") as f:
        r = _CountingReader(f)
        from_stream(r)
    assert r.bytes_read < 5_000_000          # of a ~150 MB file


@pytest.mark.skipif(shutil.which("mediainfo") is None, reason="Debian mediainfo CLI not installed")
@pytest.mark.parametrize("name", ["ok_small", "interlaced", "vfr", "portrait_720p", "mov_720p", "mkv_720p",
                                  "moov_last_small", "truncated", "two_tracks", "no_audio", "hevc"])
def test_cli_json_gives_the_same_facts(media, name):
    path = media(name)
    out = subprocess.run(["mediainfo", "--Output=JSON", str(path)], capture_output=True, text=True,
                         check=True, timeout=30).stdout
    assert from_mediainfo_json(out) == facts(path)


@pytest.mark.skipif(shutil.which("mediainfo") is None, reason="Debian mediainfo CLI not installed")
def test_cli_json_of_random_bytes_is_unreadable(media):
    out = subprocess.run(["mediainfo", "--Output=JSON", str(media("random"))], capture_output=True,
                         text=True, check=True, timeout=30).stdout
    with pytest.raises(Unreadable):
        from_mediainfo_json(out)


def hanging_ts_junk(path):
    """These exact 1,000,000 bytes make libmediainfo 24.12 spin forever (found while testing the
    read budget): MPEG-TS sync bytes every 188 bytes over seeded random data."""
    data = bytearray(random.Random(166).randbytes(3_000_000))
    data[::188] = b"\x47" * len(data[::188])
    path.write_bytes(bytes(data[:1_000_000]))
    return path


def test_junk_that_hangs_libmediainfo_is_unreadable_not_a_hang(tmp_path):
    # the parse runs in a worker process that is killed after the timeout
    p = hanging_ts_junk(tmp_path / "junk.ts")
    with open(p, "rb") as f, pytest.raises(Unreadable) as e:
        from_stream(f, timeout_s=2)
    assert e.value.rule == "file.readable"


def test_after_a_hung_parse_is_killed_the_next_file_is_read_normally(tmp_path):
    # The worker that parses is replaced after a timeout; nothing of the hung one lingers.
    from checks.media import facts as media_facts
    junk = hanging_ts_junk(tmp_path / "junk.ts")
    good = make_video(tmp_path / "good.mp4", seconds=1, width=320, height=180)
    with open(junk, "rb") as f, pytest.raises(Unreadable):
        media_facts.from_stream(f, timeout_s=2)
    with open(good, "rb") as f:
        assert media_facts.from_stream(f)["video"][0]["width"] == 320
    worker = media_facts._WORKER
    assert worker is not None and worker._pid is not None
    os.kill(worker._pid, 0)                     # the new worker is alive


def test_a_video_stored_in_a_zip_is_read_in_place_with_the_same_facts(tmp_path):
    import zipfile

    from checks.archives import open_archive
    video = make_video(tmp_path / "v.mp4", seconds=1, width=320, height=180)
    z = tmp_path / "a.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
        zf.write(video, "小学某校张三/教学活动录像.mp4")
    with open_archive(z) as arc, arc.open(arc.members[0]) as member:
        assert member.window() is not None           # a window of the ZIP file, nothing extracted
        in_zip = from_stream(member)
    with open(video, "rb") as f:
        direct = from_stream(f)
    assert {k: v for k, v in in_zip.items() if k != "file_size"} == \
        {k: v for k, v in direct.items() if k != "file_size"}
    assert in_zip["file_size"] == direct["file_size"] == video.stat().st_size
