"""Content sniffing on real (or minimal real) files of every kind the rules know."""
from __future__ import annotations

import gzip
import io
import random
import struct
import tarfile
import zipfile
from pathlib import Path

import av
import numpy as np
import pytest
import yaml

from checks.sniff import KIND_LABELS_ZH, extension_mismatch, ole_stream_names, sniff_path, sniff_stream
from tests.conftest import FIXTURES, REPO

RAR = FIXTURES / "rar"

# -- makers ------------------------------------------------------------------------------------

VIDEO = {  # kind: (muxer, video codec, size)
    "mp4": ("mp4", "libx264", (64, 64)), "mov": ("mov", "libx264", (64, 64)),
    "mkv": ("matroska", "mpeg4", (64, 64)), "webm": ("webm", "libvpx", (64, 64)),
    "avi": ("avi", "mpeg4", (64, 64)), "flv": ("flv", "flv", (64, 64)),
    "wmv": ("asf", "wmv2", (64, 64)), "mpegts": ("mpegts", "mpeg2video", (64, 64)),
    "mpeg": ("mpeg", "mpeg1video", (64, 64)), "3gp": ("3gp", "h263", (176, 144)),
}
AUDIO = {  # kind: (muxer, audio codec)
    "mp3": ("mp3", "libmp3lame"), "wav": ("wav", "pcm_s16le"), "aac": ("adts", "aac"), "m4a": ("ipod", "aac"),
}


def video_bytes(fmt: str, codec: str, size: tuple[int, int]) -> bytes:
    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt) as c:
        s = c.add_stream(codec, rate=25)
        s.width, s.height = size
        s.pix_fmt = "yuv420p"
        for i in range(5):
            img = np.full((size[1], size[0], 3), i * 40, dtype=np.uint8)
            for pkt in s.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                c.mux(pkt)
        for pkt in s.encode():
            c.mux(pkt)
    return buf.getvalue()


def audio_bytes(fmt: str, codec: str) -> bytes:
    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt) as c:
        s = c.add_stream(codec, rate=48000)
        s.layout = "mono"
        n = 1152
        for i in range(10):
            t = np.arange(i * n, (i + 1) * n) / 48000
            pcm = (np.sin(2 * np.pi * 440 * t) * 8000).astype(np.int16).reshape(1, -1)
            frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
            frame.sample_rate = 48000
            frame.pts = i * n
            for pkt in s.encode(frame):
                c.mux(pkt)
        for pkt in s.encode():
            c.mux(pkt)
    return buf.getvalue()


def cfb(names: list[str]) -> bytes:
    """A minimal valid compound file (OLE2, v3, 512-byte sectors) with empty streams `names`.
    Sector 0 is the FAT; the directory chain follows, so >3 streams spans several sectors."""
    entries = ["Root Entry", *names]
    n_dir = (len(entries) + 3) // 4
    fat = [0xFFFFFFFD] + [i + 1 for i in range(1, n_dir)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (128 - len(fat))
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
              + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
              + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
              + struct.pack("<109I", 0, *([0xFFFFFFFF] * 108)))
    dir_bytes = b""
    for i, name in enumerate(entries):
        enc = name.encode("utf-16-le") + b"\0\0"
        kind = 5 if i == 0 else 2
        right = i + 1 if 0 < i < len(entries) - 1 else 0xFFFFFFFF
        child = 1 if i == 0 and len(entries) > 1 else 0xFFFFFFFF
        dir_bytes += (enc.ljust(64, b"\0") + struct.pack("<HBB", len(enc), kind, 1)
                      + struct.pack("<III", 0xFFFFFFFF, right, child) + bytes(16 + 4 + 16)
                      + struct.pack("<IQ", 0xFFFFFFFE, 0))
    dir_bytes = dir_bytes.ljust(n_dir * 512, b"\0")
    return header + struct.pack("<128I", *fat) + dir_bytes


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def docx_bytes() -> bytes:
    import docx
    d = docx.Document()
    d.add_paragraph("案例介绍")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def xlsx_bytes() -> bytes:
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active["A1"] = "汇总表"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pptx_bytes() -> bytes:
    ct = (b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          b'<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-'
          b'officedocument.presentationml.presentation.main+xml"/></Types>')
    return zip_bytes({"[Content_Types].xml": ct, "ppt/presentation.xml": b"<p:presentation/>"})


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter
    w = PdfWriter()
    w.add_blank_page(200, 200)
    buf = io.BytesIO()
    w.write(buf)
    return buf.getvalue()


def image_bytes(fmt: str) -> bytes:
    from PIL import Image
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buf, format=fmt)
    return buf.getvalue()


def sevenzip_bytes(tmp: Path) -> bytes:
    import libarchive
    src = tmp / "说明.txt"
    src.write_text("材料")
    out = tmp / "a.7z"
    with libarchive.file_writer(str(out), "7zip") as w:
        w.add_files(str(src))
    return out.read_bytes()


def gzip_bytes() -> bytes:
    return gzip.compress("文本".encode())


def tar_bytes() -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as t:
        data = "材料".encode()
        ti = tarfile.TarInfo("材料.txt")
        ti.size = len(data)
        t.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


WORD_HTML = (b'<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"\r\n'
             b'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">\r\n'
             b'<head><meta http-equiv=Content-Type content="text/html; charset=gb2312">\r\n'
             b'<meta name=ProgId content=Word.Document><meta name=Generator content="Microsoft Word 15">\r\n'
             + "<title>教案</title></head><body lang=ZH-CN><p class=MsoNormal>教学目标</p></body></html>".encode("gbk"))
WORD_MHT = (b'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="----=_NextPart_01DA"\r\n\r\n'
            b'------=_NextPart_01DA\r\nContent-Location: file:///C:/D0A1B8E3/jiaoan.htm\r\n'
            b'Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/html; charset="gb2312"\r\n\r\n'
            b'<html xmlns:v=3D"urn:schemas-microsoft-com:vml"\r\nxmlns:w=3D"urn:schemas-microsoft-com:office:w=\r\n'
            b'ord"\r\nxmlns=3D"http://www.w3.org/TR/REC-html40">\r\n<head>\r\n'
            b'<meta name=3DProgId content=3DWord.Document>\r\n</head>\r\n')
WORD_XML = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<?mso-application progid="Word.Document"?>\r\n'
            b'<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"><w:body><w:p><w:r>'
            + "<w:t>教学设计</w:t>".encode() + b"</w:r></w:p></w:body></w:wordDocument>")
HTML = "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><title>专题网站</title></head><body>首页</body></html>".encode()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(46) + struct.pack("<I", 64) + b"PE\0\0" + bytes(200)
RTF = rb"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil\fcharset134 SimSun;}}\f0\fs24 \'bd\'cc\'b0\'b8\par}"


def sample(kind: str, tmp: Path) -> bytes:
    if kind in VIDEO:
        return video_bytes(*VIDEO[kind])
    if kind in AUDIO:
        return audio_bytes(*AUDIO[kind])
    makers = {
        "docx": docx_bytes, "xlsx": xlsx_bytes, "pptx": pptx_bytes, "pdf": pdf_bytes,
        "doc": lambda: cfb(["WordDocument", "1Table", "\x05SummaryInformation"]),
        "xls": lambda: cfb(["Workbook", "\x05SummaryInformation"]),
        "ppt": lambda: cfb(["Current User", "PowerPoint Document", "Pictures", "\x05SummaryInformation",
                            "\x05DocumentSummaryInformation"]),
        "docx_encrypted": lambda: cfb(["EncryptionInfo", "EncryptedPackage", "\x06DataSpaces"]),
        "rtf": lambda: RTF, "word_html": lambda: WORD_HTML, "word_xml": lambda: WORD_XML,
        "zip": lambda: zip_bytes({"教学设计.txt": "内容".encode()}),
        "rar": lambda: (RAR / "rar5-subdirs.rar").read_bytes(), "7z": lambda: sevenzip_bytes(tmp),
        "gzip": gzip_bytes, "tar": tar_bytes,
        "png": lambda: image_bytes("PNG"), "jpeg": lambda: image_bytes("JPEG"), "gif": lambda: image_bytes("GIF"),
        "bmp": lambda: image_bytes("BMP"), "webp": lambda: image_bytes("WEBP"), "tiff": lambda: image_bytes("TIFF"),
        "html": lambda: HTML, "text": lambda: "作品名称：趣味编程\n作者：张三\n".encode(),
        "exe": lambda: EXE, "empty": lambda: b"",
        "unknown": lambda: b"\x00\x13" + random.Random(7).randbytes(4000),
    }
    return makers[kind]()


CONTENT_KINDS = [*VIDEO, *AUDIO, "docx", "xlsx", "pptx", "doc", "xls", "ppt", "docx_encrypted", "rtf",
                 "word_html", "word_xml", "pdf", "zip", "rar", "7z", "gzip", "tar", "png", "jpeg", "gif",
                 "bmp", "webp", "tiff", "html", "text", "exe", "empty", "unknown"]


@pytest.mark.parametrize("kind", CONTENT_KINDS)
def test_every_kind_is_recognised_from_content(kind, tmp_path):
    data = sample(kind, tmp_path)
    f = io.BytesIO(data)
    f.seek(min(3, len(data)))
    assert sniff_stream(f) == kind
    assert f.tell() == min(3, len(data))          # position restored
    p = tmp_path / "上传的文件.bin"                 # the name never decides the family
    p.write_bytes(data)
    assert sniff_path(p) == kind


def test_kingsoft_names_pick_wps_et_dps_over_the_shared_layout(tmp_path):
    for kind, streams, ext in (("wps", ["WordDocument", "WpsCustomData"], ".wps"),
                               ("et", ["Workbook"], ".et"), ("dps", ["PowerPoint Document"], ".dps")):
        p = tmp_path / f"作品{ext}"
        p.write_bytes(cfb(streams))
        assert sniff_path(p) == kind
        assert sniff_stream(io.BytesIO(cfb(streams)), name="作品.doc") in ("doc", "xls", "ppt")


def test_ole_directory_spanning_several_sectors_is_followed():
    names = ["a", "b", "c", "d", "e", "f", "g", "WordDocument"]
    data = cfb(names)
    assert ole_stream_names(io.BytesIO(data), data[:512]) == {"Root Entry", *names}


def test_other_word_flavours():
    assert sniff_stream(io.BytesIO(WORD_MHT)) == "word_html"
    gbk_text = "教学实施报告\r\n一、基本情况\r\n".encode("gbk") * 20
    assert sniff_stream(io.BytesIO(gbk_text)) == "text"
    utf16 = "\ufeff案例介绍".encode("utf-16-le")
    assert sniff_stream(io.BytesIO(utf16)) == "text"


def test_docx_named_zip_and_truncated_files_still_sniff_by_content(tmp_path):
    d = docx_bytes()
    assert sniff_stream(io.BytesIO(d)) == "docx"
    assert sniff_stream(io.BytesIO(d[: len(d) // 2])) == "docx"       # no central directory: local headers tell
    mp4 = video_bytes(*VIDEO["mp4"])
    assert sniff_stream(io.BytesIO(mp4[:64])) == "mp4"                 # an interrupted upload


def test_labels_cover_every_kind_the_rules_use():
    rules = yaml.safe_load((REPO / "data" / "rules" / "contest.yaml").read_text(encoding="utf-8"))
    used = {k for group in rules["kind_groups"].values() for k in group}
    assert used <= set(KIND_LABELS_ZH)
    assert set(CONTENT_KINDS) <= set(KIND_LABELS_ZH)
    assert KIND_LABELS_ZH["doc"] == "旧版 Word 文档（.doc）" and KIND_LABELS_ZH["rar"] == "RAR 压缩包"


@pytest.mark.parametrize("name,kind,want", [
    ("录像.mp4", "mov", "mov"), ("录像.mp4", "mkv", "mkv"), ("录像.MP4", "mp4", None),
    ("说明.docx", "doc", "doc"), ("说明.doc", "rtf", "rtf"), ("说明.doc", "word_html", "htm"),
    ("说明.wps", "doc", None), ("说明.doc", "wps", None), ("表.et", "xls", None),
    ("相关材料.zip", "rar", "rar"), ("课本.epub", "zip", None), ("说明.txt", "text", None),
    ("未知", "unknown", None), ("登记表.pdf", "jpeg", "jpg"), ("加密.docx", "docx_encrypted", None), ("加密.xlsx", "encrypted_office", None),
])
def test_extension_mismatch(name, kind, want):
    assert extension_mismatch(name, kind) == want
