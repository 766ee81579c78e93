"""Show one stored file inside the page: video, PDF, Word, image, archive listing, text.

Big files never pass through Streamlit's in-memory media storage: videos and PDFs are fetched by
the browser from the Range route (ui/review/media_route.py). Archive members are copied (streamed, with
a cap) to a cache file named by a hash, then shown like any other file. `label` is the blind name
the reviewer sees; nothing here prints the stored path.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import streamlit as st

from accounts import data_dir
from ui.review import media_route
from ui.common import describe, fmt_size

log = logging.getLogger(__name__)

VIDEO = {"mp4", "mov", "mkv", "webm", "avi", "flv", "wmv", "mpegts", "mpeg", "3gp"}
BROWSER_VIDEO = {"mp4": "video/mp4", "mov": "video/mp4", "webm": "video/webm", "mkv": "video/webm"}
IMAGE = {"png", "jpeg", "gif", "bmp", "webp"}
AUDIO = {"mp3": "audio/mpeg", "wav": "audio/wav", "aac": "audio/aac", "m4a": "audio/mp4"}
LEGACY_TEXT = {"doc", "wps", "rtf", "word_html", "word_xml", "text"}
ARCHIVE = {"zip", "rar"}
MAX_INLINE = 30 * 1024 * 1024        # images / Word converted in the page
MAX_MEMBER = 2 * 1024**3             # an archive member copied to the cache


def _same(text: str) -> str:
    return text


def show_file(path: Path, kind: str | None, label: str, *, key: str, redact=_same) -> None:
    """Render `path` by its content kind; every failure becomes a Chinese message. `redact` masks
    author and school names in names the file itself carries (archive member names)."""
    try:
        if not path.is_file():
            st.error(f"文件“{label}”在服务器上找不到，请联系管理员。")
            return
        kind = kind or _sniff(path)
        size = path.stat().st_size
        if kind in VIDEO:
            _video(path, kind)
        elif kind == "pdf":
            _iframe(path, "application/pdf")
        elif kind == "docx":
            _docx(path, size)
        elif kind in IMAGE and size <= MAX_INLINE:
            st.image(str(path))
        elif kind in AUDIO:
            st.audio(_url(path, AUDIO[kind]) or str(path))
        elif kind in ARCHIVE:
            _archive(path, label, key=key, redact=redact)
        elif kind in LEGACY_TEXT:
            _legacy_text(path, kind)
        else:
            st.info(f"此类文件（{kind or '未知'}）无法在网页中预览，可下载后查看。")
        _download(path, label, size, key)
    except Exception as exc:
        log.exception("showing a file failed")
        st.error(describe(exc, f"打开“{label}”"))


def _sniff(path: Path) -> str:
    from checks.sniff import sniff_path
    return sniff_path(path)


def _url(path: Path, mime: str) -> str | None:
    return media_route.file_url(path, mime) if media_route.is_mounted() else None


def _video(path: Path, kind: str) -> None:
    url = _url(path, BROWSER_VIDEO.get(kind, "video/mp4"))
    if url is None:
        st.warning("当前运行方式不支持流式播放视频，请使用 streamlit run app.py 启动。")
        return
    if kind not in BROWSER_VIDEO:
        st.caption("此视频格式浏览器可能无法播放，如无画面请下载后用播放器观看。")
    st.video(media_route.absolute_url(url))


def _iframe(path: Path, mime: str) -> None:
    url = _url(path, mime)
    if url is None:
        st.info("当前运行方式不支持在页面中显示 PDF，请下载后查看。")
        return
    st.iframe(url, height=720)


def _docx(path: Path, size: int) -> None:
    if size > MAX_INLINE:
        st.info("Word 文档较大，请下载后查看。")
        return
    html = _docx_html(str(path), path.stat().st_mtime)
    with st.container(height=640, border=True):
        st.html(html)


@st.cache_data(max_entries=32, show_spinner="正在转换 Word 文档…")
def _docx_html(path: str, mtime: float) -> str:
    import mammoth
    with open(path, "rb") as f:
        result = mammoth.convert_to_html(f)
    return result.value or "<p>（文档没有可显示的正文）</p>"


def _legacy_text(path: Path, kind: str) -> None:
    if kind == "text":
        with open(path, "rb") as f:
            raw = f.read(200_000)
        text = next((raw.decode(enc) for enc in ("utf-8", "gb18030") if _decodes(raw, enc)), "")
    else:
        from checks.documents.text import extract_text
        with open(path, "rb") as f:
            text = extract_text(f, kind)
    if text.strip():
        st.text_area("文档文字（仅显示文字）", text[:200_000], height=480, disabled=True)
    else:
        st.info("未能读取该文档的文字，请下载后查看。")


def _decodes(raw: bytes, enc: str) -> bool:
    try:
        raw.decode(enc)
        return True
    except UnicodeDecodeError:
        return False


def _archive(path: Path, label: str, *, key: str, redact=_same) -> None:
    from checks.archives import open_archive
    with open_archive(path) as arc:
        for f in arc.findings:
            (st.error if f.level == "error" else st.warning)(redact(f.message))
        files = [m for m in arc.members if not m.is_dir]
        if not files:
            st.info("压缩包中没有可查看的文件。")
            return
        shown = [redact(m.path) for m in files]
        st.caption(f"压缩包内共 {len(files)} 个文件")
        st.dataframe([{"文件": s, "大小": fmt_size(m.size)} for s, m in zip(shown, files)],
                     hide_index=True, width="stretch", height=min(400, 38 + 35 * len(files)))
        choice = st.selectbox("打开压缩包中的文件", range(len(files)), index=None, format_func=shown.__getitem__,
                              placeholder="选择一个文件…", key=f"{key}_member")
        if choice is None:
            return
        member = files[choice]
        if member.unsafe or member.encrypted or member.is_link:
            st.error("该文件无法安全打开（加密、链接或路径不安全）。")
            return
        cached = _spool_member(path, arc, member)
    show_file(cached, None, shown[choice], key=f"{key}_m", redact=redact)


def _spool_member(archive_path: Path, arc, member) -> Path:
    stat = archive_path.stat()
    digest = hashlib.sha256(f"{archive_path}\x1f{stat.st_mtime_ns}\x1f{member.path}".encode()).hexdigest()[:32]
    cache = data_dir() / "store" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / digest
    if target.is_file():
        return target
    with arc.open(member) as src:
        copy_capped(src, target)
    return target


def copy_capped(src, target: Path, limit: int = MAX_MEMBER) -> None:
    """Copy an archive member to the cache in 1 MiB chunks; a member growing past `limit` is refused
    (its declared size may lie), and a half-written copy never takes the target's name."""
    tmp = target.with_suffix(".part")
    with open(tmp, "wb") as dst:
        copied = 0
        while chunk := src.read(1 << 20):
            copied += len(chunk)
            if copied > limit:
                raise OSError(27, "压缩包中的文件过大")
            dst.write(chunk)
    tmp.replace(target)


def _download(path: Path, label: str, size: int, key: str) -> None:
    name = label.rsplit("/", 1)[-1] or "file"
    url = media_route.file_url(path, "application/octet-stream", download_name=name) \
        if media_route.is_mounted() else None
    if url:
        st.markdown(f"[下载“{name}”（{fmt_size(size)}）]({url})")
    elif size <= MAX_INLINE:
        st.download_button(f"下载“{name}”", data=path.read_bytes(), file_name=name, key=f"{key}_dl")
