"""Blind review inside the files: a work whose files name the teacher and the school in document
properties, media tags, ZIP member names and comments, and body text. Every byte a reviewer can
download (ZIP members and OOXML parts inflated, PDF streams decoded) is searched for the names; the
admin still gets the originals, and what could not be masked is flagged for the admin."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from scoring import db
from scoring.permissions import ADMIN, REVIEWER, Actor

ADMIN_ACTOR, REV = Actor("admin", ADMIN), Actor("rev_a", REVIEWER)
SCHOOL, TEACHER = "示例县职业教育中心", "王伟"
CASE = "融合创新应用教学案例/光的折射"
# How the names may be written inside files (a name split by a space, full-width school digits...).
SECRETS = (TEACHER, SCHOOL, "王 伟", "王　伟")


def _leaky_docx(path: Path) -> None:
    from docx import Document
    doc = Document()
    doc.add_paragraph(f"{SCHOOL} {TEACHER}")
    p = doc.add_paragraph()
    p.add_run("执教：王")
    p.add_run("伟（主讲）")                    # the name split over two runs
    doc.add_paragraph("授课教师：王 伟")
    doc.core_properties.author = TEACHER
    doc.core_properties.last_modified_by = TEACHER
    doc.core_properties.title = f"{SCHOOL}公开课"
    buf = io.BytesIO()
    doc.save(buf)
    with zipfile.ZipFile(buf) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "docProps/app.xml":
                data = data.replace(b"</Properties>", f"<Company>{SCHOOL}</Company></Properties>".encode())
            zout.writestr(info, data)


def _pdf(path: Path, lines: list[str], author: str) -> None:
    from pypdf import PdfReader, PdfWriter
    from samplegen.docs import text_pdf_bytes
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf_bytes(lines))))
    writer.add_metadata({"/Author": author, "/Title": f"{SCHOOL}课件", "/Creator": TEACHER})
    with open(path, "wb") as f:
        writer.write(f)


def _tagged_video(src: Path, dst: Path) -> None:
    import av
    with av.open(str(src)) as inp, av.open(str(dst), "w", format="mp4") as out:
        out.metadata.update({"title": f"{SCHOOL}{TEACHER}公开课", "artist": TEACHER, "comment": SCHOOL})
        streams = {s.index: out.add_stream_from_template(s) for s in inp.streams if s.type in ("video", "audio")}
        for packet in inp.demux(list(inp.streams)):
            if packet.dts is not None and packet.stream.index in streams:
                packet.stream = streams[packet.stream.index]
                out.mux(packet)


@pytest.fixture(scope="module")
def work(tmp_path_factory, video_cache):
    from samplegen.packages import make_package
    from scoring.assignment import assign
    from scoring.importer import import_dump
    from scoring.reviewers import upsert_reviewers

    root = tmp_path_factory.mktemp("blindcopy")
    db.configure(root / "scoring.duckdb")
    pkg = make_package(root / "pkgs", "fusion_case", stage="小学", school=SCHOOL, teacher=TEACHER,
                       title="光的折射", cache_dir=video_cache)
    case = pkg / CASE
    _leaky_docx(case / "案例介绍.docx")
    video = case / "教学活动录像.mp4"
    tagged = root / "tagged.mp4"
    _tagged_video(video, tagged)
    tagged.replace(video)
    _pdf(case / "课件.pdf", ["光的折射 课件", "第一部分 实验"], TEACHER)
    _pdf(case / "教学反思.pdf", ["教学反思", f"执教 {TEACHER}"], TEACHER)
    member_docx = root / "m.docx"
    _leaky_docx(member_docx)
    with zipfile.ZipFile(case / "相关材料.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.comment = f"{SCHOOL} {TEACHER} 打包".encode()
        z.writestr(f"{TEACHER}的教学设计.txt", f"设计者：王 伟，{SCHOOL}".encode())
        z.writestr("资料/说明.txt", "课程资源说明（全角：王　伟）".encode("gb18030"))
        z.write(member_docx, "资料/教案.docx")
        for info in z.infolist():
            info.comment = TEACHER.encode()
    wid = import_dump(ADMIN_ACTOR, root / "pkgs")["works"][0]
    upsert_reviewers(ADMIN_ACTOR, [{"username": "rev_a", "name": "甲", "school": "XX市育才中学",
                                    "district": "城西区", "projects": ["fusion_case"], "stages": ["小学"], "cap": 5}])
    assign(ADMIN_ACTOR, wid, "rev_a")
    yield {"id": wid, "pkg": pkg, "store": root / "store"}
    db.close(root / "scoring.duckdb")
    db.configure(None)


def _names_in(data: bytes, where: str) -> list[str]:
    found = []
    for s in SECRETS:
        for enc in ("utf-8", "utf-16-be", "utf-16-le", "gb18030"):
            if s.encode(enc) in data:
                found.append(f"{where}: {s!r} ({enc})")
    return found


def _all_bytes(data: bytes, where: str) -> list[str]:
    """Names in the bytes, in every ZIP member / OOXML part (inflated), in every decoded PDF stream."""
    found = _names_in(data, where)
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            found += _names_in(z.comment, f"{where} (comment)")
            for info in z.infolist():
                found += _names_in(info.filename.encode(), f"{where} (name)") + _names_in(info.comment, where)
                found += _all_bytes(z.read(info), f"{where}/{info.filename}")
    if data[:5] == b"%PDF-":
        from pypdf import PdfReader
        reader = PdfReader(io.BytesIO(data))
        assert reader.metadata is None or not any(reader.metadata.values()), f"{where}: /Info left"
        for num in range(1, len(reader.xref_objStm) + 200):
            try:
                obj = reader.get_object(num)
            except Exception:
                continue
            if hasattr(obj, "get_data"):
                found += _names_in(obj.get_data(), f"{where} (stream {num})")
    return found


def test_no_name_in_any_byte_a_reviewer_can_download(work):
    from scoring.blind_copy import viewer_file
    from scoring.selectors import blind_work
    files = blind_work(REV, work["id"])["files"]
    names = [f["path"] for f in files]
    assert f"{CASE}/相关材料.zip" in names and f"{CASE}/案例介绍.docx" in names
    leaks, served = [], 0
    for f in files:
        got = viewer_file(REV, work["id"], f["path"], store=work["store"])
        leaks += _names_in(got["name"].encode(), "name") + _names_in((got["text"] or "").encode(), "text")
        if got["downloadable"]:
            served += 1
            leaks += _all_bytes(Path(got["path"]).read_bytes(), f["path"])
    assert leaks == []
    assert served >= 4          # video, Word, ZIP, the PDF without the name in its text


def test_blinded_copies_keep_what_the_reviewer_needs(work):
    import av
    from docx import Document
    from scoring.blind_copy import viewer_file
    doc = viewer_file(REV, work["id"], f"{CASE}/案例介绍.docx", store=work["store"])
    text = [p.text for p in Document(doc["path"]).paragraphs]
    assert text == ["＊＊ ＊＊", "执教：＊＊（主讲）", "授课教师：＊＊"]
    assert Document(doc["path"]).core_properties.author == ""
    from scoring.previews import docx_html
    html = docx_html(doc["path"])                         # what the Word view renders
    assert "执教：＊＊（主讲）" in html and TEACHER not in html and SCHOOL not in html
    video = viewer_file(REV, work["id"], f"{CASE}/教学活动录像.mp4", store=work["store"])
    with av.open(video["path"]) as c:
        assert not {"title", "artist", "comment"} & set(c.metadata)
        assert c.streams.video[0].frames > 0 and c.streams.video[0].codec_context.name == "h264"
    zipped = viewer_file(REV, work["id"], f"{CASE}/相关材料.zip", store=work["store"])
    with zipfile.ZipFile(zipped["path"]) as z:
        assert sorted(z.namelist()) == ["资料/教案.docx", "资料/说明.txt", "＊＊的教学设计.txt"]
        assert z.read("资料/说明.txt").decode("gb18030") == "课程资源说明（全角：＊＊）"


def test_pdf_text_naming_the_author_is_shown_masked_and_flagged(work):
    from scoring.blind_copy import RISK_FLAG, identity_risks, viewer_file
    got = viewer_file(REV, work["id"], f"{CASE}/教学反思.pdf", store=work["store"])
    assert got["downloadable"] is False and got["path"] is None
    assert "执教 ＊＊" in got["text"]
    risks = identity_risks(ADMIN_ACTOR, work["id"], store=work["store"])
    assert any(r.startswith(f"{CASE}/教学反思.pdf：PDF 正文中有作者或单位名称") for r in risks)
    assert not any("课件.pdf" in r for r in risks)
    assert RISK_FLAG == "作品内可能含作者信息"


def test_admin_sees_the_originals(work):
    from scoring.blind_copy import viewer_file
    got = viewer_file(ADMIN_ACTOR, work["id"], f"{CASE}/案例介绍.docx", store=work["store"])
    assert got["blinded"] is False
    assert Path(got["path"]).read_bytes() == (work["pkg"] / CASE / "案例介绍.docx").read_bytes()
