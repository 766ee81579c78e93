"""Text of legacy Word files (.doc/.wps OLE2, RTF, Word "网页" HTML/MHT, Word 2003 XML).

.doc/.wps are Word formats (the notice's "Word 格式"); the others never satisfy a Word requirement
(doc_rules says so), but their text still lets the section and length rules run. Text comes from
cheap in-process stripping; for OLE2 Word from the piece table (the text Word counts), else from
`catdoc` (run on a temporary copy, with a timeout). No tool or no text means text None, never an error.
"""
from __future__ import annotations

import email
import html
import os
import re
import shutil
import struct
import subprocess
import tempfile
from html.parser import HTMLParser
from typing import IO, Any, NamedTuple

from checks.errors import Unreadable
from checks.documents.wordcount import char_count, word_count

KINDS = ("doc", "wps", "rtf", "word_html", "word_xml", "docx_encrypted", "doc_encrypted")
ENCRYPTED_KINDS = ("docx_encrypted", "doc_encrypted")
PASSWORD_MESSAGE = "文件设置了打开密码，评审无法打开；请取消密码后重新保存"
MAX_INPUT_BYTES = 64 * 1024 * 1024
MAX_TEXT_CHARS = 2_000_000
CATDOC_TIMEOUT_S = 20
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def from_stream(f: IO[bytes], kind: str) -> dict[str, Any]:
    """Facts {kind, text (str or None), converted, tool, encrypted, word_count, char_count}."""
    if kind not in KINDS:
        raise ValueError(f"unknown legacy kind {kind!r}")
    if kind in ENCRYPTED_KINDS:                  # sniff read the password flag: nothing else to learn
        raise Unreadable(PASSWORD_MESSAGE, detail="设置了打开密码")
    data = _read_capped(f)
    facts: dict[str, Any] = {"kind": kind, "text": None, "converted": False, "tool": None,
                             "encrypted": False, "word_count": None, "char_count": None}
    if kind in ("doc", "wps"):
        if not data.startswith(OLE_MAGIC):
            raise Unreadable("文件内容不是 Word 97-2003 / WPS 格式，无法读取", detail="不是 OLE2 复合文档")
        if _ENCRYPTED_PACKAGE in data:
            facts["encrypted"] = True    # a .docx with an open password lives in an OLE2 wrapper
            return facts
        story = word97_text(data)
        if story is not None and story.encrypted:
            facts["encrypted"] = True
            return facts
        if story is not None:
            text, tool = story.text, "word97"
        else:                            # Word 6/95, or a file our reader cannot follow
            text, tool = _catdoc(data), "catdoc"
    elif kind == "rtf":
        text, tool = rtf_to_text(data), "rtf"
    elif kind == "word_html":
        text, tool = html_to_text(data), "html"
    else:
        text, tool = word_xml_to_text(data), "xml"
    if text is not None:
        text = text[:MAX_TEXT_CHARS]
        facts.update(text=text, converted=True, tool=tool,
                     word_count=word_count(text), char_count=char_count(text))
    return facts


def _read_capped(f: IO[bytes]) -> bytes:
    try:
        f.seek(0)
        data = f.read(MAX_INPUT_BYTES + 1)
    except Exception as exc:  # noqa: BLE001
        raise Unreadable("无法读取文件内容", detail="读取失败") from exc
    if len(data) > MAX_INPUT_BYTES:
        raise Unreadable("旧版文档超过 64 MB，无法检查，请另存为 .docx 后上传", detail="超过 64 MB")
    return data


# --- OLE2 (.doc / .wps) ----------------------------------------------------------------------

class Story(NamedTuple):
    text: str | None
    encrypted: bool


_F_ENCRYPTED, _F_WHICH_TABLE = 0x0100, 0x0200
MAX_PIECES = 100_000                 # real documents have hundreds; more is a hostile file
_FC_CLX_PAIR = 33                    # index of fcClx/lcbClx in FibRgFcLcb97
_COMPRESSED = 0x40000000
# Characters of the text stream that are marks, not text (MS-DOC 2.8).
_MARKS = {0x0D: "\n", 0x07: "\n", 0x0B: "\n", 0x0C: "\n", 0x0E: "\n", 0x09: "\t", 0x1E: "-", 0xA0: " "}


def word97_text(data: bytes) -> Story | None:
    """What Word's 字数 counts in a Word 97-2003 (or WPS) file: the main text, footnotes, endnotes
    and text boxes, read through the piece table; never headers, footers or comments (catdoc
    prints those too). None when this is not a Word 97+ file we can follow."""
    import olefile
    try:
        with olefile.OleFileIO(data) as ole:
            if not ole.exists("WordDocument"):
                return None
            wd = ole.openstream("WordDocument").read()
            w_ident, n_fib = struct.unpack_from("<HH", wd, 0) if len(wd) >= 0x200 else (0, 0)
            if w_ident != 0xA5EC or n_fib < 0xC1:         # not Word 97+ (Word 6/95 has another FIB)
                return None
            flags = struct.unpack_from("<H", wd, 0x0A)[0]
            if flags & _F_ENCRYPTED:
                return Story(None, True)
            table_name = "1Table" if flags & _F_WHICH_TABLE else "0Table"
            if not ole.exists(table_name):
                return None
            table = ole.openstream(table_name).read()
        csw = struct.unpack_from("<H", wd, 32)[0]
        lw = 34 + 2 * csw + 2
        cslw = struct.unpack_from("<H", wd, lw - 2)[0]
        if (csw, cslw) != (14, 22):                      # fixed by the format: anything else is junk
            return None
        # cbMac, lProductCreated, lProductRevised, ccpText, ccpFtn, ccpHdd, ccpMcr, ccpAtn, ccpEdn, ccpTxbx
        ccp = struct.unpack_from("<10i", wd, lw)[3:]
        blob = lw + 4 * cslw + 2
        fc_clx, lcb_clx = struct.unpack_from("<II", wd, blob + 8 * _FC_CLX_PAIR)
        pieces = _pieces(table[fc_clx:fc_clx + lcb_clx])
    except Exception:  # noqa: BLE001 - olefile/struct on a damaged file: let catdoc try
        return None
    if pieces is None or min(ccp) < 0:
        return None
    text_cp, ftn, hdd, mcr, atn, edn, txbx = ccp
    # CP order of the stories: main, footnotes, headers, macro, comments, endnotes, text boxes.
    start_edn = text_cp + ftn + hdd + mcr + atn
    wanted = [(a, min(b, a + 2 * MAX_TEXT_CHARS))
              for a, b in ((0, text_cp + ftn), (start_edn, start_edn + edn + txbx))]
    raw = "\n".join(_cp_text(wd, pieces, a, b) for a, b in wanted if b > a)
    return Story(_tidy(_strip_marks(raw)) or None, False)


def _pieces(clx: bytes) -> list[tuple[int, int, int, bool]] | None:
    """(cp start, cp end, byte offset, 8-bit) of each piece of the CLX's piece table."""
    i = 0
    while i < len(clx) and clx[i] == 0x01:            # Prc: formatting we do not need
        i += 3 + struct.unpack_from("<h", clx, i + 1)[0]
    if i + 5 > len(clx) or clx[i] != 0x02:
        return None
    lcb = struct.unpack_from("<I", clx, i + 1)[0]
    plc = clx[i + 5:i + 5 + lcb]
    n = (len(plc) - 4) // 12
    if not 0 < n <= MAX_PIECES:
        return None
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    out = []
    for k in range(n):
        fc = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * k + 2)[0]
        compressed = bool(fc & _COMPRESSED)
        fc &= 0x3FFFFFFF
        out.append((cps[k], cps[k + 1], fc // 2 if compressed else fc, compressed))
    return out


def _cp_text(wd: bytes, pieces, a: int, b: int) -> str:
    parts = []
    for start, end, at, eight_bit in pieces:
        lo, hi = max(a, start), min(b, end)
        if lo >= hi:
            continue
        if eight_bit:
            parts.append(wd[at + lo - start:at + hi - start].decode("cp1252", "replace"))
        else:
            parts.append(wd[at + 2 * (lo - start):at + 2 * (hi - start)].decode("utf-16-le", "replace"))
    return "".join(parts)


def _strip_marks(raw: str) -> str:
    """Field results kept, field codes dropped; cell/paragraph marks become line breaks."""
    out = []
    fields: list[bool] = []          # per open field: True once its result part has started
    for ch in raw:
        o = ord(ch)
        if o == 0x13:
            fields.append(False)
        elif o == 0x14:
            if fields:
                fields[-1] = True
        elif o == 0x15:
            if fields:
                fields.pop()
        elif fields and not all(fields):
            continue
        elif o in _MARKS:
            out.append(_MARKS[o])
        elif o >= 0x20:
            out.append(ch)
    return "".join(out)


def _catdoc(data: bytes) -> str | None:
    exe = shutil.which("catdoc")
    if not exe:
        return None
    fd, tmp = tempfile.mkstemp(suffix=".doc")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        try:
            proc = subprocess.run([exe, "-d", "utf-8", "-w", tmp], capture_output=True,
                                  timeout=CATDOC_TIMEOUT_S, check=False)
        except (subprocess.TimeoutExpired, OSError):
            return None
        if proc.returncode != 0:
            return None
        text = proc.stdout.decode("utf-8", errors="replace").strip()
        return text or None
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


# --- RTF -------------------------------------------------------------------------------------

_RTF_TOKEN = re.compile(rb"\\([a-zA-Z]+)(-?\d+)? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|([^\\{}\r\n]+)|[\r\n]+",
                        re.S)
# Destinations whose content is not document text.
_RTF_SKIP = {b"fonttbl", b"colortbl", b"stylesheet", b"info", b"pict", b"object", b"header", b"footer",
             b"headerl", b"headerr", b"headerf", b"footerl", b"footerr", b"footerf", b"listtable",
             b"listoverridetable", b"rsidtbl", b"themedata", b"colorschememapping", b"datastore",
             b"latentstyles", b"generator", b"xmlnstbl", b"fldinst", b"bkmkstart", b"bkmkend",
             b"revtbl", b"pgdsctbl", b"mmathPr", b"filetbl", b"wgrffmtfilter", b"docvar"}
_RTF_BREAKS = {b"par": "\n", b"line": "\n", b"row": "\n", b"cell": "\t", b"tab": "\t", b"sect": "\n",
               b"page": "\n", b"emdash": "—", b"endash": "–", b"lquote": "‘", b"rquote": "’",
               b"ldblquote": "“", b"rdblquote": "”", b"bullet": "•"}


def rtf_to_text(data: bytes) -> str | None:
    """Plain text of an RTF document: \\uN and \\'hh (in the document's code page) decoded."""
    if not data.lstrip().startswith(b"{\\rtf"):
        return None
    codepage = "cp1252"
    m = re.search(rb"\\ansicpg(\d+)", data[:4096])
    if m:
        codepage = f"cp{int(m.group(1))}"
    try:
        "".encode(codepage)
    except LookupError:
        codepage = "gb18030"
    out: list[str] = []
    pending = bytearray()                     # \'hh bytes wait to be decoded together (GBK is 2 bytes)
    stack: list[tuple[bool, int]] = []
    skip, uc, to_skip = False, 1, 0
    star = False

    def flush() -> None:
        if pending:
            if not skip:
                out.append(pending.decode(codepage, errors="replace"))
            pending.clear()

    for m in _RTF_TOKEN.finditer(data):
        word, arg, hexb, sym, brace, plain = m.groups()
        if hexb is not None:
            if to_skip:
                to_skip -= 1
            else:
                pending.append(int(hexb, 16))
            continue
        flush()
        if brace == b"{":
            stack.append((skip, uc))
            star = False
        elif brace == b"}":
            skip, uc = stack.pop() if stack else (False, 1)
            to_skip = 0
        elif word is not None:
            if to_skip and word != b"u":
                to_skip = 0
            if word in _RTF_SKIP or star:
                skip = True
                star = False
            elif word == b"uc":
                uc = int(arg or 1)
            elif word == b"u" and arg is not None:
                code = int(arg)
                if not skip:
                    out.append(chr(code + 65536 if code < 0 else code))
                to_skip = uc
            elif word in _RTF_BREAKS and not skip:
                out.append(_RTF_BREAKS[word])
        elif sym is not None:
            if sym == "*".encode():
                star = True
            elif not skip and sym in (b"\\", b"{", b"}"):
                out.append(sym.decode())
            elif not skip and sym == b"~":
                out.append(" ")
        elif plain is not None:
            if to_skip:                         # the ANSI stand-in after \uN is plain text too
                n = min(to_skip, len(plain))
                plain = plain[n:]
                to_skip -= n
            if plain and not skip:
                out.append(plain.decode(codepage, errors="replace"))
    flush()
    return _tidy("".join(out))


# --- HTML / MHT saved as .doc ----------------------------------------------------------------------

class _TextParser(HTMLParser):
    _BLOCK = {"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "td", "th"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title", "xml"):
            self._hidden += 1
        elif tag in self._BLOCK:
            self.parts.append("\t" if tag in ("td", "th") else "\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title", "xml"):
            self._hidden = max(0, self._hidden - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def html_to_text(data: bytes) -> str | None:
    """Text of a Word "网页" (HTML) or single-file web page (MHT)."""
    head = data[:4096].lower()
    if b"mime-version" in head or b"multipart/related" in head:
        data = _mht_html(data)
        if data is None:
            return None
    parser = _TextParser()
    parser.feed(_decode_html(data))
    parser.close()
    return _tidy(html.unescape("".join(parser.parts)))


def _mht_html(data: bytes) -> bytes | None:
    msg = email.message_from_bytes(data)
    for part in msg.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                charset = part.get_content_charset()
                if charset and b"charset" not in payload[:2048].lower():
                    payload = f'<meta charset="{charset}">'.encode() + payload
                return payload
    return None


def _decode_html(data: bytes) -> str:
    m = re.search(rb"charset\s*=\s*[\"']?([A-Za-z0-9_\-]+)", data[:4096], re.I)
    candidates = []
    if m:
        name = m.group(1).decode("ascii").lower()
        candidates.append("gb18030" if name in ("gb2312", "gbk", "gb18030") else name)
    candidates += ["utf-8", "gb18030"]
    for enc in candidates:
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


# --- Word 2003 XML / flat OPC ---------------------------------------------------------------------

def word_xml_to_text(data: bytes) -> str | None:
    """Paragraph text of Word 2003 XML (w:wordDocument) or Word 2007 flat XML (pkg:package)."""
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return None
    lines: list[str] = []
    for el in root.iter():
        if not isinstance(el.tag, str) or etree.QName(el).localname != "p":
            continue
        if _is_ancestor_p(el):
            continue
        parts = []
        for t in el.iter():
            if isinstance(t.tag, str) and etree.QName(t).localname == "t" and t.text:
                parts.append(t.text)
        lines.append("".join(parts))
    return _tidy("\n".join(lines))


def _is_ancestor_p(el) -> bool:
    from lxml import etree
    parent = el.getparent()
    while parent is not None:
        if isinstance(parent.tag, str) and etree.QName(parent).localname == "p":
            return True
        parent = parent.getparent()
    return False


def _tidy(text: str) -> str | None:
    lines = [" ".join(line.split()) for line in text.replace("\r", "\n").split("\n")]
    text = "\n".join(line for line in lines if line)
    return text or None
