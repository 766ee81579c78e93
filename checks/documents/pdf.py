"""Facts of a PDF: pages, encryption, text, and how much of each page is covered by images.

A signed scan is pages of images; an OCR layer can add text, so text alone proves nothing. Image
coverage follows the content stream (cm matrices, q/Q, Form XObjects) for the first pages only,
so a hostile or huge file cannot stall the check.
"""
from __future__ import annotations

import logging
import time
from typing import IO, Any

from checks.errors import Unreadable
from checks.documents.furniture import strip_furniture
from checks.documents.wordcount import char_count, word_count

MAX_IMAGE_PAGES = 20          # pages examined for images
MAX_TEXT_PAGES = 200          # pages examined for text
MAX_TEXT_CHARS = 200_000
MAX_CONTENT_BYTES = 8 * 1024 * 1024   # a content stream bigger than this is not walked
MAX_FORM_DEPTH = 6
TIME_BUDGET_S = 15.0
SCAN_COVERAGE = 0.5           # a page at least half covered by images looks scanned

logging.getLogger("pypdf").setLevel(logging.ERROR)   # pypdf warns loudly about every odd file


def from_stream(f: IO[bytes]) -> dict[str, Any]:
    """Facts of a PDF read from a seekable binary stream; raises Unreadable for a bad file."""
    try:
        f.seek(0)
        head = f.read(1024)
        f.seek(0, 2)
        size = f.tell()
        f.seek(max(0, size - 2048))
        tail = f.read(2048)
        f.seek(0)
    except Exception as exc:  # noqa: BLE001
        raise Unreadable("无法读取文件内容", detail="读取失败") from exc
    if size == 0:
        raise Unreadable("文件是空的（0 字节），请重新导出后上传", rule="file.empty", detail="0 字节")
    if b"%PDF-" not in head:
        raise Unreadable("这不是有效的 PDF 文件（文件开头没有 PDF 标记），可能是改了扩展名的其他文件",
                         detail="没有 PDF 标记")
    truncated = b"%%EOF" not in tail

    from pypdf import PdfReader
    from pypdf.errors import FileNotDecryptedError

    try:
        reader = PdfReader(f, strict=False)
    except Exception as exc:  # noqa: BLE001 - PdfStreamError, PdfReadError, ValueError, KeyError...
        raise Unreadable(_broken_message(truncated), detail="无法解析") from exc

    facts: dict[str, Any] = {
        "kind": "pdf", "pages": None, "encrypted": False, "needs_password": False, "truncated": truncated,
        "text_chars": 0, "pages_with_images": 0, "image_coverage": 0.0, "page_coverage": [],
        "looks_scanned": False, "text": "", "pages_examined": 0, "word_count": None, "furniture_lines": 0,
    }
    try:
        if reader.is_encrypted:
            facts["encrypted"] = True
            try:
                opened = reader.decrypt("")
            except Exception as exc:  # noqa: BLE001 - unsupported algorithm, broken /Encrypt
                raise Unreadable("PDF 加密方式无法识别，评审可能无法打开", detail="加密方式无法识别") from exc
            if not opened:
                facts["needs_password"] = True
                return facts
        pages = reader.pages
        facts["pages"] = len(pages)
        _examine(reader, pages, facts)
    except Unreadable:
        raise
    except FileNotDecryptedError:
        facts["needs_password"] = True
    except RecursionError as exc:
        raise Unreadable("PDF 文件结构异常（嵌套过深），无法解析", detail="嵌套过深") from exc
    except Exception as exc:  # noqa: BLE001
        raise Unreadable(_broken_message(truncated), detail="无法解析") from exc
    if facts["pages"] == 0:
        raise Unreadable("PDF 文件没有任何页面，可能已损坏", detail="没有页面")
    return facts


def _broken_message(truncated: bool) -> str:
    if truncated:
        return "PDF 文件不完整（可能上传或复制时中断），无法打开，请重新导出后上传"
    return "PDF 文件已损坏，无法打开，请重新导出后上传"


def _examine(reader, pages, facts: dict[str, Any]) -> None:
    deadline = time.monotonic() + TIME_BUDGET_S
    texts: list[str] = []
    total = 0
    coverages: list[float] = []
    n = len(pages)
    for i in range(min(n, max(MAX_TEXT_PAGES, MAX_IMAGE_PAGES))):
        if time.monotonic() > deadline:
            break
        page = pages[i]
        if i < MAX_IMAGE_PAGES:
            coverages.append(round(_page_coverage(reader, page), 4))
        if i < MAX_TEXT_PAGES and total < MAX_TEXT_CHARS:
            try:
                t = page.extract_text() or ""
            except Exception:  # noqa: BLE001 - one odd page must not sink the file
                t = ""
            texts.append(t)
            total += len(t)
        facts["pages_examined"] = i + 1
    raw = "\n".join(texts)
    facts["text_chars"] = char_count(raw[:MAX_TEXT_CHARS])
    # What Word would count of the original: no running headers, footers or page numbers.
    body, removed = strip_furniture(texts)
    facts["text"] = body[:MAX_TEXT_CHARS]
    facts["furniture_lines"] = removed
    facts["word_count"] = word_count(facts["text"]) if facts["text"].strip() else None
    facts["page_coverage"] = coverages
    facts["pages_with_images"] = sum(1 for c in coverages if c > 0)
    facts["image_coverage"] = max(coverages, default=0.0)
    facts["looks_scanned"] = any(c >= SCAN_COVERAGE for c in coverages)


# --- image coverage -----------------------------------------------------------------------------

def _page_coverage(reader, page) -> float:
    """Fraction of the page area covered by images (0..1), summed over image placements."""
    try:
        box = page.mediabox
        px0, py0, px1, py1 = (float(box.left), float(box.bottom), float(box.right), float(box.top))
    except Exception:  # noqa: BLE001
        return 0.0
    page_area = abs(px1 - px0) * abs(py1 - py0)
    if page_area <= 0:
        return 0.0
    try:
        resources = page.get("/Resources")
        resources = resources.get_object() if resources is not None else None
        contents = page.get_contents()
        if contents is None:
            return 0.0
        data = contents.get_data()
        if len(data) > MAX_CONTENT_BYTES:
            raise ValueError("content stream too large")
        areas: list[float] = []
        _walk_content(reader, contents, resources, _IDENTITY, (px0, py0, px1, py1), areas, 0)
        return min(1.0, sum(areas) / page_area)
    except Exception:  # noqa: BLE001 - fall back to image pixel size against page size
        return _pixel_fallback(resources_of(page), page_area)


_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _mul(m, n):
    """Matrix product m × n for PDF's [a b c d e f] row-vector convention."""
    a, b, c, d, e, f = m
    a2, b2, c2, d2, e2, f2 = n
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _unit_square_area(ctm, clip) -> float:
    """Area of the unit square mapped by ctm, as its bounding box clipped to the page."""
    a, b, c, d, e, f = ctm
    xs = [e, a + e, c + e, a + c + e]
    ys = [f, b + f, d + f, b + d + f]
    x0, x1 = max(min(xs), clip[0]), min(max(xs), clip[2])
    y0, y1 = max(min(ys), clip[1]), min(max(ys), clip[3])
    return max(0.0, x1 - x0) * max(0.0, y1 - y0)


def _walk_content(reader, stream, resources, ctm, clip, areas: list[float], depth: int) -> None:
    from pypdf.generic import ContentStream

    xobjects = {}
    if resources is not None:
        xo = resources.get("/XObject")
        if xo is not None:
            xobjects = xo.get_object()
    stack: list = []
    for operands, op in ContentStream(stream, reader).operations:
        if op == b"q":
            stack.append(ctm)
            if len(stack) > 256:
                raise ValueError("q nesting too deep")
        elif op == b"Q":
            ctm = stack.pop() if stack else ctm
        elif op == b"cm" and len(operands) == 6:
            ctm = _mul(tuple(float(x) for x in operands), ctm)
        elif op == b"INLINE IMAGE":
            areas.append(_unit_square_area(ctm, clip))
        elif op == b"Do" and operands:
            xobj = xobjects.get(operands[0]) if xobjects else None
            if xobj is None:
                continue
            xobj = xobj.get_object()
            subtype = xobj.get("/Subtype")
            if subtype == "/Image":
                areas.append(_unit_square_area(ctm, clip))
            elif subtype == "/Form" and depth < MAX_FORM_DEPTH:
                matrix = xobj.get("/Matrix")
                m = tuple(float(x) for x in matrix) if matrix is not None and len(matrix) == 6 else _IDENTITY
                if len(xobj.get_data()) > MAX_CONTENT_BYTES:
                    continue
                form_res = xobj.get("/Resources")
                form_res = form_res.get_object() if form_res is not None else resources
                _walk_content(reader, xobj, form_res, _mul(m, ctm), clip, areas, depth + 1)


def resources_of(page):
    try:
        r = page.get("/Resources")
        return r.get_object() if r is not None else None
    except Exception:  # noqa: BLE001
        return None


def _pixel_fallback(resources, page_area: float) -> float:
    """Without a usable content stream: an image with at least one pixel per point of page
    area (72 dpi and up) is taken as covering the page."""
    best = 0.0
    try:
        xo = resources.get("/XObject").get_object() if resources is not None else None
        for _name, ref in (xo or {}).items():
            img = ref.get_object()
            if img.get("/Subtype") == "/Image":
                px = float(img.get("/Width", 0)) * float(img.get("/Height", 0))
                best = max(best, min(1.0, px / page_area))
    except Exception:  # noqa: BLE001
        pass
    return best
