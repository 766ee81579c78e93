"""What a file IS, from its content: magic bytes, container brands, OLE2 stream names, zip parts.

Kinds must match data/rules/contest.yaml kind_groups. Only the first 64 KiB is read (plus the
ZIP central directory or the OLE2 directory), and the stream position is restored.
"""
from __future__ import annotations

import os
import re
import struct
import zipfile
from pathlib import Path
from typing import BinaryIO

from checks.zipdir import MAX_CENTRAL_DIR, MAX_MEMBERS, central_dir_stats

HEAD = 64 * 1024
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ASF_MAGIC = bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")
_MAX_OLE_SECTORS = 4096          # directory sectors followed before giving up (cycles, junk)

KIND_LABELS_ZH: dict[str, str] = {
    "mp4": "MP4 视频", "mov": "MOV（QuickTime）视频", "mkv": "MKV 视频", "webm": "WebM 视频",
    "avi": "AVI 视频", "flv": "FLV 视频", "wmv": "WMV 视频", "mpegts": "MPEG-TS 视频（.ts）",
    "mpeg": "MPEG 视频（.mpg）", "3gp": "3GP 视频",
    "docx": "Word 文档（.docx）", "xlsx": "Excel 表格（.xlsx）", "pptx": "PowerPoint 演示文稿（.pptx）",
    "doc": "旧版 Word 文档（.doc）", "xls": "旧版 Excel 表格（.xls）", "ppt": "旧版 PowerPoint 演示文稿（.ppt）",
    "wps": "WPS 文字文档（.wps）", "et": "WPS 表格（.et）", "dps": "WPS 演示（.dps）",
    "encrypted_office": "设置了密码的 Office 文档", "docx_encrypted": "设置了打开密码的 Word 文档",
    "doc_encrypted": "设置了打开密码的旧版 Word 文档（.doc）", "rtf": "RTF 文档",
    "word_html": "网页格式的 Word 文档（另存为网页/.mht）", "word_xml": "Word 2003 XML 文档",
    "pdf": "PDF 文档", "zip": "ZIP 压缩包", "rar": "RAR 压缩包", "7z": "7z 压缩包",
    "gzip": "gzip 压缩文件", "tar": "tar 归档文件",
    "png": "PNG 图片", "jpeg": "JPEG 图片", "gif": "GIF 图片", "bmp": "BMP 图片", "webp": "WebP 图片",
    "tiff": "TIFF 图片", "mp3": "MP3 音频", "wav": "WAV 音频", "aac": "AAC 音频", "m4a": "M4A 音频",
    "html": "网页文件（HTML）", "text": "纯文本文件", "exe": "Windows 程序（.exe）",
    "apk": "安卓应用程序（.apk）", "ipa": "苹果应用程序（.ipa）", "epub": "电子书（.epub）",
    "h5p": "H5P 交互式课件（.h5p）", "xmind": "XMind 思维导图", "ofd": "OFD 版式文档", "sb3": "Scratch 3 作品（.sb3）",
    "jar": "Java 程序（.jar）", "odt": "OpenDocument 文字文档（.odt）", "ods": "OpenDocument 表格（.ods）",
    "odp": "OpenDocument 演示文稿（.odp）",
    "empty": "空文件（0 字节）", "unknown": "无法识别的文件",
}

# Extensions that honestly describe each kind; the first is what we suggest. Order matters to
# the engine, which reads a name's claimed kind as the first kind listing its extension.
KIND_EXTENSIONS: dict[str, tuple[str, ...]] = {
    "mp4": (".mp4", ".m4v"), "mov": (".mov", ".qt"), "mkv": (".mkv",), "webm": (".webm",),
    "avi": (".avi",), "flv": (".flv", ".f4v"), "wmv": (".wmv", ".asf", ".wma"),
    "mpegts": (".ts", ".m2ts", ".mts"), "mpeg": (".mpg", ".mpeg", ".mpe", ".vob"),
    "3gp": (".3gp", ".3g2"),
    "docx": (".docx", ".docm", ".dotx", ".dotm"), "xlsx": (".xlsx", ".xlsm", ".xltx"),
    "pptx": (".pptx", ".pptm", ".ppsx", ".potx"),
    # Kingsoft's formats share the Microsoft binary layout and the two programs open each other's.
    "doc": (".doc", ".dot", ".wps", ".wpt"), "wps": (".wps", ".doc"),
    "xls": (".xls", ".xlt", ".et"), "et": (".et", ".xls"),
    "ppt": (".ppt", ".pps", ".pot", ".dps"), "dps": (".dps", ".ppt"),
    "encrypted_office": (".docx", ".xlsx", ".pptx", ".doc", ".xls", ".ppt", ".wps", ".et", ".dps"),
    "docx_encrypted": (".docx", ".docm", ".doc", ".wps"), "doc_encrypted": (".doc", ".wps"),
    "html": (".html", ".htm", ".xhtml", ".mht", ".mhtml", ".shtml"),
    "rtf": (".rtf",), "word_html": (".htm", ".html", ".mht", ".mhtml"), "word_xml": (".xml",),
    "pdf": (".pdf",), "zip": (".zip",), "rar": (".rar",), "7z": (".7z",),
    "gzip": (".gz", ".tgz"), "tar": (".tar",),
    "png": (".png",), "jpeg": (".jpg", ".jpeg", ".jpe", ".jfif"), "gif": (".gif",),
    "bmp": (".bmp", ".dib"), "webp": (".webp",), "tiff": (".tif", ".tiff"),
    "mp3": (".mp3",), "wav": (".wav",), "aac": (".aac",), "m4a": (".m4a", ".m4b", ".aac"),
    "exe": (".exe", ".dll", ".scr", ".com"),
    "apk": (".apk", ".xapk", ".aab"), "ipa": (".ipa",), "epub": (".epub",), "h5p": (".h5p",),
    "xmind": (".xmind",), "ofd": (".ofd",), "sb3": (".sb3", ".sb2"), "jar": (".jar",),
    "odt": (".odt",), "ods": (".ods",), "odp": (".odp",),
}
# Formats that are ZIP containers under their own name: not "mislabelled zips".
_ZIP_BASED = {".epub", ".jar", ".apk", ".odt", ".ods", ".odp", ".ofd", ".xpi", ".whl", ".ipa",
              ".sb3", ".xmind", ".vsdx", ".h5p"}
# A name hint may only choose between kinds that share one content layout. An encrypted OOXML
# package does not say what it holds; without a spreadsheet/slides name it is taken as Word.
_KINGSOFT = {("doc", ".wps"): "wps", ("xls", ".et"): "et", ("ppt", ".dps"): "dps",
             **{("docx_encrypted", ext): "encrypted_office"
                for ext in (".xlsx", ".xlsm", ".xls", ".et", ".pptx", ".pptm", ".ppt", ".dps")}}


def extension_mismatch(name: str, kind: str) -> str | None:
    """The extension (without the dot, e.g. "mov") the content calls for when `name`'s own
    extension disagrees; None when it agrees or the kind has no proper extension."""
    exts = KIND_EXTENSIONS.get(kind)
    if not exts:
        return None
    ext = os.path.splitext(name)[1].lower()
    if ext in exts or (kind == "zip" and ext in _ZIP_BASED):
        return None
    return exts[0].lstrip(".")


def sniff_path(path: str | os.PathLike) -> str:
    with open(path, "rb") as f:
        return sniff_stream(f, name=Path(path).name)


def sniff_stream(f: BinaryIO, name: str | None = None) -> str:
    """Kind of the file's content. `name` only picks wps/et/dps over doc/xls/ppt (same layout)."""
    pos = f.tell()
    try:
        f.seek(0)
        head = f.read(HEAD)
        kind = _sniff(f, head)
        if name:
            kind = _KINGSOFT.get((kind, os.path.splitext(name)[1].lower()), kind)
        return kind
    except (OSError, ValueError, struct.error):
        return "unknown"
    finally:
        try:
            f.seek(pos)
        except (OSError, ValueError):
            pass


def _sniff(f: BinaryIO, head: bytes) -> str:
    if not head:
        return "empty"
    h = head
    if h[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return _zip_kind(f, h)
    if h[:8] == _OLE_MAGIC:
        return _ole_kind(f, h)
    if h[:7] == b"Rar!\x1a\x07\x00" or h[:8] == b"Rar!\x1a\x07\x01\x00":
        return "rar"
    if h[:6] == b"7z\xbc\xaf\x27\x1c":
        return "7z"
    if b"%PDF-" in h[:1024]:
        return "pdf"
    if h[:5] == b"{\\rtf":
        return "rtf"
    if h[:2] == b"\x1f\x8b":
        return "gzip"
    if h[257:262] == b"ustar":
        return "tar"
    if h[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if h[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if h[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if h[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if h[:4] == b"RIFF" and len(h) >= 12:
        return {b"WEBP": "webp", b"WAVE": "wav", b"AVI ": "avi"}.get(h[8:12], "unknown")
    if h[:2] == b"BM" and len(h) >= 26 and struct.unpack("<I", h[14:18])[0] in (12, 40, 52, 56, 64, 108, 124):
        return "bmp"
    iso = _iso_kind(h)
    if iso:
        return iso
    if h[:4] == b"\x1a\x45\xdf\xa3":
        return "webm" if b"webm" in h[:64] else "mkv"
    if h[:3] == b"FLV":
        return "flv"
    if h[:16] == _ASF_MAGIC:
        return "wmv"
    if _is_ts(h):
        return "mpegts"
    if h[:4] in (b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3"):
        return "mpeg"
    if h[:3] == b"ID3":
        return "mp3"
    if h[:2] in (b"\xff\xfe", b"\xfe\xff") and _utf16_text(h):
        return _text_kind(h)     # a UTF-16 BOM would otherwise pass for an MPEG frame sync
    if len(h) >= 2 and h[0] == 0xFF and h[1] & 0xE0 == 0xE0:
        layer = (h[1] >> 1) & 3
        if layer == 0 and h[1] & 0xF6 == 0xF0:
            return "aac"         # ADTS
        if layer:
            return "mp3"
    if h[:2] == b"MZ":
        return "exe"
    return _text_kind(h)


def _iso_kind(h: bytes) -> str | None:
    """ISO-BMFF / QuickTime: the ftyp brand tells MP4, MOV, 3GP and audio-only M4A apart."""
    if h[4:8] == b"ftyp":
        brand = h[8:12]
        if brand == b"qt  ":
            return "mov"
        if brand[:3] in (b"3gp", b"3g2", b"3ge", b"3gg"):
            return "3gp"
        if brand in (b"M4A ", b"M4B ", b"M4P "):
            return "m4a"
        return "mp4"
    if h[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"):
        return "mov"            # classic QuickTime files have no ftyp atom
    return None


def _is_ts(h: bytes) -> bool:
    for step, first in ((188, 0), (192, 4)):     # plain TS, and M2TS with its 4-byte timestamps
        n = min(5, (len(h) - first - 1) // step + 1)
        if n >= 3 and all(h[first + i * step] == 0x47 for i in range(n)):
            return True
    return False


def _zip_kind(f: BinaryIO, head: bytes) -> str:
    try:
        stats = central_dir_stats(f)
        if stats is None:
            return _office_by_local_headers(head)   # end record gone: a cut-off upload or copy
        if stats[0] > MAX_MEMBERS or stats[1] > MAX_CENTRAL_DIR:
            return "zip"
        f.seek(0)
        with zipfile.ZipFile(f) as zf:
            names = set(zf.namelist())
            ctypes = _small_member(zf, names, "[Content_Types].xml")
            mimetype = _small_member(zf, names, "mimetype").strip()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError,
            UnicodeDecodeError, zipfile.LargeZipFile, struct.error):
        return _office_by_local_headers(head)
    if b"wordprocessingml" in ctypes or b"ms-word" in ctypes or "word/document.xml" in names:
        return "docx"
    if b"spreadsheetml" in ctypes or b"ms-excel" in ctypes or "xl/workbook.xml" in names:
        return "xlsx"
    if b"presentationml" in ctypes or b"ms-powerpoint" in ctypes or "ppt/presentation.xml" in names:
        return "pptx"
    return _zip_container_kind(names, mimetype)


def _small_member(zf: zipfile.ZipFile, names: set[str], name: str) -> bytes:
    if name not in names:
        return b""
    info = zf.getinfo(name)
    if info.file_size >= 1024 * 1024 or info.flag_bits & 1:
        return b""
    return zf.read(info)


# Formats that are ZIP containers of their own (an app, an e-book, an interactive quiz, a mind map,
# a Scratch project, an OFD 版式文件): a teacher hands them in as files, never as a bundle they made.
_ODF = {b"application/vnd.oasis.opendocument.text": "odt",
        b"application/vnd.oasis.opendocument.spreadsheet": "ods",
        b"application/vnd.oasis.opendocument.presentation": "odp"}


def _zip_container_kind(names: set[str], mimetype: bytes) -> str:
    if mimetype == b"application/epub+zip":
        return "epub"
    if mimetype in _ODF:
        return _ODF[mimetype]
    if "AndroidManifest.xml" in names and any(n.endswith(".dex") for n in names):
        return "apk"
    if any(n.startswith("Payload/") and ".app/" in n for n in names):
        return "ipa"
    if "h5p.json" in names:
        return "h5p"
    if "OFD.xml" in names:
        return "ofd"
    if "project.json" in names and any(n.endswith((".svg", ".wav", ".png", ".mp3")) for n in names) \
            and not any("/" in n for n in names):
        return "sb3"
    if ("content.json" in names or "content.xml" in names) and \
            ("metadata.json" in names or "META-INF/manifest.xml" in names) and \
            any(n in names for n in ("manifest.json", "Thumbnails/thumbnail.png", "styles.xml")):
        return "xmind"
    if "META-INF/MANIFEST.MF" in names and any(n.endswith(".class") for n in names):
        return "jar"
    return "zip"


_LOCAL_HEADER = re.compile(rb"PK\x03\x04")
# Only Word: a damaged .docx gets its own clear finding from the docx reader, while nothing reads
# spreadsheets or slides yet, so a cut-off .xlsx/.pptx stays "zip" (its name mismatch is reported).
_OOXML_MAIN = (("word/", "docx"),)


def _office_by_local_headers(head: bytes) -> str:
    """A ZIP without a usable central directory: its local headers still name the parts, and
    [Content_Types].xml beside word/… says it is a (damaged) Word file, not an archive."""
    names = set()
    for m in _LOCAL_HEADER.finditer(head):
        at = m.start()
        if at + 30 > len(head):
            break
        n = struct.unpack("<H", head[at + 26:at + 28])[0]
        if 0 < n <= 256 and at + 30 + n <= len(head):
            names.add(head[at + 30:at + 30 + n].decode("utf-8", "replace"))
    if "[Content_Types].xml" in names:
        for prefix, kind in _OOXML_MAIN:
            if any(n.startswith(prefix) for n in names):
                return kind
    return "zip"


def ole_stream_names(f: BinaryIO, header: bytes) -> set[str]:
    """Names in an OLE2 (compound file) directory, following only the directory's FAT chain."""
    return set(ole_directory(f, header))


def ole_directory(f: BinaryIO, header: bytes) -> dict[str, tuple[int, int]]:
    """Stream name -> (start sector, size) of an OLE2 directory, following only its FAT chain."""
    shift = struct.unpack("<H", header[30:32])[0]
    if shift not in (9, 12):
        return set()
    ss = 1 << shift
    num_fat, first_dir = struct.unpack("<II", header[44:52])
    first_difat, num_difat = struct.unpack("<II", header[68:76])
    difat = list(struct.unpack("<109I", header[76:512]))
    per = ss // 4
    seen_difat = 0
    sec = first_difat
    while sec < 0xFFFFFFFA and seen_difat < min(num_difat, _MAX_OLE_SECTORS) and len(difat) < num_fat + 109:
        f.seek((sec + 1) * ss)
        block = f.read(ss)
        if len(block) < ss:
            break
        vals = struct.unpack(f"<{per}I", block)
        difat.extend(vals[:-1])
        sec = vals[-1]
        seen_difat += 1
    fat_sectors = [s for s in difat[:num_fat] if s < 0xFFFFFFFA]
    cache: dict[int, tuple[int, ...]] = {}

    def next_sector(s: int) -> int:
        idx = s // per
        if idx >= len(fat_sectors):
            return 0xFFFFFFFE
        if idx not in cache:
            f.seek((fat_sectors[idx] + 1) * ss)
            block = f.read(ss)
            if len(block) < ss:
                return 0xFFFFFFFE
            cache[idx] = struct.unpack(f"<{per}I", block)
        return cache[idx][s % per]

    names: dict[str, tuple[int, int]] = {}
    sec, visited = first_dir, set()
    while sec < 0xFFFFFFFA and sec not in visited and len(visited) < _MAX_OLE_SECTORS:
        visited.add(sec)
        f.seek((sec + 1) * ss)
        block = f.read(ss)
        if len(block) < ss:
            break
        for off in range(0, ss, 128):
            e = block[off:off + 128]
            n = struct.unpack("<H", e[64:66])[0]
            if e[66] in (1, 2, 5) and 2 <= n <= 64:
                start, size = struct.unpack("<IQ", e[116:128])
                names.setdefault(e[:n - 2].decode("utf-16-le", "replace"), (start, size))
        sec = next_sector(sec)
    return names


_F_ENCRYPTED = 0x0100                   # FibBase flags: the document has an open password


def _ole_kind(f: BinaryIO, head: bytes) -> str:
    if len(head) < 512:
        return "unknown"
    names = ole_directory(f, head)
    if "EncryptedPackage" in names:
        return "docx_encrypted"          # a password-protected .docx (or .xlsx/.pptx: see _KINGSOFT)
    if "WordDocument" in names:
        return "doc_encrypted" if _word_fib_encrypted(f, head, *names["WordDocument"]) else "doc"
    if "Workbook" in names or "Book" in names:
        return "xls"
    if "PowerPoint Document" in names:
        return "ppt"
    return "unknown"


def _word_fib_encrypted(f: BinaryIO, head: bytes, start: int, size: int) -> bool:
    """fEncrypted of the FIB at the start of the WordDocument stream (one sector read). A stream
    under the mini-stream cutoff is not a real Word document; it is left to the reader."""
    ss = 1 << struct.unpack("<H", head[30:32])[0]
    cutoff = struct.unpack("<I", head[56:60])[0]
    if size < max(cutoff, 12) or start >= 0xFFFFFFFA:
        return False
    f.seek((start + 1) * ss)
    fib = f.read(12)
    if len(fib) < 12 or struct.unpack("<H", fib[:2])[0] != 0xA5EC:
        return False
    return bool(struct.unpack("<H", fib[10:12])[0] & _F_ENCRYPTED)


_WORD_HTML = (b"urn:schemas-microsoft-com:office:word", b"progid content=word.document",
              b'progid" content="word.document', b"<meta name=generator content=\"microsoft word",
              b'name="generator" content="microsoft word', b"mso-application progid=\"word.document")
_WORD_XML = (b"schemas.microsoft.com/office/word/2003/wordml", b'progid="word.document"')


def _ascii_view(h: bytes) -> bytes:
    """Lower-cased bytes for marker search; UTF-16 text is narrowed to ASCII first."""
    if h[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            h = h[2:len(h) - (len(h) % 2)].decode("utf-16-le" if h[0] == 0xFF else "utf-16-be",
                                                  "replace").encode("utf-8", "replace")
        except (UnicodeError, ValueError):
            pass
    # quoted-printable MHT writes "=3D" for "=" and breaks long lines with "=\r\n"
    return h.lower().replace(b"=\r\n", b"").replace(b"=\n", b"").replace(b"=3d", b"=")


def _text_kind(h: bytes) -> str:
    low = _ascii_view(h)
    stripped = low.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<?xml") or b"<?mso-application" in low[:4096]:
        if any(m in low for m in _WORD_XML):
            return "word_xml"
    is_mht = b"mime-version:" in low[:4096] and b"multipart/related" in low[:8192]
    is_html = is_mht or bool(re.search(rb"<(!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", low[:8192]))
    if is_html:
        if any(m in low for m in _WORD_HTML) or (b"mso-" in low and b"word" in low):
            return "word_html"
        return "html"
    return "text" if _looks_like_text(h) else "unknown"


def _utf16_text(h: bytes) -> bool:
    sample = h[2:8194]
    text = sample[:len(sample) - len(sample) % 2].decode("utf-16-le" if h[0] == 0xFF else "utf-16-be", "replace")
    bad = sum(1 for c in text if c == "\ufffd" or (ord(c) < 32 and c not in "\t\r\n\f"))
    return bad <= len(text) // 100


def _looks_like_text(h: bytes) -> bool:
    if h[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return _utf16_text(h)
    sample = h[:8192]
    if b"\x00" in sample:
        return False
    for enc in ("utf-8", "gb18030"):
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError as e:
            if enc == "utf-8" and e.start >= len(sample) - 4:   # a character cut at the boundary
                text = sample[:e.start].decode(enc)
            else:
                continue
        controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\r\n\f\x1b")
        return controls <= len(text) // 100
    return False
