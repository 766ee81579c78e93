"""Show one file inside the page: video, PDF, Word, image, archive listing, text.

Big files never pass through Streamlit's in-memory media storage: videos and PDFs are fetched by
the browser from the Range route (ui/review/media_route.py), through links bound to this browser
and this user's right to see the file (`link`). Word, archive listings and members are parsed in a
limited child process (scoring.previews): a bomb or a hanging parser ends as
"文件过大或结构异常，无法预览". `label` is the blind name the reviewer sees; nothing here prints the
stored path.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path

import streamlit as st

from accounts import data_dir
from ui.common import describe, fmt_size
from ui.review import media_route
from ui.review.media_route import LinkFor

log = logging.getLogger(__name__)

VIDEO = {"mp4", "mov", "mkv", "webm", "avi", "flv", "wmv", "mpegts", "mpeg", "3gp"}
BROWSER_VIDEO = {"mp4": "video/mp4", "mov": "video/mp4", "webm": "video/webm", "mkv": "video/webm"}
IMAGE = {"png", "jpeg", "gif", "bmp", "webp"}
AUDIO = {"mp3": "audio/mpeg", "wav": "audio/wav", "aac": "audio/aac", "m4a": "audio/mp4"}
LEGACY_TEXT = {"doc", "wps", "rtf", "word_html", "word_xml", "text"}
ARCHIVE = {"zip", "rar"}
MAX_INLINE = 30 * 1024 * 1024        # images / Word converted in the page
MAX_TEXT_SHOWN = 200_000


def _same(text: str) -> str:
    return text


def show_file(path: Path, kind: str | None, label: str, *, key: str, link: LinkFor, redact=_same) -> None:
    """Render `path` by its content kind; every failure becomes a Chinese message. `redact` masks
    author and school names in names the file itself carries (archive member names)."""
    try:
        if not path.is_file():
            st.error(f"文件“{label}”在服务器上找不到，请联系管理员。")
            return
        kind = kind or _sniff(path)
        size = path.stat().st_size
        if kind in VIDEO:
            _video(path, kind, link)
        elif kind == "pdf":
            _iframe(path, "application/pdf", link)
        elif kind == "docx":
            _docx(path, size)
        elif kind in IMAGE and size <= MAX_INLINE:
            st.image(str(path))
        elif kind in AUDIO:
            url = _url(path, AUDIO[kind], link)
            st.audio(media_route.absolute_url(url)) if url else st.info("请下载后收听。")
        elif kind in ARCHIVE:
            _archive(path, label, key=key, link=link, redact=redact)
        elif kind in LEGACY_TEXT:
            _legacy_text(path, kind, redact)
        else:
            st.info(f"此类文件（{kind or '未知'}）无法在网页中预览，可下载后查看。")
        _download(path, label, size, key, link)
    except Exception as exc:
        log.warning("showing a file failed: %s", getattr(exc, "detail", exc))
        st.error(describe(exc, f"打开“{label}”"))


def show_text(text: str, label: str, note: str) -> None:
    """A file shown only as (masked) text: its own bytes could not be blinded."""
    st.caption(note)
    st.text_area(f"“{label}”的文字", text[:MAX_TEXT_SHOWN], height=480, disabled=True)


def _sniff(path: Path) -> str:
    from checks.sniff import sniff_path
    return sniff_path(path)


def _url(path: Path, mime: str, link: LinkFor, download_name: str | None = None) -> str | None:
    if not media_route.is_mounted():
        return None
    return media_route.file_url(link, path, mime, download_name)


def _video(path: Path, kind: str, link: LinkFor) -> None:
    url = _url(path, BROWSER_VIDEO.get(kind, "video/mp4"), link)
    if url is None:
        st.warning("当前运行方式不支持流式播放视频，请使用 streamlit run app.py 启动，并允许浏览器保存 Cookie。")
        return
    if kind not in BROWSER_VIDEO:
        st.caption("此视频格式浏览器可能无法播放，如无画面请下载后用播放器观看。")
    st.video(media_route.absolute_url(url))


def _iframe(path: Path, mime: str, link: LinkFor) -> None:
    url = _url(path, mime, link)
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
    from scoring.previews import docx_html
    return docx_html(path)


def _legacy_text(path: Path, kind: str, redact) -> None:
    if kind == "text":
        with open(path, "rb") as f:
            raw = f.read(MAX_TEXT_SHOWN)
        text = next((raw.decode(enc) for enc in ("utf-8", "gb18030") if _decodes(raw, enc)), "")
    else:
        from checks.documents.text import extract_text
        with open(path, "rb") as f:
            text = extract_text(f, kind)
    if text.strip():
        st.text_area("文档文字（仅显示文字）", redact(text[:MAX_TEXT_SHOWN]), height=480, disabled=True)
    else:
        st.info("未能读取该文档的文字，请下载后查看。")


def _decodes(raw: bytes, enc: str) -> bool:
    try:
        raw.decode(enc)
        return True
    except UnicodeDecodeError:
        return False


def _archive(path: Path, label: str, *, key: str, link: LinkFor, redact=_same) -> None:
    from scoring.previews import archive_listing
    listing = archive_listing(path)
    for f in listing["findings"]:
        (st.error if f["level"] == "error" else st.warning)(redact(f["message"]))
    files = listing["members"]
    if not files:
        st.info("压缩包中没有可查看的文件。")
        return
    shown = [redact(m["path"]) for m in files]
    more = f"（只列出前 {len(files)} 个）" if listing.get("more") else ""
    st.caption(f"压缩包内共 {len(files) + listing.get('more', 0)} 个文件{more}")
    st.dataframe([{"文件": s, "大小": fmt_size(m["size"])} for s, m in zip(shown, files)],
                 hide_index=True, width="stretch", height=min(400, 38 + 35 * len(files)))
    choice = st.selectbox("打开压缩包中的文件", range(len(files)), index=None, format_func=shown.__getitem__,
                          placeholder="选择一个文件…", key=f"{key}_member")
    if choice is None:
        return
    member = files[choice]
    if member["unsafe"] or member["encrypted"] or member["is_link"]:
        st.error("该文件无法安全打开（加密、链接或路径不安全）。")
        return
    cached = _spool_member(path, member["path"])
    show_file(cached, None, shown[choice], key=f"{key}_m", link=link, redact=redact)


def _spool_member(archive_path: Path, member: str) -> Path:
    from scoring.previews import archive_member
    stat = archive_path.stat()
    digest = hashlib.sha256(f"{archive_path}\x1f{stat.st_mtime_ns}\x1f{member}".encode()).hexdigest()[:32]
    cache = data_dir() / "store" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / digest
    if not target.is_file():
        archive_member(archive_path, member, target)
    return target


def _download(path: Path, label: str, size: int, key: str, link: LinkFor) -> None:
    name = label.rsplit("/", 1)[-1] or "file"
    url = _url(path, "application/octet-stream", link, download_name=name)
    if url:
        st.markdown(f"[下载“{name}”（{fmt_size(size)}）]({url})")
    elif size <= MAX_INLINE:
        st.download_button(f"下载“{name}”", data=path.read_bytes(), file_name=name, key=f"{key}_dl")
