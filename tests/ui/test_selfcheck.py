"""AppTest of the self-check page: checklist per project, form helper, and the report view
driven with a real Report from check_paths on files made here (AppTest cannot upload)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui.uploads import safe_parts, spool
from tests.conftest import REPO

PAGE = str(REPO / "pages" / "self_check.py")


def _page() -> AppTest:
    return AppTest.from_file(PAGE, default_timeout=30).run()


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [m.value for m in at.caption]
    parts += [e.value for e in at.error] + [e.value for e in at.success] + [e.value for e in at.info]
    return "\n".join(parts)


def test_choosing_a_project_shows_its_checklist():
    at = _page()
    assert not at.exception
    assert "根据上传内容自动识别" in at.selectbox(key="sc_project").format_func("auto")
    at.selectbox(key="sc_project").set_value("vocational_practice").run()
    text = _text(at)
    assert "职业教育实践性教学案例" in text
    for item in ("案例介绍", "教案", "教学活动录像", "教学实施报告", "资源包"):
        assert f"**{item}**" in text
    assert "MP4（H.264、25帧/秒、15–20分钟）" in text
    assert not at.radio                     # no sub-types for this project


def test_training_case_offers_its_three_subtypes():
    at = _page()
    at.selectbox(key="sc_project").set_value("training_case").run()
    radio = at.radio(key="sc_subtype")
    assert radio.options == [
        "区域研修应用案例", "校本研修应用案例", "线上名师名校长工作室建设与应用案例"]
    assert "**案例信息表（附件4）**" in _text(at)


def test_form_helper_flags_book_marks_and_a_301_char_field():
    at = _page()
    at.text_input(key="sc_title").input("《探秘二十四节气》").run()
    errors = [e.value for e in at.error]
    assert any("书名号" in e and "探秘二十四节气" in e for e in errors)
    at.selectbox(key="sc_project").set_value("afterschool").run()
    at.text_area(key="sc_field_afterschool_0").input("字" * 301).run()
    at.text_area(key="sc_field_afterschool_1").input("字" * 300).run()
    captions = [c.value for c in at.caption]
    assert ":red[:material/cancel:] 作品特点：301 / 300 字" in captions
    assert ":green[:material/check_circle:] 安装运行说明：300 / 300 字" in captions
    assert any("301 字" in e and "作品特点" in e for e in (e.value for e in at.error))


def test_title_without_book_marks_passes():
    at = _page()
    at.text_input(key="sc_title").input("探秘二十四节气").run()
    assert not at.error
    assert any("未使用书名号" in s.value for s in at.success)


@pytest.mark.parametrize("name,parts", [
    ("../../etc/passwd", ["etc", "passwd"]),
    ("/abs/x.mp4", ["abs", "x.mp4"]),
    ("C:\\Users\\t\\a.docx", ["Users", "t", "a.docx"]),
    ("小学/融合创新应用教学案例/./作品/录像.mp4", ["小学", "融合创新应用教学案例", "作品", "录像.mp4"]),
    ("..", ["未命名文件"]),
    ("a\x00b/c\n.txt", ["ab", "c.txt"]),
])
def test_upload_names_are_sanitised(name, parts):
    assert safe_parts(name) == parts


def test_spool_keeps_tree_and_never_escapes(tmp_path):
    import io

    class Up(io.BytesIO):
        def __init__(self, name, data):
            super().__init__(data)
            self.name = name

    root = tmp_path / "spool"
    root.mkdir()
    tops = spool([Up("小学A校张三/教师研修案例/作品/说明.docx", b"x" * 10),
                  Up("../../evil.txt", b"e"), Up("evil.txt", b"f")], root)
    assert [p.name for p in tops] == ["evil.txt", "evil（2）.txt", "小学A校张三"]
    assert (root / "小学A校张三/教师研修案例/作品/说明.docx").read_bytes() == b"x" * 10
    assert not (tmp_path / "evil.txt").exists()


def _checked(at: AppTest, report, root) -> AppTest:
    at.session_state["sc_result"] = {"report": report, "root": str(root), "names": ["x"]}
    return at.run()


def test_report_of_a_30fps_video_shows_fail_fps_rule_and_ffmpeg_fix(tmp_path):
    from checks import check_paths
    from samplegen.media import make_video
    video = make_video(tmp_path / "教学活动录像.mp4", seconds=1, fps=30)
    report = check_paths([video], project="vocational_practice")
    assert report.verdict == "fail"
    at = _checked(_page(), report, tmp_path)
    assert not at.exception
    headline = at.error[0].value
    assert headline.startswith("**不通过：") and f"{report.counts()['error']} 项不符合要求" in headline
    fps = next(f for f in report.findings if f.rule == "video.fps")
    texts = [m.value for m in at.markdown]
    assert any(fps.message in t for t in texts)
    assert any("25" in t and "要求" in t for t in texts)
    codes = [c.value for c in at.code]
    assert any(c.startswith("ffmpeg") and "-r 25" in c for c in codes)
    assert "教学活动录像.mp4" in at.table[0].value.index     # the video facts table, path shown relative
    assert at.table[0].value.loc["教学活动录像.mp4", "帧率"].startswith("30 帧/秒")
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["下载完整报告（HTML）", "下载检查结果（Excel）"]


def test_report_of_a_good_package_passes_with_every_item_ticked(tmp_path):
    from checks import check_paths
    from samplegen.packages import make_package
    level1 = make_package(tmp_path / "pkg", "training_case", cache_dir=tmp_path / "cache")
    report = check_paths([level1])
    assert report.project == "training_case" and report.verdict == "pass"
    at = _checked(_page(), report, tmp_path / "pkg")
    assert not at.exception and not at.error
    assert at.success[0].value.startswith("**通过")
    checklist = next(m.value for m in at.markdown if "案例信息表（附件4）" in m.value)
    assert checklist.count("- :green[:material/check_circle:]") == len(report.items) == 4
    # Each ticked item says how its file was recognised.
    assert "案例信息表.pdf · :gray[按" in checklist and "识别为：案例信息表（附件4）" in checklist
    assert any("学校：XX市第一实验小学" in c.value and "作者：张三" in c.value for c in at.caption)


def test_report_html_is_standalone_and_names_the_fix(tmp_path):
    from checks import check_paths
    from checks.report.html import render_html, render_xlsx
    from samplegen.media import make_video
    video = make_video(tmp_path / "录像.mp4", seconds=1, fps=30)
    report = check_paths([video], project="vocational_practice")
    page = render_html(report)
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "不通过" in page
    assert "-r 25" in page and "video.fps" in page
    import io

    from openpyxl import load_workbook
    wb = load_workbook(io.BytesIO(render_xlsx(report)))
    rules = [r[2] for r in wb["检查结果"].iter_rows(min_row=5, values_only=True)]
    assert "video.fps" in rules and wb["视频参数"].max_row == 2


def _run_check_script(src: str, name: str, project):
    """Runs ui.selfcheck.upload.run_check on an in-memory upload, as the page does after a drop."""
    import io
    from pathlib import Path

    import streamlit as st

    from ui.selfcheck.upload import RESULT_KEY, run_check

    class Upload(io.BytesIO):
        pass

    if RESULT_KEY not in st.session_state:
        up = Upload(Path(src).read_bytes())
        up.name, up.size = name, len(up.getvalue())
        run_check([up], project, None)


def test_run_check_spools_checks_and_deletes_the_temp_tree(tmp_path, monkeypatch):
    from samplegen.media import make_video
    monkeypatch.setenv("RATING_DATA_DIR", str(tmp_path / "data"))
    video = make_video(tmp_path / "v.mp4", seconds=1, fps=30)
    at = AppTest.from_function(_run_check_script, args=(str(video), "资源/../教学活动录像.mp4",
                                                        "vocational_practice"), default_timeout=60).run()
    assert not at.exception
    result = at.session_state["sc_result"]
    report = result["report"]
    assert [f.path for f in report.files] == ["资源/教学活动录像.mp4"]
    assert "video.fps" in {f.rule for f in report.findings}
    assert result["names"] == ["资源"] and not Path(result["root"]).exists()
    spool_base = tmp_path / "data" / "uploads" / "selfcheck"
    assert Path(result["root"]).parent == spool_base and list(spool_base.iterdir()) == []


def test_engine_failure_becomes_a_chinese_message_not_a_traceback(tmp_path, monkeypatch):
    monkeypatch.setenv("RATING_DATA_DIR", str(tmp_path / "data"))
    src = tmp_path / "a.docx"
    src.write_bytes(b"x")
    at = AppTest.from_function(_run_check_script, args=(str(src), "a.docx", "no_such_project"),
                               default_timeout=60).run()
    assert not at.exception
    result = at.session_state["sc_result"]
    assert "report" not in result and result["error"].startswith("检查过程中出现意外错误")
    page = _page()
    page.session_state["sc_result"] = result
    page.run()
    assert not page.exception and page.error[0].value == result["error"]


def _streamed_check_script(src: str, relpath: str, project):
    """The streamed path as the page runs it: mint a token, the route has written a file into its
    folder (copied here), then 开始检查 checks the folder and deletes it."""
    import shutil
    from pathlib import Path

    import streamlit as st

    from ui.selfcheck import upload_route
    from ui.selfcheck.upload import RESULT_KEY, check_streamed, upload_token

    if RESULT_KEY not in st.session_state:
        token = upload_token()
        st.session_state["token_used"] = token
        assert check_streamed(token, project, None) is False        # nothing uploaded yet: a warning
        dest = upload_route.files_root(token, create=True) / relpath
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        check_streamed(token, project, None)


def test_streamed_check_reads_the_token_folder_then_deletes_it(tmp_path, monkeypatch):
    from samplegen.packages import make_package
    from ui.selfcheck import upload_route
    monkeypatch.setenv("RATING_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("RATING_UPLOAD_ROUTE", "1")           # as if app.py mounted the route
    level1 = make_package(tmp_path / "pkg", "vocational_practice", cache_dir=tmp_path / "cache")
    video = next(p for p in level1.rglob("*.mp4"))
    at = AppTest.from_function(_streamed_check_script, args=(str(video), "教学活动录像.mp4", "vocational_practice"),
                               default_timeout=60).run()
    assert not at.exception
    assert at.warning[0].value.startswith("还没有上传完成的文件")
    result = at.session_state["sc_result"]
    assert result["names"] == ["教学活动录像.mp4"]
    report = result["report"]
    assert [f.path for f in report.files] == ["教学活动录像.mp4"] and report.project == "vocational_practice"
    assert "video.fps" not in {f.rule for f in report.findings}        # the package's video is 25 fps
    assert not upload_route.is_live(at.session_state["token_used"])
    assert [p.name for p in (tmp_path / "data" / "uploads" / "selfcheck").iterdir()] == ["used"]   # its tombstone
    assert "sc_token" not in at.session_state


def _lines(c: dict) -> list[str]:
    """The checklist as the uploader frame draws it, one line per item."""
    return [("✅ " if it["done"] else "⬜ ") + it["name"] + ("（可选）" if it["optional"] else "") + "：" + it["files"]
            for it in c["items"]]


def test_upload_checklist_ticks_what_has_arrived_and_leaves_the_video_open(tmp_path):
    from samplegen.packages import make_package
    from ui.selfcheck.preview import checklist, list_uploads
    make_package(tmp_path / "up", "fusion_case", flaws={"no_video"}, cache_dir=tmp_path / "cache")
    c = checklist(list_uploads(tmp_path / "up"), None)
    assert c["head"].startswith("已收到 4 个文件，共 ")
    assert c["caption"].startswith("项目类型：融合创新应用教学案例（按二级文件夹“融合创新应用教学案例”识别）")
    lines = _lines(c)
    assert "✅ 汇总表：汇总表.xlsx" in lines and "✅ 相关材料：相关材料.zip" in lines
    assert "⬜ 教学活动录像：尚未收到" in lines
    assert sum(line.startswith("✅") for line in lines) == 4 and sum(line.startswith("⬜") for line in lines) == 1
    assert "点击“开始检查”后会逐个读取文件内容" in c["note"]           # said to be a preview


def test_upload_checklist_before_any_file_and_for_a_rar(tmp_path):
    from ui.selfcheck.preview import checklist, list_uploads
    empty = tmp_path / "files"
    empty.mkdir()
    assert checklist(list_uploads(empty), "fusion_case") == {"empty": "文件上传完成后，这里会按文件名逐项勾选报送内容清单。"}
    (empty / "小学A校张三.rar").write_bytes(b"Rar!\x1a\x07\x01\x00")
    c = checklist(list_uploads(empty), None)
    assert "已收到压缩包“小学A校张三.rar”" in c["info"] and c["items"] == []


def test_upload_checklist_keeps_hostile_names_as_plain_text(tmp_path):
    (tmp_path / "<img src=x onerror=alert(1)>教学活动录像*x*.mp4").write_bytes(b"v")
    from ui.selfcheck.preview import checklist, list_uploads
    c = checklist(list_uploads(tmp_path), "vocational_practice")
    assert "✅ 教学活动录像：<img src=x onerror=alert(1)>教学活动录像*x*.mp4" in _lines(c)   # the frame sets it as text
