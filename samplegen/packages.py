"""Whole sample submissions, good or with chosen flaws, made of real files.

Used by the tests, the demo and the benches: a package folder tree exactly as the notice asks
(学段+学校+教师姓名 / 项目 / 作品名称 / files), or for 职业教育专项 the loose files a teacher uploads.
Videos are cached per (kind) in a cache folder because encoding is the only slow part.
"""
from __future__ import annotations

import os
import random
import shutil
import zipfile
from pathlib import Path

from openpyxl import Workbook

from checks.rules import load_rules
from samplegen.docs import make_docx, make_docx_words, make_legacy_doc_bytes, make_scan_pdf
from samplegen.media import make_long_video, make_video

# Flaws a package can be made with (names used by tests and the demo).
FLAWS = {
    "video_30fps", "no_video", "no_form", "legacy_doc", "missing_section", "long_report",
    "bad_level1", "wrong_level2", "book_marks", "zip_resources", "form_not_scan", "zip_package",
}

_SECTIONS = {
    "training_case": ["基本情况", "过程与举措", "经验与成效", "特色与创新"],
    "vocational_practice": ["授课信息", "内容分析", "学情分析", "教学目标", "教学策略", "教学活动安排", "课后反思"],
    "vocational_intro": ["案例名称", "专业名称", "课程名称", "课程类型", "选用教材", "创新点"],
}
# Sentences that sample documents draw from, so that two generated works never read alike (the
# admin side flags near-identical documents as 一稿多投).
_POOL = [
    "课前教师通过平台推送微课，学生自主预习并提交问题清单。", "课中采用小组合作探究，借助平板实时反馈学习数据。",
    "课后利用智能作业系统分层布置练习，教师依据学情调整下一课时。", "学校组建跨学科教研组，每两周开展一次线上集体备课。",
    "教师利用虚拟实验弥补实验室条件不足，学生反复操作直至掌握要领。", "家校协同平台让家长及时了解孩子的学习进展。",
    "通过前测与后测对比，班级平均成绩提高了十二分。", "学生作品在区级展示活动中获得好评，并在兄弟学校推广。",
    "教师撰写的教学反思被收录进区域优秀案例集。", "研修共同体成员共享资源四百余条，覆盖全部年级。",
    "数字画像帮助教师发现学困生并开展个别辅导。", "项目式学习任务贯穿整个单元，学生完成调查报告与展示。",
    "课堂实录经剪辑后上传平台，供区域内教师观摩研讨。", "教研员定期进校指导，帮助教师改进信息化教学设计。",
    "学生利用思维导图梳理知识结构，学习效率明显提升。", "跨校同步课堂让薄弱学校学生共享优质课程资源。",
]


def sample_text(title: str, section: str, sentences: int = 4) -> str:
    rng = random.Random(f"{title}/{section}")
    return f"{section}：围绕“{title}”，" + "".join(rng.sample(_POOL, sentences))


def sample_video(cache_dir: str | Path, kind: str = "short") -> Path:
    """A cached real video. kind: 'short' (2 s, conforming except duration), 'long' (16 min,
    fully conforming for 职业教育实践性教学案例), 'fps30' (2 s at 30 frames/s)."""
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"sample-{kind}.mp4"
    if path.exists() and path.stat().st_size > 0:
        return path
    tmp = path.with_suffix(".part.mp4")
    if kind == "long":
        make_long_video(tmp, minutes=16)
    elif kind == "long30":
        make_long_video(tmp, minutes=16, fps=30)
    elif kind == "fps30":
        make_video(tmp, seconds=2, fps=30)
    else:
        make_video(tmp, seconds=2)
    os.replace(tmp, path)
    return path


def _place_video(src: Path, dst: Path, tag: str | None) -> None:
    """Copy a cached video and append an MP4 'free' box naming the work: still a valid file, but
    its hash is its own (identical files across works would read as 一稿多投). Without a tag the
    file is hard-linked: the 16-minute videos are too big to copy for every test."""
    if tag is None:
        try:
            os.link(src, dst)
            return
        except OSError:
            pass
    shutil.copyfile(src, dst)
    if tag is None:
        return
    payload = tag.encode("utf-8")
    with open(dst, "ab") as f:
        f.write((8 + len(payload)).to_bytes(4, "big") + b"free" + payload)


def _xlsx(path: Path, title: str, teacher: str, school: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "作品名称", "作者", "单位"])
    ws.append([1, title, teacher, school])
    wb.save(path)


def _zip(path: Path, files: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files.items():
            z.writestr(name, data)


def make_package(root: str | Path, project: str, stage: str = "小学", school: str = "XX市第一实验小学",
                 teacher: str = "张三", title: str = "智慧课堂中的分数初步认识", flaws: set[str] | None = None,
                 cache_dir: str | Path | None = None) -> Path:
    """Write a submission under `root` and return what a teacher would hand in: the level-1 folder
    (普通类、基础教育专项) or the folder of loose files (职业教育专项)."""
    flaws = set(flaws or ())
    unknown = flaws - FLAWS
    if unknown:
        raise ValueError(f"unknown flaws: {sorted(unknown)}")
    rules = load_rules()
    proj = rules["projects"][project]
    root = Path(root)
    cache = Path(cache_dir) if cache_dir else root / ".video-cache"
    if proj["submission"] == "upload":
        return _make_upload_set(root, project, title, teacher, flaws, cache)

    level1 = ("大学" if "bad_level1" in flaws else stage) + school + teacher
    level2 = "参赛作品" if "wrong_level2" in flaws else proj["folder"]
    level3 = f"《{title}》" if "book_marks" in flaws else title
    work = root / level1 / level2 / level3
    work.mkdir(parents=True, exist_ok=True)
    _xlsx(work / "汇总表.xlsx", title, teacher, school)
    form_name = "作品登记表.pdf" if project != "training_case" else "案例信息表.pdf"
    if "no_form" not in flaws:
        if "form_not_scan" in flaws:
            from samplegen.docs import make_text_pdf
            make_text_pdf(work / form_name, ["Registration form", title])
        else:
            make_scan_pdf(work / form_name, seed=title + teacher)
    intro_name = {"afterschool": "相关说明文档"}.get(project, "案例介绍")
    sections = _SECTIONS.get(project, ["教学环境设施与课程建设", "教学应用情况", "教学效果", "推广情况"])
    if "missing_section" in flaws:
        sections = sections[:-1]
    if "legacy_doc" in flaws:
        (work / f"{intro_name}.doc").write_bytes(make_legacy_doc_bytes([title, *sections]))
    else:
        make_docx(work / f"{intro_name}.docx", title=title, sections=[(s, sample_text(title, s)) for s in sections])
    if project != "training_case" and "no_video" not in flaws:
        name = "作品演示视频.mp4" if project == "afterschool" else "教学活动录像.mp4"
        _place_video(sample_video(cache, "fps30" if "video_30fps" in flaws else "short"), work / name, title)
    materials = "相关支撑材料.zip" if project == "training_case" else "相关材料.zip"
    _zip(work / materials, {"教学设计方案.txt": sample_text(title, "教学设计方案", 6).encode("utf-8"),
                            "课程资源/说明.txt": f"{title} 课程资源".encode("utf-8")})
    if project == "afterschool":
        (work / "作品-课件.pptx").write_bytes(_minimal_pptx(title))
    if "zip_package" in flaws:
        archive = root / f"{level1}.zip"
        shutil.make_archive(str(archive.with_suffix("")), "zip", root_dir=root, base_dir=level1)
        return archive
    return root / level1


def _make_upload_set(root: Path, project: str, title: str, teacher: str, flaws: set[str], cache: Path) -> Path:
    folder = root / f"{teacher}-{title}"
    folder.mkdir(parents=True, exist_ok=True)
    if project == "vocational_practice":
        make_docx(folder / "案例介绍.docx", title=title,
                  sections=[(s, sample_text(title, s)) for s in _SECTIONS["vocational_intro"]])
        plan = _SECTIONS["vocational_practice"][:-1] if "missing_section" in flaws else _SECTIONS["vocational_practice"]
        make_docx(folder / "教案.docx", title=title, sections=[(s, sample_text(title, s)) for s in plan])
        if "no_video" not in flaws:
            _place_video(sample_video(cache, "long30" if "video_30fps" in flaws else "long"), folder / "教学活动录像.mp4", None)
        make_docx_words(folder / "教学实施报告.docx", 3142 if "long_report" in flaws else 2800)
        make_docx(folder / "资源-课后作业.docx", title="课后作业", sections=[("作业一", sample_text(title, "作业一"))])
        (folder / "资源-课件.pptx").write_bytes(_minimal_pptx(title))
    else:
        make_docx(folder / "教材介绍.docx", title=title, sections=[(s, sample_text(title, s)) for s in ("基本信息", "应用效果")])
        make_docx(folder / "整本教材目录.docx", title="目录", sections=[("第一章", "第一节")])
        make_scan_pdf(folder / "数字教材样章.pdf", seed=title)
        _place_video(sample_video(cache, "short"), folder / "配套资源-教学视频.mp4", title)
    if "zip_resources" in flaws:
        _zip(folder / "资源包.zip", {"作业.txt": b"homework"})
    return folder


def _minimal_pptx(title: str = "") -> bytes:
    """A tiny but real OOXML presentation package (content types + presentation part)."""
    import io
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.presentationml.presentation.main+xml"/></Types>')
        z.writestr("docProps/title.txt", title)
        z.writestr("ppt/presentation.xml", '<?xml version="1.0"?><p:presentation xmlns:p="http://schemas.'
                   'openxmlformats.org/presentationml/2006/main"/>')
    return buf.getvalue()

