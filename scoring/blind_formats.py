"""Blinded copies by content kind, made in a limited child (scoring.limits) by `blind_any`.

Each maker writes `dst` and answers {"downloadable": bool, "text": str | None, "risks": [zh]}:
`text` is a masked plain-text rendering for kinds whose own bytes cannot be masked safely (a PDF
whose text layer names the author, legacy Word); `risks` says what a person must look at because
masking was impossible there (the admin's 初审 table shows them as "作品内可能含作者信息").
"""
from __future__ import annotations

import os
import shutil
import tempfile
import zipfile

from scoring.limits import Refused
from scoring.names import MASK, contains, mask, name_pattern

OOXML = {"docx", "xlsx", "pptx"}
MEDIA_FORMATS = {"mp4": "mp4", "mov": "mov", "3gp": "3gp", "mkv": "matroska", "webm": "webm"}
IMAGE = {"png": "PNG", "jpeg": "JPEG", "gif": "GIF", "bmp": "BMP", "webp": "WEBP", "tiff": "TIFF"}
LEGACY = {"doc", "wps", "rtf", "word_html", "word_xml"}
ARCHIVES = {"zip", "rar"}
MAX_TEXT = 20 * 1024**2
MAX_ARCHIVE_TOTAL = 2 * 1024**3
MAX_ARCHIVE_MEMBERS = 5000
# Technical tags a muxer writes; any other tag (title, artist, comment, location...) is removed.
TECH_TAGS = {"major_brand", "minor_version", "compatible_brands", "encoder", "creation_time",
             "handler_name", "vendor_id", "language", "duration", "timecode", "rotate", "encoder-eng"}
PDF_TEXT_PAGES = 300


def _ok(**kw) -> dict:
    return {"downloadable": True, "text": None, "risks": [], **kw}


def blind_any(src: str, dst: str, kind: str, names: list[str], depth: int = 0) -> dict:
    if kind in OOXML:
        from scoring.blind_ooxml import blind_ooxml
        return {**_ok(), **blind_ooxml(src, dst, names)}
    if kind == "pdf":
        return blind_pdf(src, dst, names)
    if kind in MEDIA_FORMATS:
        return blind_media(src, dst, kind, names)
    if kind == "text":
        return blind_text(src, dst, names)
    if kind in IMAGE:
        return blind_image(src, dst, kind)
    if kind in LEGACY:
        return legacy_text(src, kind, names)
    if kind in ARCHIVES and depth < 2:
        return blind_archive(src, dst, names, depth)
    shutil.copyfile(src, dst)
    return _ok()


# ---- PDF ------------------------------------------------------------------------------------
def blind_pdf(src: str, dst: str, names: list[str]) -> dict:
    from pypdf import PdfReader, PdfWriter
    reader = PdfReader(src)
    if reader.is_encrypted and not reader.decrypt(""):
        return {"downloadable": False, "text": None, "risks": ["PDF 已加密，无法去除文档属性"]}
    writer = PdfWriter(clone_from=reader)
    writer.metadata = None
    writer.xmp_metadata = None
    for key in ("/PieceInfo", "/Metadata"):
        writer.root_object.pop(key, None)
    for page in writer.pages:
        for key in ("/PieceInfo", "/Metadata"):
            page.pop(key, None)
    pattern = name_pattern(tuple(names))
    if pattern is not None:
        for obj in list(writer._objects):
            _mask_strings(obj, pattern, 0)
    writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)
    with open(dst, "wb") as f:
        writer.write(f)
    text, images = "", 0
    for page in reader.pages[:PDF_TEXT_PAGES]:
        text += (page.extract_text() or "") + "\n"
        if len(text) > MAX_TEXT:
            break
        if not text.strip():
            try:
                images += len(page.images)
            except Exception:
                pass
    if contains(text, names):
        return {"downloadable": False, "text": mask(text, names)[:500_000],
                "risks": ["PDF 正文中有作者或单位名称（无法在 PDF 内遮盖，评委只看到遮盖后的文字）"]}
    if not text.strip():
        return _ok(risks=["PDF 没有文字层（可能是扫描件），无法检查其中的作者信息"])
    return _ok()


def _mask_strings(obj, pattern, depth: int) -> None:
    """Annotation authors, outline titles, form values: every text string outside content streams."""
    from pypdf.generic import ArrayObject, DictionaryObject, TextStringObject, create_string_object
    if depth > 8 or obj is None:
        return
    if isinstance(obj, DictionaryObject):
        items = list(obj.items())
    elif isinstance(obj, ArrayObject):
        items = list(enumerate(obj))
    else:
        return
    for k, v in items:
        if isinstance(v, TextStringObject) and pattern.search(str(v)):
            obj[k] = create_string_object(pattern.sub(MASK, str(v)))
        elif isinstance(v, (DictionaryObject, ArrayObject)):
            _mask_strings(v, pattern, depth + 1)


# ---- media ----------------------------------------------------------------------------------
def _identifying(tags: dict, names: list[str]) -> bool:
    return any(k.lower() not in TECH_TAGS or contains(str(v), names) for k, v in tags.items())


def blind_media(src: str, dst: str, kind: str, names: list[str]) -> dict:
    """Remux without tags (no re-encoding) when the container or a stream carries any tag that
    is not technical; else a plain copy. A name burnt into the picture cannot be masked."""
    import av
    with av.open(src) as inp:
        tags = [dict(inp.metadata)] + [dict(s.metadata) for s in inp.streams]
        if not any(_identifying(t, names) for t in tags):
            shutil.copyfile(src, dst)
            return _ok()
        keep = [s for s in inp.streams if s.type in ("video", "audio")]
        with av.open(dst, "w", format=MEDIA_FORMATS[kind]) as out:
            mapping = {}
            for s in keep:
                o = out.add_stream_from_template(s)
                o.metadata.clear()
                mapping[s.index] = o
            out.metadata.clear()
            for packet in inp.demux(keep):
                if packet.dts is None:
                    continue
                packet.stream = mapping[packet.stream.index]
                out.mux(packet)
    return _ok()


# ---- text, images, legacy Word --------------------------------------------------------------
def blind_text(src: str, dst: str, names: list[str]) -> dict:
    with open(src, "rb") as f:
        raw = f.read(MAX_TEXT + 1)
    if len(raw) > MAX_TEXT:
        raise Refused("text too large")
    utf16 = ("utf-16",) if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else ()
    for enc in (*utf16, "utf-8-sig", "gb18030"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeError:
            continue
    else:
        text, enc = raw.decode("utf-8", "replace"), "utf-8"
    with open(dst, "wb") as f:
        f.write(mask(text, names).encode(enc))
    return _ok()


def blind_image(src: str, dst: str, kind: str) -> dict:
    """Saved again without EXIF/XMP/text chunks (camera owner, author); what the picture shows
    cannot be checked, so it is a risk for a person to look at."""
    from PIL import Image
    with Image.open(src) as im:
        im.load()
        clean = im.copy()
        clean.info = {}
        params = {"quality": 95} if kind == "jpeg" else {}
        clean.save(dst, format=IMAGE[kind], **params)
    return _ok(risks=["图片：无法检查图中是否有作者或单位名称"])


def legacy_text(src: str, kind: str, names: list[str]) -> dict:
    """Old Word formats cannot be rewritten safely: the reviewer reads masked text, no download."""
    from checks.documents.text import extract_text
    with open(src, "rb") as f:
        text = extract_text(f, kind)
    return {"downloadable": False, "text": mask(text, names)[:500_000], "risks": []}


# ---- archives -------------------------------------------------------------------------------
def blind_archive(src: str, dst: str, names: list[str], depth: int) -> dict:
    """A ZIP again (RAR cannot be written): member names masked, no comments, every member blinded
    by its own kind; members that cannot be blinded are left out and named as a risk."""
    from checks.archives import open_archive
    from checks.sniff import sniff_path
    risks: list[str] = []
    withheld: list[str] = []
    total = 0
    with open_archive(src) as arc, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout, \
            tempfile.TemporaryDirectory(prefix="blind-") as tmp:
        files = [m for m in arc.members if not m.is_dir]
        if len(files) > MAX_ARCHIVE_MEMBERS:
            raise Refused(f"{len(files)} members")
        for i, m in enumerate(files):
            shown = mask(m.path, names)
            if m.unsafe or m.encrypted or m.is_link:
                risks.append(f"压缩包中的“{shown}”无法安全打开，未提供给评委")
                continue
            raw, out = os.path.join(tmp, f"{i}.raw"), os.path.join(tmp, f"{i}.out")
            with arc.open(m) as s, open(raw, "wb") as d:
                while chunk := s.read(1 << 20):
                    total += len(chunk)
                    if total > MAX_ARCHIVE_TOTAL:
                        raise Refused("archive inflates past the cap")
                    d.write(chunk)
            kind = sniff_path(raw)
            try:
                got = blind_any(raw, out, kind, names, depth + 1)
            except Exception:           # a bomb or a file its parser cannot take: left out
                risks.append(f"压缩包中的“{shown}”过大或结构异常，未提供给评委")
                withheld.append(shown)
                continue
            if not got["downloadable"]:
                if got.get("text"):
                    zout.writestr(shown + ".txt", got["text"].encode("utf-8"))
                risks += [f"压缩包中的“{shown}”：{r}" for r in got["risks"]]
                continue
            risks += [f"压缩包中的“{shown}”：{r}" for r in got["risks"]]
            zout.write(out, shown + ".zip" if kind == "rar" else shown)
            os.unlink(raw)
            os.unlink(out)
    return _ok(risks=risks, withheld=withheld)
