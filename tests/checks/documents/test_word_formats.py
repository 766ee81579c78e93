"""Word's own formats, known by content: .doc/.wps written by LibreOffice, .docx encrypted as Word
does (msoffcrypto-tool), a .docx cut off in transit; each through sniff, the inspector and the engine."""
import io
import re

import pytest

from checks import check_paths
from checks.documents import docx as docx_facts
from checks.documents import legacy as legacy_doc
from checks.documents import rules as doc_rules
from checks.errors import Unreadable
from checks.rules import load_rules
from checks.sniff import KIND_LABELS_ZH, sniff_path, sniff_stream
from samplegen.docs import libreoffice_convert, make_docx, make_encrypted_docx

RULES = load_rules()
PLAN_ITEM = next(i for i in RULES["projects"]["vocational_practice"]["items"] if i["key"] == "lesson_plan")
PLAN = PLAN_ITEM["doc"]["sections"]
BODY = "本部分介绍具体做法和取得的效果，内容较长，不是标题。"
PASSWORD = "文件设置了打开密码，评审无法打开；请取消密码后重新保存"


def file_findings(report, name):
    return [(f.rule, f.level, f.message) for f in report.findings if f.path == name]


@pytest.fixture(scope="module")
def legacy_files(tmp_path_factory):
    """教案 saved by LibreOffice as Word 97-2003 (a long one and a one-page one); the long one's
    bytes named .wps, as WPS writes them."""
    d = tmp_path_factory.mktemp("legacy")
    long_src = make_docx(d / "教案.docx", heading_style="numbered", sections=[(s, BODY * 12) for s in PLAN])
    short_src = make_docx(d / "短教案.docx", heading_style="numbered", sections=[(s, BODY) for s in PLAN])
    doc, short = libreoffice_convert([long_src, short_src], "doc")
    wps = d / "wps" / "教案.wps"
    wps.parent.mkdir()
    wps.write_bytes(doc.read_bytes())
    return doc, wps, short


# --- password-protected -----------------------------------------------------------------------------

def test_encrypted_docx_is_its_own_kind(tmp_path):
    p = make_encrypted_docx(tmp_path / "教案.docx", sections=[(s, BODY) for s in PLAN])
    assert p.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    assert sniff_path(p) == "docx_encrypted"
    assert KIND_LABELS_ZH["docx_encrypted"] == "设置了打开密码的 Word 文档"
    with open(p, "rb") as f:
        assert sniff_stream(f, name="汇总表.xlsx") == "encrypted_office"   # same layout: the name decides
    with open(p, "rb") as f, pytest.raises(Unreadable) as exc:
        legacy_doc.from_stream(f, "docx_encrypted")
    assert exc.value.message == PASSWORD and exc.value.rule == "file.readable"


def test_encrypted_docx_gets_one_clear_finding(tmp_path):
    p = make_encrypted_docx(tmp_path / "教案.docx", sections=[(s, BODY) for s in PLAN])
    report = check_paths([p], project="vocational_practice")
    assert file_findings(report, "教案.docx") == [("file.readable", "error", PASSWORD)]
    assert not any("请提交" in (f.fix or "") + f.message for f in report.findings if f.path == "教案.docx")


# --- cut off in transit -----------------------------------------------------------------------------------

def test_truncated_docx_sniffs_as_word_and_gets_one_chinese_finding(tmp_path):
    whole = make_docx(tmp_path / "full.docx", sections=[(s, BODY) for s in PLAN]).read_bytes()
    p = tmp_path / "教案.docx"
    p.write_bytes(whole[: len(whole) * 2 // 3])
    assert sniff_path(p) == "docx"
    with open(p, "rb") as f, pytest.raises(Unreadable) as exc:
        docx_facts.from_stream(f)
    assert exc.value.message.startswith("Word 文件已损坏，请重新保存为 .docx")
    report = check_paths([p], project="vocational_practice")
    found = [f for f in report.findings if f.path == "教案.docx"]
    assert [(f.rule, f.level) for f in found] == [("file.readable", "error")]
    shown = found[0].message + (found[0].actual or "") + (found[0].fix or "")
    assert "Word 文件已损坏，请重新保存为 .docx" in found[0].message
    assert not re.search(r"[A-Za-z]{3,}", shown.replace(".docx", "").replace("Word", "").replace("WPS", ""))
    assert "zip" not in shown.lower()


def test_a_cut_off_spreadsheet_is_not_taken_for_word(tmp_path):
    import openpyxl
    wb = openpyxl.Workbook()
    wb.active["A1"] = "汇总表"
    p = tmp_path / "汇总表.xlsx"
    wb.save(p)
    data = p.read_bytes()
    assert sniff_stream(io.BytesIO(data)) == "xlsx"
    assert sniff_stream(io.BytesIO(data[: len(data) // 2])) == "zip"


def test_a_plain_zip_cut_off_stays_a_zip(tmp_path):
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/说明.txt", "不是 Word 文档" * 100)
        z.writestr("图片.txt", "x" * 1000)
    data = buf.getvalue()
    assert sniff_stream(io.BytesIO(data[: len(data) // 2])) == "zip"     # no [Content_Types].xml


# --- .doc and .wps are Word ---------------------------------------------------------------------------

def test_doc_and_wps_by_content(legacy_files):
    doc, wps, _short = legacy_files
    assert sniff_path(doc) == "doc" and sniff_path(wps) == "wps"
    facts = legacy_doc.from_stream(open(doc, "rb"), "doc")
    assert facts["tool"] == "word97" and facts["encrypted"] is False
    found = doc_rules.judge_document(facts, "doc", PLAN_ITEM, "教案.doc")
    assert [(f.rule, f.level) for f in found] == [("doc.format", "info")]     # all seven sections read


@pytest.mark.parametrize("which", [0, 1])
def test_doc_and_wps_pass_where_the_notice_says_word(legacy_files, which):
    p = legacy_files[which]
    report = check_paths([p], project="vocational_practice")
    mine = file_findings(report, p.name)
    assert [(r, lvl) for r, lvl, _m in mine] == [("doc.format", "info")]
    assert "已按 Word 格式接受" in mine[0][2]
    assert not [f for f in report.findings if f.item == "lesson_plan" and f.level == "error"]


def _with_fib_encrypted(data: bytes) -> bytes:
    """The file with fEncrypted (FibBase flags 0x0100) set, as Word sets it for an open password."""
    import olefile
    with olefile.OleFileIO(data) as ole:
        fib = ole.openstream("WordDocument").read(64)
    at = data.find(fib)
    assert at > 0 and fib[:2] == b"\xec\xa5"
    out = bytearray(data)
    out[at + 11] |= 0x01
    return bytes(out)


def test_an_encrypted_doc_is_known_by_its_fib(legacy_files, tmp_path):
    p = tmp_path / "教案.doc"
    p.write_bytes(_with_fib_encrypted(legacy_files[0].read_bytes()))
    assert sniff_path(p) == "doc_encrypted"
    assert legacy_doc.word97_text(p.read_bytes()).encrypted is True
    report = check_paths([p], project="vocational_practice")
    assert file_findings(report, "教案.doc") == [("file.readable", "error", PASSWORD)]


def test_a_small_encrypted_doc_is_caught_by_the_reader(legacy_files, tmp_path):
    # its WordDocument stream sits in the OLE2 mini stream, which sniffing does not follow
    p = tmp_path / "教案.doc"
    p.write_bytes(_with_fib_encrypted(legacy_files[2].read_bytes()))
    assert sniff_path(p) == "doc"
    report = check_paths([p], project="vocational_practice")
    assert file_findings(report, "教案.doc") == [("file.readable", "error", PASSWORD)]
