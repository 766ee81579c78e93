"""docx facts on real .docx files: text in order, headings however teachers make them, 字数, bad zips."""
import io
import zipfile

import pytest
from docx import Document
from docx.oxml import parse_xml
from PIL import Image

from checks.documents.docx import MAX_DOCUMENT_BYTES, from_stream, numbering_level, strip_numbering
from checks.errors import Unreadable
from checks.documents.wordcount import word_count
from samplegen.docs import make_docx, make_docx_words, make_legacy_doc_bytes

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SECTIONS = [("基本情况", "本校位于城区。"), ("过程与举措", "组织研修活动。"),
            ("经验与成效", "效果明显。"), ("特色与创新", "形成特色。")]


def facts_of(path):
    with open(path, "rb") as f:
        return from_stream(f)


def heading_map(facts):
    return {h["text"]: (h["source"], h["level"]) for h in facts["headings"]}


@pytest.mark.parametrize("style, source, level", [
    ("heading", "style", 1),
    ("heading_cn", "style", 1),       # styleId "1", name "heading 1"
    ("based", "style", 1),            # custom style based on Heading 1
    ("outline", "outline", 1),
    ("bold", "bold", None),
    ("bold_style", "bold", None),     # bold through the paragraph style
    ("table", "table", None),
])
def test_headings_are_found_however_they_are_made(tmp_path, style, source, level):
    path = make_docx(tmp_path / "a.docx", title="研修案例", sections=SECTIONS, heading_style=style)
    got = heading_map(facts_of(path))
    for name, _body in SECTIONS:
        assert got[name] == (source, level)
    assert "本校位于城区。" not in got


def test_numbered_lines_are_headings_with_their_level(tmp_path):
    path = make_docx(tmp_path / "n.docx", sections=SECTIONS, heading_style="numbered",
                     extra_paragraphs=["（一）学校概况", "1. 第一步", "第二部分 成效", "一、这是一个很长的句子而不是标题因为它一直在说下去并且结束于句号。"])
    got = heading_map(facts_of(path))
    assert got["一、基本情况"] == ("numbered", 1)
    assert got["四、特色与创新"] == ("numbered", 1)
    assert got["（一）学校概况"] == ("numbered", 2)
    assert got["1. 第一步"] == ("numbered", 2)
    assert got["第二部分 成效"] == ("numbered", 1)
    assert not any(t.startswith("一、这是") for t in got)


def test_chinese_style_ids_are_really_in_the_file(tmp_path):
    path = make_docx(tmp_path / "cn.docx", sections=SECTIONS, heading_style="heading_cn")
    with zipfile.ZipFile(path) as z:
        assert b'w:styleId="1"' in z.read("word/styles.xml")
        assert b'w:pStyle w:val="1"' in z.read("word/document.xml")


def test_numbering_helpers():
    assert strip_numbering("（二）\u3000过程与举措") == "过程与举措"
    assert strip_numbering("第一部分 一、基本情况") == "基本情况"
    assert strip_numbering("1.2 教学目标") == "教学目标"
    assert numbering_level("2024年工作") is None
    assert numbering_level("一、") is None          # numbering with nothing after it


def test_text_box_counted_once_and_footnote_counted(tmp_path):
    path = make_docx(tmp_path / "tb.docx", sections=[("基本情况", "正文内容")], heading_style="heading",
                     textbox_text="文本框里的八个字", footnote="脚注五个字")
    with zipfile.ZipFile(path) as z:        # the text really is stored twice (DrawingML + VML)
        assert z.read("word/document.xml").decode().count("文本框里的八个字") == 2
    facts = facts_of(path)
    assert facts["paragraphs"].count("文本框里的八个字") == 1
    assert facts["textbox_paragraphs"] == 1 and facts["notes_paragraphs"] == 1
    # 基本情况 4 + 正文内容 4 + 文本框如下： 6 + 文本框里的八个字 8 + 脚注五个字 5
    assert facts["word_count"] == 27


def test_tables_nested_tables_content_controls_tracked_changes_in_order(tmp_path):
    doc = Document()
    doc.add_paragraph("开头")
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "授课信息"
    inner_cell = table.cell(0, 1)
    inner_cell.text = "外层"
    inner = inner_cell.add_table(rows=1, cols=1)
    inner.cell(0, 0).text = "内层表格"
    p = doc.add_paragraph("修订")
    p._p.append(parse_xml(f'<w:ins xmlns:w="{W}" w:id="1" w:author="a"><w:r><w:t>插入的字</w:t></w:r></w:ins>'))
    p._p.append(parse_xml(f'<w:del xmlns:w="{W}" w:id="2" w:author="a"><w:r><w:delText>删掉的字</w:delText></w:r></w:del>'))
    doc.element.body.insert(len(doc.element.body) - 1, parse_xml(
        f'<w:sdt xmlns:w="{W}"><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>控件里的字</w:t></w:r></w:p>'
        '</w:sdtContent></w:sdt>'))
    doc.sections[0].header.paragraphs[0].text = "页眉不计入"
    img = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(img, "PNG")
    img.seek(0)
    doc.add_picture(img)
    path = tmp_path / "t.docx"
    doc.save(str(path))
    facts = facts_of(path)
    text = [t for t in facts["paragraphs"] if t]
    assert text == ["开头", "授课信息", "外层", "内层表格", "修订插入的字", "控件里的字"]
    assert facts["tables"] == 2
    assert facts["images"] == 1
    assert heading_map(facts)["授课信息"] == ("table", None)
    assert facts["word_count"] == sum(word_count(t) for t in text) == 23


@pytest.mark.parametrize("n", [0, 1, 2999, 3000, 3142])
def test_word_count_is_exact(tmp_path, n):
    assert facts_of(make_docx_words(tmp_path / "w.docx", n))["word_count"] == n


def test_app_xml_word_count_is_ignored(tmp_path):
    src = make_docx_words(tmp_path / "w.docx", 500)
    dst = tmp_path / "claims.docx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/app.xml":
                data = data.replace(b"</Properties>", b"<Words>12345</Words></Properties>")
            zout.writestr(info, data)
    assert facts_of(dst)["word_count"] == 500


# --- bad input -------------------------------------------------------------------------------

def unreadable(data: bytes) -> Unreadable:
    with pytest.raises(Unreadable) as exc:
        from_stream(io.BytesIO(data))
    return exc.value


def test_truncated_docx_is_unreadable(tmp_path):
    data = make_docx(tmp_path / "a.docx", sections=SECTIONS).read_bytes()
    err = unreadable(data[: len(data) // 2])
    assert "损坏" in err.message and err.rule == "file.readable"


def test_random_bytes_and_empty_file():
    assert "不是有效的 Word" in unreadable(bytes(range(256)) * 8).message
    assert unreadable(b"").rule == "file.empty"


def test_zip_without_document_part():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "不是 Word")
    assert "缺少正文" in unreadable(buf.getvalue()).message


def test_broken_xml_in_document_part():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body><w:p>')
    assert "XML" in unreadable(buf.getvalue()).message


def test_ole2_container_is_named():
    assert "旧版 Word 97-2003" in unreadable(make_legacy_doc_bytes()).message


def test_zip_bomb_document_part_is_refused_quickly():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("word/document.xml", "w", force_zip64=True) as m:
            m.write(f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>'.encode())
            chunk = b"A" * (1 << 20)
            for _ in range(MAX_DOCUMENT_BYTES // len(chunk) + 2):
                m.write(chunk)
            m.write(b"</w:t></w:r></w:p></w:body></w:document>")
    data = buf.getvalue()
    assert len(data) < 1_000_000                       # 66 MB inflated from well under 1 MB
    err = unreadable(data)
    assert "压缩炸弹" in err.message


def test_lying_size_header_is_still_capped():
    """A member whose header claims a small size: zipfile stops at the claim and the CRC fails."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", f'<w:document xmlns:w="{W}"><w:body>'.encode() + b" " * 200_000
                   + b"<w:p/></w:body></w:document>")
    data = bytearray(buf.getvalue())
    # patch the uncompressed size in the local header and the central directory to 100 bytes
    for sig, off in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = data.find(sig)
        data[pos + off:pos + off + 4] = (100).to_bytes(4, "little")
    err = unreadable(bytes(data))
    assert err.rule == "file.readable" and "CRC" in err.detail


def test_absurdly_deep_nesting_is_refused():
    xml = (f'<w:document xmlns:w="{W}"><w:body>' + "<w:tbl><w:tr><w:tc>" * 100 + "<w:p/>"
           + "</w:tc></w:tr></w:tbl>" * 100 + "</w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", xml)
    assert unreadable(buf.getvalue()).rule == "file.readable"


def test_nested_tables_a_real_document_might_have_are_read():
    xml = (f'<w:document xmlns:w="{W}"><w:body>' + "<w:tbl><w:tr><w:tc>" * 20
           + "<w:p><w:r><w:t>最里层</w:t></w:r></w:p>" + "</w:tc></w:tr></w:tbl>" * 20 + "</w:body></w:document>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("word/document.xml", xml)
    facts = from_stream(io.BytesIO(buf.getvalue()))
    assert facts["tables"] == 20 and facts["word_count"] == 3
