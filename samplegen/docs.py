"""Real sample documents for tests, the demo and the benchmarks: .docx, PDFs, legacy Word formats.

Every maker writes a file real programs open (python-docx, Pillow, pypdf, or a hand-built file
that follows the format's published description), so the checks are tested on genuine bytes.
"""
from __future__ import annotations

import io
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path
from typing import Iterable, Sequence

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import qn

CN_NUMS = "一二三四五六七八九十"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

HEADING_STYLES = ("heading", "heading_cn", "based", "outline", "bold", "bold_style", "numbered", "table")


def make_docx(path, title: str | None = None, sections: Sequence[tuple[str, str]] = (),
              heading_style: str = "heading", extra_paragraphs: Iterable[str] = (),
              textbox_text: str | None = None, footnote: str | None = None,
              table_rows: Sequence[Sequence[str]] = ()) -> Path:
    """A .docx with `sections` as (heading, body) pairs, headings made the way `heading_style` says:

    heading     built-in "Heading 1" (styleId Heading1)
    heading_cn  Chinese Word's styles: styleId "1", name "heading 1"
    based       a custom style "案例小标题" based on Heading 1
    outline     a plain paragraph with w:outlineLvl 0
    bold        a wholly bold short line
    bold_style  a short line in a custom bold (non-heading) paragraph style
    numbered    plain text with typed numbering "一、…"
    table       a two-column table: heading in the first column, body in the second

    table_rows  a template table put first (e.g. 授课班级 | 22级数控1班 | 授课时间 | 第3周)
    """
    if heading_style not in HEADING_STYLES:
        raise ValueError(f"heading_style must be one of {HEADING_STYLES}")
    doc = Document()
    if title:
        p = doc.add_paragraph()
        p.add_run(title).bold = True
        p.alignment = 1
    style = _prepare_style(doc, heading_style)
    if table_rows:
        grid = doc.add_table(rows=0, cols=max(len(r) for r in table_rows))
        grid.style = "Table Grid"
        for row in table_rows:
            for cell, text in zip(grid.add_row().cells, row):
                cell.text = text
    if heading_style == "table" and sections:
        table = doc.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for heading, body in sections:
            cells = table.add_row().cells
            cells[0].text = heading
            cells[1].text = body
    else:
        for i, (heading, body) in enumerate(sections):
            _add_heading(doc, heading, heading_style, style, i)
            if body:
                doc.add_paragraph(body)
    for text in extra_paragraphs:
        doc.add_paragraph(text)
    if textbox_text is not None:
        anchor = doc.add_paragraph("文本框如下：")
        anchor._p.append(parse_xml(_textbox_run_xml(textbox_text)))
    if footnote is not None:
        host = doc.paragraphs[-1] if doc.paragraphs else doc.add_paragraph()
        _add_footnote(doc, host, footnote)
    path = Path(path)
    doc.save(str(path))
    return path


def _prepare_style(doc, heading_style: str):
    styles = doc.styles
    if heading_style == "heading_cn":
        st = styles["Heading 1"]
        st.element.set(qn("w:styleId"), "1")      # what Chinese Word writes; the name stays "heading 1"
        return st
    if heading_style == "based":
        st = styles.add_style("案例小标题", WD_STYLE_TYPE.PARAGRAPH)
        st.element.set(qn("w:styleId"), "a5")
        st.base_style = styles["Heading 1"]
        return st
    if heading_style == "bold_style":
        st = styles.add_style("加粗正文", WD_STYLE_TYPE.PARAGRAPH)
        st.element.set(qn("w:styleId"), "a6")
        st.font.bold = True
        return st
    return None


def _add_heading(doc, heading: str, heading_style: str, style, i: int) -> None:
    if heading_style == "heading":
        doc.add_heading(heading, level=1)
    elif heading_style in ("heading_cn", "based", "bold_style"):
        doc.add_paragraph(heading, style=style)
    elif heading_style == "outline":
        p = doc.add_paragraph(heading)
        p._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl xmlns:w="{W}" w:val="0"/>'))
    elif heading_style == "bold":
        doc.add_paragraph().add_run(heading).bold = True
    elif heading_style == "numbered":
        doc.add_paragraph(f"{_cn_number(i + 1)}、{heading}")


def _cn_number(n: int) -> str:
    if n <= 10:
        return CN_NUMS[n - 1]
    return ("" if n < 20 else CN_NUMS[n // 10 - 1]) + "十" + (CN_NUMS[n % 10 - 1] if n % 10 else "")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _textbox_run_xml(text: str) -> str:
    """A run holding a text box the way Word 2010+ saves it: a DrawingML shape plus a VML fallback
    with the same text, so a naive reader counts it twice."""
    para = f'<w:p><w:r><w:t xml:space="preserve">{_esc(text)}</w:t></w:r></w:p>'
    return (
        f'<w:r xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
        ' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"'
        ' xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"'
        ' xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
        ' xmlns:v="urn:schemas-microsoft-com:vml">'
        '<mc:AlternateContent><mc:Choice Requires="wps"><w:drawing>'
        '<wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="2743200" cy="457200"/>'
        '<wp:docPr id="901" name="文本框 1"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        '<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr><a:xfrm><a:off x="0" y="0"/>'
        '<a:ext cx="2743200" cy="457200"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></wps:spPr>'
        f'<wps:txbx><w:txbxContent>{para}</w:txbxContent></wps:txbx><wps:bodyPr/></wps:wsp>'
        '</a:graphicData></a:graphic></wp:inline></w:drawing></mc:Choice>'
        '<mc:Fallback><w:pict><v:shape id="tb901" style="width:216pt;height:36pt" type="#_x0000_t202">'
        f'<v:textbox><w:txbxContent>{para}</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>'
        '</mc:AlternateContent></w:r>'
    )


def _add_footnote(doc, host_paragraph, text: str) -> None:
    """python-docx has no footnote API: add word/footnotes.xml and a reference run by hand."""
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{W}">'
        '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/>'
        '</w:r></w:p></w:footnote>'
        '<w:footnote w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:footnoteRef/>'
        f'</w:r><w:r><w:t xml:space="preserve"> {_esc(text)}</w:t></w:r></w:p></w:footnote></w:footnotes>'
    )
    part = Part(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, xml.encode("utf-8"), doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)
    host_paragraph._p.append(parse_xml(
        f'<w:r xmlns:w="{W}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
        '<w:footnoteReference w:id="1"/></w:r>'))


# Units of exactly one Word 字 each: CJK characters, a full-width mark, a Latin word.
_WORD_UNITS = list("信息化教学实施报告围绕课程目标展开") + ["，", "PPT"] + list("课堂互动") + ["。", "AI"]


def make_docx_words(path, n_words: int, title: str | None = None, header: str | None = None,
                    page_numbers: bool = False) -> Path:
    """A .docx whose Word 字数 is exactly `n_words` (title included when given). `header` is a
    running header and `page_numbers` a footer "第 N 页 共 M 页" made of PAGE/NUMPAGES fields, on
    every page: Word does not count either."""
    from checks.documents.wordcount import word_count
    doc = Document()
    if header:
        doc.sections[0].header.paragraphs[0].text = header
    if page_numbers:
        foot = doc.sections[0].footer.paragraphs[0]
        foot.alignment = 1
        foot._p.append(parse_xml(
            f'<w:r xmlns:w="{W}"><w:t xml:space="preserve">第 </w:t></w:r>'))
        for instr, tail in (("PAGE", " 页 共 "), ("NUMPAGES", " 页")):
            foot._p.append(parse_xml(f'<w:fldSimple xmlns:w="{W}" w:instr="{instr}"><w:r><w:t>1</w:t></w:r>'
                                     '</w:fldSimple>'))
            foot._p.append(parse_xml(f'<w:r xmlns:w="{W}"><w:t xml:space="preserve">{tail}</w:t></w:r>'))
    total = 0
    if title:
        doc.add_heading(title, level=1)
        total = word_count(title)
    remaining = n_words - total
    if remaining < 0:
        raise ValueError("title alone has more 字 than n_words")
    i = 0
    while remaining > 0:
        take = min(remaining, 200)
        units = [_WORD_UNITS[(i + k) % len(_WORD_UNITS)] for k in range(take)]
        # two Latin units side by side would merge into one word: keep them apart
        text = "".join(u if not (u.isascii() and k and units[k - 1].isascii()) else "字"
                       for k, u in enumerate(units))
        doc.add_paragraph(text)
        i += take
        remaining -= take
    path = Path(path)
    doc.save(str(path))
    return path


# --- PDF --------------------------------------------------------------------------------------

def make_scan_pdf(path, pages: int = 1, dpi: int = 100, seed: str = "") -> Path:
    """A PDF whose pages are whole-page images, like a signed form run through a scanner.
    `seed` varies the signature stroke, so forms of different works are different files."""
    from PIL import Image, ImageDraw
    w, h = int(8.27 * dpi), int(11.69 * dpi)
    images = []
    for n in range(pages):
        im = Image.new("L", (w, h), 250)
        d = ImageDraw.Draw(im)
        d.rectangle([w // 10, h // 12, w * 9 // 10, h * 11 // 12], outline=40, width=3)
        for k in range(12):                       # the form's ruled lines
            y = h // 6 + k * h // 18
            d.line([w // 8, y, w * 7 // 8, y], fill=60, width=2)
        x0, y0 = w * 6 // 10 + sum(seed.encode()) % 50, h * 5 // 6   # a handwritten signature
        d.line([(x0, y0), (x0 + 40, y0 - 30), (x0 + 70, y0 + 10), (x0 + 120, y0 - 20), (x0 + 160, y0)],
               fill=20, width=4)
        d.text((w // 8, h // 10), f"page {n + 1}", fill=30)
        images.append(im)
    path = Path(path)
    images[0].save(str(path), "PDF", resolution=float(dpi), save_all=True, append_images=images[1:])
    return path


def make_text_pdf(path, text_lines: Sequence[str], lines_per_page: int = 40,
                  image_box: tuple[float, float, float, float] | None = None,
                  image_in_form: bool = False) -> Path:
    """A born-digital PDF (no image) with `text_lines`, Chinese included.

    image_box=(x, y, w, h) in points places a small image (a logo) on every page through a cm
    matrix; image_in_form=True draws it from inside a Form XObject, as some exporters do.

    Text is set in the Adobe-GB1 font STSong-Light with the UniGB-UCS2-H CMap (a PDF reader's
    built-in Chinese font, nothing embedded) plus a ToUnicode map so text extraction returns
    the same characters.
    """
    path = Path(path)
    path.write_bytes(text_pdf_bytes(text_lines, lines_per_page, image_box, image_in_form))
    return path


def text_pdf_bytes(text_lines: Sequence[str], lines_per_page: int = 40,
                   image_box: tuple[float, float, float, float] | None = None,
                   image_in_form: bool = False) -> bytes:
    lines = list(text_lines) or [""]
    chunks = [lines[i:i + lines_per_page] for i in range(0, len(lines), lines_per_page)]
    objs: dict[int, bytes] = {}
    font_id, cid_id, desc_id, tounicode_id, pages_id, catalog_id = 3, 4, 5, 6, 2, 1
    to_unicode = (b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
                  b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                  b"/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
                  b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
                  b"1 beginbfrange <0000> <FFFF> <0000> endbfrange\n"
                  b"endcmap CMapName currentdict /CMap defineresource pop end end\n")
    objs[tounicode_id] = _pdf_stream(to_unicode)
    objs[desc_id] = (b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880]"
                     b" /ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>")
    objs[cid_id] = (b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo"
                    b" << /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /FontDescriptor "
                    + f"{desc_id} 0 R /DW 1000 >>".encode())
    objs[font_id] = (b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light-UniGB-UCS2-H"
                     b" /Encoding /UniGB-UCS2-H /DescendantFonts [" + f"{cid_id} 0 R] /ToUnicode "
                     f"{tounicode_id} 0 R >>".encode())
    kids = []
    next_id = 7
    xobjects = ""
    image_ops = b""
    if image_box:
        x, y, w, h = image_box
        img_id, next_id = next_id, next_id + 1
        objs[img_id] = (b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray"
                        b" /BitsPerComponent 8 /Length 4 >>\nstream\n\x00\xff\xff\x00\nendstream")
        place = f"q {w:g} 0 0 {h:g} {x:g} {y:g} cm /Im1 Do Q".encode()
        if image_in_form:
            form_id, next_id = next_id, next_id + 1
            body = b"q 0.5 0 0 0.5 0 0 cm " + place + b" Q"   # the form halves it; its /Matrix doubles it
            objs[form_id] = (b"<< /Type /XObject /Subtype /Form /BBox [0 0 595 842] /Matrix [2 0 0 2 0 0]"
                             + f" /Resources << /XObject << /Im1 {img_id} 0 R >> >> /Length {len(body)} >>"
                             .encode() + b"\nstream\n" + body + b"\nendstream")
            xobjects = f" /XObject << /Fm1 {form_id} 0 R >>"
            image_ops = b"q /Fm1 Do Q\n"
        else:
            xobjects = f" /XObject << /Im1 {img_id} 0 R >>"
            image_ops = place + b"\n"
    for chunk in chunks:
        ops = [image_ops + b"BT /F1 12 Tf 16 TL 56 790 Td"]
        for line in chunk:
            hexed = "".join(f"{ord(c):04X}" if ord(c) <= 0xFFFF else "003F" for c in line)
            ops.append(f"<{hexed}> Tj T*".encode())
        ops.append(b"ET")
        content_id, page_id = next_id, next_id + 1
        next_id += 2
        objs[content_id] = _pdf_stream(b"\n".join(ops), compress=True)
        objs[page_id] = (f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 595 842] /Resources"
                         f" << /Font << /F1 {font_id} 0 R >>{xobjects} >> /Contents {content_id} 0 R >>").encode()
        kids.append(page_id)
    objs[pages_id] = (f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] "
                      f"/Count {len(kids)} >>").encode()
    objs[catalog_id] = f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode()
    return _pdf_file(objs, catalog_id)


def _pdf_stream(data: bytes, compress: bool = False) -> bytes:
    if compress:
        data = zlib.compress(data)
        return f"<< /Length {len(data)} /Filter /FlateDecode >>\nstream\n".encode() + data + b"\nendstream"
    return f"<< /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"


def _pdf_file(objs: dict[int, bytes], root: int) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    size = max(objs) + 1
    offsets = [0] * size
    for num in range(1, size):
        offsets[num] = out.tell()
        out.write(f"{num} 0 obj\n".encode() + objs[num] + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {size}\n0000000000 65535 f \n".encode())
    for num in range(1, size):
        out.write(f"{offsets[num]:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {size} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()


def make_encrypted_pdf(path, user_password: str = "x", owner_password: str = "owner",
                       text_lines: Sequence[str] = ("登记表",)) -> Path:
    """A text PDF encrypted with AES-128. user_password="" makes an owner-password-only file
    (opens without a password, editing restricted)."""
    from pypdf import PdfReader, PdfWriter
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf_bytes(text_lines))))
    writer.encrypt(user_password=user_password, owner_password=owner_password, algorithm="AES-128")
    path = Path(path)
    with open(path, "wb") as fh:
        writer.write(fh)
    return path


# --- legacy Word formats ------------------------------------------------------------------------

def make_rtf_bytes(paragraphs: Sequence[str]) -> bytes:
    """RTF as Chinese Word writes it: GBK bytes as \\'hh escapes plus \\uN for every CJK char."""
    body = []
    for p in paragraphs:
        out = []
        for ch in p:
            if ord(ch) < 128:
                out.append("\\" + ch if ch in "\\{}" else ch)
            else:
                gbk = ch.encode("gbk", errors="replace")
                code = ord(ch) if ord(ch) < 32768 else ord(ch) - 65536
                out.append(f"\\u{code}" + "".join(f"\\'{b:02x}" for b in gbk))
        body.append("".join(out))
    text = ("{\\rtf1\\ansi\\ansicpg936\\deff0{\\fonttbl{\\f0\\fnil\\fcharset134 \\'cb\\'ce\\'cc\\'e5;}}"
            "{\\*\\generator Riched20;}{\\info{\\title sample}}\\uc2\\pard\\f0\\fs24 "
            + "\\par\n".join(body) + "\\par\n}")
    return text.encode("ascii")


def make_word_html_bytes(paragraphs: Sequence[str], mht: bool = False) -> bytes:
    """A page Word saves as "网页" and people rename to .doc (GB2312), or its .mht form."""
    html = ('<html xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:w="urn:schemas-microsoft-com:office:word"><head>'
            '<meta http-equiv=Content-Type content="text/html; charset=gb2312">'
            '<meta name=ProgId content=Word.Document><style>p.MsoNormal{margin:0}</style></head><body>'
            + "".join(f"<p class=MsoNormal>{_esc(p)}</p>" for p in paragraphs) + "</body></html>")
    data = html.encode("gb18030")
    if not mht:
        return data
    import quopri                      # Word writes the page part quoted-printable
    qp = quopri.encodestring(data).decode("ascii").replace("\n", "\r\n")
    return ("MIME-Version: 1.0\r\n"
            "Content-Type: multipart/related; boundary=\"----=_NextPart_01\"\r\n\r\n"
            "------=_NextPart_01\r\nContent-Location: file:///C:/doc.htm\r\n"
            "Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/html; charset=\"gb2312\"\r\n\r\n"
            + qp + "\r\n------=_NextPart_01--\r\n").encode("ascii")


def make_word_xml_bytes(paragraphs: Sequence[str]) -> bytes:
    """A Word 2003 XML document (w:wordDocument), often saved with a .doc name."""
    ns = "http://schemas.microsoft.com/office/word/2003/wordml"
    body = "".join(f"<w:p><w:r><w:t>{_esc(p)}</w:t></w:r></w:p>" for p in paragraphs)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<?mso-application progid="Word.Document"?>\n'
            f'<w:wordDocument xmlns:w="{ns}"><w:body>{body}</w:body></w:wordDocument>').encode("utf-8")


def make_legacy_doc_bytes(paragraphs: Sequence[str] = ("基本情况", "这是旧版 Word 文档。")) -> bytes:
    """A minimal Word 97-2003 .doc: a real OLE2 compound file (MS-CFB v3) holding a WordDocument
    stream whose FIB points at UTF-16 text. There is no .doc writer on this machine (no
    LibreOffice), so this follows the published layouts; catdoc reads the text back. It has no
    1Table stream or formatting, so Word itself would likely call it damaged."""
    text = "".join(p + "\r" for p in paragraphs).encode("utf-16-le")
    fc_min = 0x400
    stream = bytearray(fc_min)
    struct.pack_into("<HHHHH", stream, 0, 0xA5EC, 0x00C1, 0x6027, 0x0804, 0)  # wIdent, nFib, product, lid 2052
    struct.pack_into("<H", stream, 10, 0x1000 | 0x0200)                       # fExtChar, fWhichTblStm
    struct.pack_into("<II", stream, 24, fc_min, fc_min + len(text))           # fcMin, fcMac
    stream += text
    if len(stream) < 4096:                 # stay above the mini-stream cutoff: no mini FAT needed
        stream += bytes(4096 - len(stream))
    sec = 512
    n_data = -(-len(stream) // sec)
    if n_data > 125:
        raise ValueError("text too long for this minimal writer")
    free, end, fat_sect, nostream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    header = bytearray(sec)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x003E, 0x0003, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<I", header, 76, 0)                                     # DIFAT[0] = sector 0
    for k in range(1, 109):
        struct.pack_into("<I", header, 76 + 4 * k, free)
    fat = [fat_sect, end] + [2 + k + 1 for k in range(n_data - 1)] + [end]
    fat += [free] * (128 - len(fat))
    fat_bytes = struct.pack("<128I", *fat)

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        e = bytearray(128)
        raw = (name + "\0").encode("utf-16-le") if name else b""
        e[0:len(raw)] = raw
        struct.pack_into("<HBB", e, 64, len(raw), kind, 1 if name else 0)
        struct.pack_into("<III", e, 68, nostream, nostream, child)
        struct.pack_into("<IQ", e, 116, start, size)
        return bytes(e)

    directory = (entry("Root Entry", 5, 1, end, 0) + entry("WordDocument", 2, nostream, 2, len(stream))
                 + entry("", 0, nostream, 0, 0) * 2)
    data = bytes(stream) + bytes(n_data * sec - len(stream))
    return bytes(header) + fat_bytes + directory + data


# --- files written by LibreOffice ------------------------------------------------------------------

LIBREOFFICE_FORMATS = {"doc": "doc:MS Word 97", "pdf": "pdf:writer_pdf_Export"}


def libreoffice_convert(sources, fmt: str, outdir=None, timeout_s: float = 300) -> list[Path]:
    """Convert .docx files with LibreOffice to "doc" (Word 97-2003, the binary layout WPS also
    writes as .wps) or "pdf", as a teacher's "另存为" would; one LibreOffice run for all of them.
    Each run gets its own profile, so parallel tests do not share one. Raises RuntimeError when
    LibreOffice is missing or fails."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise RuntimeError("making .doc/PDF samples needs LibreOffice: run scripts/setup.sh --dev")
    sources = [Path(p) for p in ([sources] if isinstance(sources, (str, Path)) else sources)]
    outdir = Path(outdir or sources[0].parent)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        proc = subprocess.run([exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                               "--norestore", "--convert-to", LIBREOFFICE_FORMATS[fmt], "--outdir", str(outdir),
                               *map(str, sources)], capture_output=True, timeout=timeout_s, check=False)
    outs = [outdir / f"{src.stem}.{fmt}" for src in sources]
    if proc.returncode != 0 or not all(o.exists() for o in outs):
        raise RuntimeError(f"LibreOffice could not convert to {fmt}: {proc.stderr.decode('utf-8', 'replace')[-500:]}")
    return outs


def make_encrypted_docx(path, password: str = "123456", **docx_kwargs) -> Path:
    """A .docx with an open password, encrypted the way Word does (ECMA-376 agile encryption in an
    OLE2 wrapper) by msoffcrypto-tool."""
    from msoffcrypto.format.ooxml import OOXMLFile
    path = Path(path)
    plain = make_docx(path.with_name(path.stem + ".plain.docx"), **docx_kwargs)
    with open(plain, "rb") as src, open(path, "wb") as out:
        OOXMLFile(src).encrypt(password, out)
    plain.unlink()
    return path
