"""Facts of a .docx: its text in document order, headings, 字数, tables, images.

python-docx skips tables-in-order, content controls, text boxes and tracked insertions, and
reads every part of the package uncapped, so the parts we need are streamed from the zip with a
byte cap and walked with lxml (python-docx's own dependency). A zip bomb, a corrupt zip or a
missing main part becomes `Unreadable`, never a traceback or a memory spike.
"""
from __future__ import annotations

import posixpath
import re
import unicodedata
import zipfile
from typing import IO, Any, Iterator

from lxml import etree

from checks.errors import Unreadable
from checks.documents.wordcount import char_count, word_count

MAX_DOCUMENT_BYTES = 64 * 1024 * 1024     # document.xml after inflation
MAX_PART_BYTES = 16 * 1024 * 1024         # styles, footnotes, endnotes, relationships
MAX_ZIP_ENTRIES = 20000
SHORT_HEADING_CHARS = 40                  # a bold or table-cell "heading" longer than this is prose
MAX_TABLE_CELLS = 1000                    # short cells kept as facts (template tables' labels)

W_NS = {"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main"}          # transitional, strict
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R_NS = {"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships"}
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
A_NS = {"http://schemas.openxmlformats.org/drawingml/2006/main",
        "http://purl.oclc.org/ooxml/drawingml/main"}
VML_NS = "urn:schemas-microsoft-com:vml"

# Elements that can sit directly in w:body and carry text (iterparse only reports these).
_BLOCK_TAGS = [f"{{{ns}}}{t}" for ns in W_NS for t in ("body", "p", "tbl", "sdt", "customXml", "ins", "smartTag")]
_BLOCK_TAGS.append(f"{{{MC_NS}}}AlternateContent")

BROKEN_MESSAGE = "Word 文件已损坏，请重新保存为 .docx（用 Word 或 WPS 打开原文件后“另存为”）"

_PARSER_KW = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)

# Chinese numbering typed at the start of a heading line, with the heading level it implies.
_NUMBERING = [
    (re.compile(r"^第[一二三四五六七八九十百零〇两\d]+[部分章节篇单元]+[、.．:：\s]*"), 1),
    (re.compile(r"^[一二三四五六七八九十百零〇]+\s*[、.．:：]\s*"), 1),
    (re.compile(r"^[（(]\s*[一二三四五六七八九十百零〇]+\s*[)）]\s*[、.．]?\s*"), 2),
    (re.compile(r"^\d{1,2}(?:[.．]\d{1,2})+[.．、]?\s*"), 3),
    (re.compile(r"^\d{1,2}\s*[、.．](?!\d)\s*"), 2),
    (re.compile(r"^[（(]\s*\d{1,2}\s*[)）]\s*[、.．]?\s*"), 3),
    (re.compile(r"^[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]\s*"), 3),
]
_SENTENCE_END = re.compile(r"[。！？!?；;]$")


def numbering_level(text: str) -> int | None:
    """Heading level implied by a typed Chinese numbering prefix ("一、", "（一）", "1."), if any."""
    t = text.strip().replace("\u3000", " ")
    for pat, level in _NUMBERING:
        m = pat.match(t)
        if m and t[m.end():].strip():
            return level
    return None


def strip_numbering(text: str, normalize: bool = True) -> str:
    """Drop typed numbering and full-width spaces from the start of a heading (and NFKC-normalise
    it unless `normalize` is False, to show a teacher's title as written)."""
    t = (unicodedata.normalize("NFKC", text) if normalize else text).replace("\u3000", " ").strip()
    for _ in range(2):                    # "第一部分 一、…" has two prefixes
        for pat, _level in _NUMBERING:
            m = pat.match(t)
            if m:
                t = t[m.end():].strip()
                break
    return t


def from_stream(f: IO[bytes]) -> dict[str, Any]:
    """Facts of a .docx read from a seekable binary stream; raises Unreadable for a bad file."""
    try:
        f.seek(0)
        head = f.read(8)
        f.seek(0)
    except Exception as exc:  # noqa: BLE001 - any stream failure is "cannot read"
        raise Unreadable("无法读取文件内容", detail="读取失败") from exc
    # `detail` ends up in front of teachers (the finding's "actual"): short Chinese, no exception text.
    if not head:
        raise Unreadable("文件是空的（0 字节），请重新保存后上传", rule="file.empty", detail="0 字节")
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise Unreadable("这不是 .docx 文件：它是旧版 Word 97-2003 / WPS 格式，或设置了打开密码的 Word 文档",
                         detail="OLE2 复合文档")
    if not head.startswith(b"PK"):
        raise Unreadable("这不是有效的 Word（.docx）文件：文件内容不是 .docx 的压缩包结构", detail="不是 .docx 结构")
    try:
        zf = zipfile.ZipFile(f)
    except Exception as exc:  # noqa: BLE001 - BadZipFile, OSError, ValueError, EOFError...
        raise Unreadable(BROKEN_MESSAGE, detail="文件不完整（末尾的目录缺失，多为复制或上传中断）") from exc
    try:
        return _Reader(zf).facts()
    except Unreadable:
        raise
    except RecursionError as exc:
        raise Unreadable("Word 文件结构嵌套过深，无法解析", detail="嵌套过深") from exc
    except etree.XMLSyntaxError as exc:
        raise Unreadable("Word 文件内容已损坏（XML 无法解析），请用 Word 打开后重新保存为 .docx",
                         detail="正文 XML 无法解析") from exc
    except Exception as exc:  # noqa: BLE001 - zlib/CRC/unsupported compression and the like
        crc = "（CRC 校验失败）" if "CRC" in str(exc) else ""
        raise Unreadable(BROKEN_MESSAGE, detail=f"内容无法解压{crc}") from exc
    finally:
        zf.close()


class _CappedReader:
    """File-like view of a zip member that refuses to inflate past `cap` bytes."""

    def __init__(self, member: IO[bytes], cap: int, name: str):
        self._m, self._cap, self._name, self._n = member, cap, name, 0

    def read(self, size: int = -1) -> bytes:
        want = 65536 if size is None or size < 0 else min(size, 65536)
        data = self._m.read(want)
        self._n += len(data)
        if self._n > self._cap:
            raise Unreadable(f"Word 文件异常：{self._name} 解压后超过 {self._cap // (1024 * 1024)} MB"
                             "（可能是恶意构造的压缩炸弹）", detail="解压后超过上限")
        return data


def _local(el) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[1] if isinstance(tag, str) and "}" in tag else (tag if isinstance(tag, str) else "")


def _ns(el) -> str:
    tag = el.tag
    return tag[1:].split("}", 1)[0] if isinstance(tag, str) and tag.startswith("{") else ""


def _is_w(el, name: str) -> bool:
    return _local(el) == name and _ns(el) in W_NS


def _wattr(el, name: str) -> str | None:
    for ns in W_NS:
        v = el.get(f"{{{ns}}}{name}")
        if v is not None:
            return v
    return None


def _rattr(el, name: str) -> str | None:
    for ns in R_NS:
        v = el.get(f"{{{ns}}}{name}")
        if v is not None:
            return v
    return None


def _child(el, name: str):
    for c in el:
        if _is_w(c, name):
            return c
    return None


def _on(el) -> bool:
    """A w:b-like toggle: present and not switched off."""
    v = _wattr(el, "val")
    return v is None or v.lower() not in ("0", "false", "off", "none")


class _Style:
    __slots__ = ("name", "based_on", "outline", "bold", "kind")

    def __init__(self):
        self.name, self.based_on, self.outline, self.bold, self.kind = "", None, None, None, ""


class _Para:
    __slots__ = ("text", "style", "outline", "num", "bold", "where", "col")

    def __init__(self, where: str, col: int | None):
        self.text, self.style, self.outline, self.num, self.bold = "", None, None, False, None
        self.where, self.col = where, col


class _Reader:
    def __init__(self, zf: zipfile.ZipFile):
        self.zf = zf
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise Unreadable("Word 文件异常：压缩包内条目过多", detail=f"{len(infos)} 个条目")
        self.names = {i.filename for i in infos}
        self.styles: dict[str, _Style] = {}
        self.default_pstyle: str | None = None
        self.paras: list[_Para] = []
        self.tables = 0
        self.images = 0

    # -- package plumbing -------------------------------------------------------------
    def _open(self, name: str, cap: int) -> _CappedReader:
        # zipfile never yields more than the declared size, so checking it stops a bomb at once;
        # the capped reader is the second line of defence.
        if self.zf.getinfo(name).file_size > cap:
            raise Unreadable(f"Word 文件异常：{posixpath.basename(name)} 解压后超过 {cap // (1024 * 1024)} MB"
                             "（可能是恶意构造的压缩炸弹）", detail="解压后超过上限")
        return _CappedReader(self.zf.open(name), cap, posixpath.basename(name))

    def _parse_small(self, name: str):
        reader = self._open(name, MAX_PART_BYTES)
        chunks = []
        while True:
            b = reader.read(65536)
            if not b:
                break
            chunks.append(b)
        return etree.fromstring(b"".join(chunks), etree.XMLParser(**_PARSER_KW))

    def _rels(self, part: str) -> dict[str, str]:
        """Relationship type suffix -> target part name, for `part`."""
        d, b = posixpath.split(part)
        rels = posixpath.join(d, "_rels", b + ".rels")
        out: dict[str, str] = {}
        if rels not in self.names:
            return out
        for rel in self._parse_small(rels):
            if _local(rel) != "Relationship" or rel.get("TargetMode") == "External":
                continue
            target = rel.get("Target") or ""
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            full = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(d, target))
            out.setdefault(kind, full)
        return out

    def _main_part(self) -> str:
        main = self._rels("").get("officeDocument")
        if main and main in self.names:
            return main
        if "word/document.xml" in self.names:
            return "word/document.xml"
        raise Unreadable("这不是有效的 Word（.docx）文件：缺少正文部分（document.xml）", detail="缺少 document.xml")

    # -- styles -------------------------------------------------------------------------
    def _load_styles(self, part: str | None) -> None:
        if not part or part not in self.names:
            return
        root = self._parse_small(part)
        for st in root:
            if not _is_w(st, "style"):
                continue
            sid = _wattr(st, "styleId") or ""
            s = _Style()
            s.kind = _wattr(st, "type") or ""
            name = _child(st, "name")
            s.name = (_wattr(name, "val") or "") if name is not None else ""
            based = _child(st, "basedOn")
            s.based_on = _wattr(based, "val") if based is not None else None
            ppr = _child(st, "pPr")
            if ppr is not None:
                ol = _child(ppr, "outlineLvl")
                if ol is not None:
                    s.outline = _int(_wattr(ol, "val"))
            rpr = _child(st, "rPr")
            if rpr is not None:
                b = _child(rpr, "b")
                if b is not None:
                    s.bold = _on(b)
            self.styles[sid] = s
            if s.kind == "paragraph" and (_wattr(st, "default") or "").lower() in ("1", "true", "on"):
                self.default_pstyle = sid

    def _chain(self, sid: str | None) -> Iterator[tuple[str, _Style]]:
        seen = set()
        while sid and sid in self.styles and sid not in seen and len(seen) < 20:
            seen.add(sid)
            st = self.styles[sid]
            yield sid, st
            sid = st.based_on

    def _style_heading_level(self, sid: str | None) -> int | None:
        for style_id, st in self._chain(sid):
            lvl = _heading_name_level(st.name) or _heading_name_level(style_id)
            if lvl:
                return lvl
            if st.outline is not None and 0 <= st.outline <= 8:
                return st.outline + 1
        return None

    def _style_bold(self, sid: str | None) -> bool:
        for _sid, st in self._chain(sid):
            if st.bold is not None:
                return st.bold
        return False

    # -- walking ------------------------------------------------------------------------
    def facts(self) -> dict[str, Any]:
        main = self._main_part()
        rels = self._rels(main)
        self._load_styles(rels.get("styles"))
        self._walk_main(main)
        for kind, item in (("footnotes", "footnote"), ("endnotes", "endnote")):
            part = rels.get(kind)
            if part and part in self.names:
                for note in self._parse_small(part):
                    if _is_w(note, item) and (_wattr(note, "type") or "normal") == "normal":
                        self._block(note, kind[:-1], None)
        return self._summary()

    def _walk_main(self, part: str) -> None:
        reader = self._open(part, MAX_DOCUMENT_BYTES)
        body_seen = False
        for _ev, el in etree.iterparse(reader, events=("end",), tag=_BLOCK_TAGS, **_PARSER_KW):
            if _is_w(el, "body"):
                body_seen = True
                continue
            parent = el.getparent()
            if parent is None or not _is_w(parent, "body"):
                continue
            self._block_child(el, "body", None)
            el.clear()                              # keep memory bounded to one block
            while el.getprevious() is not None:
                del parent[0]
        if not body_seen:
            raise Unreadable("Word 文件没有正文内容（缺少 w:body），可能已损坏", detail="缺少正文")

    def _block(self, container, where: str, col: int | None) -> None:
        for el in container:
            self._block_child(el, where, col)

    def _block_child(self, el, where: str, col: int | None) -> None:
        if _is_w(el, "p"):
            self._paragraph(el, where, col)
        elif _is_w(el, "tbl"):
            self._table(el, where)
        elif _is_w(el, "sdt"):
            content = _child(el, "sdtContent")
            if content is not None:
                self._block(content, where, col)
        elif _local(el) == "AlternateContent" and _ns(el) == MC_NS:
            chosen = _choose_alternate(el)
            if chosen is not None:
                self._block(chosen, where, col)
        elif _is_w(el, "customXml") or _is_w(el, "ins") or _is_w(el, "smartTag"):
            self._block(el, where, col)

    def _table(self, tbl, where: str) -> None:
        self.tables += 1
        for tr in _content_children(tbl, "tr"):
            for ci, tc in enumerate(_content_children(tr, "tc")):
                self._block(tc, "table", ci)

    def _paragraph(self, p, where: str, col: int | None) -> None:
        para = _Para(where, col)
        ppr = _child(p, "pPr")
        if ppr is not None:
            ps = _child(ppr, "pStyle")
            if ps is not None:
                para.style = _wattr(ps, "val")
            ol = _child(ppr, "outlineLvl")
            if ol is not None:
                para.outline = _int(_wattr(ol, "val"))
            para.num = _child(ppr, "numPr") is not None
        if para.style is None:
            para.style = self.default_pstyle
        style_bold = self._style_bold(para.style)
        parts: list[str] = []
        boxes: list = []
        bold_state = {"any": False, "all": True}
        self._inline(p, parts, boxes, style_bold, bold_state)
        para.text = "".join(parts)
        para.bold = bold_state["any"] and bold_state["all"]
        self.paras.append(para)
        for box in boxes:                      # text-box paragraphs follow their anchor paragraph
            self._block(box, "textbox", None)

    def _inline(self, el, parts: list[str], boxes: list, style_bold: bool, bold: dict) -> None:
        for c in el:
            self._inline_el(c, parts, boxes, style_bold, bold)

    def _inline_el(self, c, parts: list[str], boxes: list, style_bold: bool, bold: dict) -> None:
        if not isinstance(c.tag, str):
            return
        name, ns = _local(c), _ns(c)
        if ns == MC_NS and name == "AlternateContent":
            chosen = _choose_alternate(c)
            if chosen is not None:
                self._inline(chosen, parts, boxes, style_bold, bold)
        elif ns in W_NS:
            if name == "r":
                self._run(c, parts, boxes, style_bold, bold)
            elif name in ("del", "moveFrom", "pPr", "rPr", "instrText", "delText"):
                return
            elif name == "txbxContent":
                boxes.append(c)
            else:                               # ins, hyperlink, sdt, sdtContent, smartTag, fldSimple...
                self._inline(c, parts, boxes, style_bold, bold)
        elif ns == VML_NS and name == "imagedata":
            self.images += 1
        elif ns in A_NS and name == "blip":
            self.images += 1
        else:                                   # drawing/pict/txbx wrappers around text boxes
            self._inline(c, parts, boxes, style_bold, bold)

    def _run(self, r, parts: list[str], boxes: list, style_bold: bool, bold: dict) -> None:
        run_bold = style_bold
        rpr = _child(r, "rPr")
        if rpr is not None:
            rs = _child(rpr, "rStyle")
            if rs is not None and self._style_bold(_wattr(rs, "val")):
                run_bold = True
            b = _child(rpr, "b")
            if b is not None:
                run_bold = _on(b)
        text_parts: list[str] = []
        for c in r:
            if not isinstance(c.tag, str):
                continue
            if _ns(c) in W_NS:
                n = _local(c)
                if n == "t":
                    text_parts.append(c.text or "")
                elif n == "tab" or n == "ptab":
                    text_parts.append("\t")
                elif n in ("br", "cr"):
                    text_parts.append("\n")
                elif n == "noBreakHyphen":
                    text_parts.append("-")
                elif n == "sym":
                    ch = _wattr(c, "char")
                    if ch:
                        text_parts.append(_sym_char(ch))
                elif n in ("rPr", "instrText", "delText"):
                    continue
                else:                            # w:drawing, w:pict, w:object carry boxes/images
                    self._inline(c, text_parts, boxes, style_bold, bold)
            else:
                self._inline_el(c, text_parts, boxes, style_bold, bold)
        text = "".join(text_parts)
        if text.strip():
            bold["any"] = bold["any"] or run_bold
            bold["all"] = bold["all"] and run_bold
        parts.append(text)

    # -- summary ------------------------------------------------------------------------
    def _summary(self) -> dict[str, Any]:
        paragraphs = [p.text for p in self.paras]
        headings = []
        for p in self.paras:
            h = self._heading(p)
            if h:
                headings.append(h)
        cells = (" ".join(p.text.split()) for p in self.paras if p.where == "table")
        table_cells = [c for c in cells if c and len(c) <= SHORT_HEADING_CHARS][:MAX_TABLE_CELLS]
        words = sum(word_count(t) for t in paragraphs)
        chars = sum(char_count(t) for t in paragraphs)
        return {
            "kind": "docx",
            "paragraphs": paragraphs,
            "headings": headings,
            "word_count": words,
            "char_count": chars,
            "tables": self.tables,
            "table_cells": table_cells,
            "images": self.images,
            "textbox_paragraphs": sum(1 for p in self.paras if p.where == "textbox"),
            "notes_paragraphs": sum(1 for p in self.paras if p.where in ("footnote", "endnote")),
        }

    def _heading(self, p: _Para) -> dict[str, Any] | None:
        text = " ".join(p.text.split())
        if not text or p.where in ("footnote", "endnote"):
            return None
        short = len(text) <= SHORT_HEADING_CHARS
        level = self._style_heading_level(p.style)
        if level:
            return {"text": text, "source": "style", "level": level}
        if p.outline is not None and 0 <= p.outline <= 8:
            return {"text": text, "source": "outline", "level": p.outline + 1}
        if p.where == "table" and p.col == 0 and short:
            return {"text": text, "source": "table", "level": None}
        if short and not _SENTENCE_END.search(text):
            level = numbering_level(text)
            if level:
                return {"text": text, "source": "numbered", "level": level}
            if p.bold:
                return {"text": text, "source": "bold", "level": None}
        return None


def _choose_alternate(el):
    """mc:AlternateContent holds one object twice: take the first Choice, else the Fallback."""
    fallback = None
    for c in el:
        if _ns(c) == MC_NS and _local(c) == "Choice":
            return c
        if _ns(c) == MC_NS and _local(c) == "Fallback":
            fallback = c
    return fallback


def _content_children(el, name: str):
    """Children named `name`, looking through content controls and tracked-change wrappers."""
    for c in el:
        if _is_w(c, name):
            yield c
        elif _is_w(c, "sdt"):
            content = _child(c, "sdtContent")
            if content is not None:
                yield from _content_children(content, name)
        elif _is_w(c, "customXml") or _is_w(c, "ins"):
            yield from _content_children(c, name)


_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)


def _heading_name_level(name: str | None) -> int | None:
    if not name:
        return None
    m = _HEADING_NAME.match(name.strip())
    return int(m.group(1)) if m else None


def _int(v: str | None) -> int | None:
    try:
        return int(v) if v is not None else None
    except ValueError:
        return None


def _sym_char(hexcode: str) -> str:
    try:
        cp = int(hexcode, 16)
    except ValueError:
        return ""
    if 0xF000 <= cp <= 0xF0FF:                 # symbol-font private range: a mark, not a letter
        return "\u25a0"
    return chr(cp) if 0 < cp < 0x110000 else ""
