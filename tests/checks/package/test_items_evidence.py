"""How recognition weighs each piece of evidence, asserted on `recognise` itself: which item each
file becomes, the full Chinese "why" a teacher reads beside it, the format-mismatch set and the
likely candidate named for a missing item. Content facts come from real generated documents read
by the same readers the engine uses; durations and sizes are the numbers the media reader reports.
The end-to-end packages are in test_items.py; these are the fast, exact cases at each boundary."""
from __future__ import annotations

from pathlib import Path

import pytest

from checks.documents.docx import from_stream as docx_facts
from checks.documents.pdf import from_stream as pdf_facts
from checks.engine import _section_ratio
from checks.package.items import FileFacts, classify, recognise
from checks.rules import load_rules
from samplegen.docs import make_docx, make_scan_pdf, make_text_pdf
from samplegen.packages import _SECTIONS, sample_text

RULES = load_rules()
VOC = RULES["projects"]["vocational_practice"]["items"]
FUSION = RULES["projects"]["fusion_case"]["items"]
VIDEO = next(i for i in VOC if i["key"] == "lesson_video")["video"]
TOLERANCE = RULES["video_spec"]["duration_tolerance_s"]


def facts_of(path: Path) -> dict:
    reader = docx_facts if path.suffix == ".docx" else pdf_facts
    with open(path, "rb") as f:
        return reader(f)


def plan_docx(path: Path, n_sections: int) -> Path:
    """A 教案 with a neutral title and the first n of its seven required sections."""
    return make_docx(path, title="数控车削",
                     sections=[(s, sample_text("车削", s)) for s in _SECTIONS["vocational_practice"][:n_sections]])


def run(files, items, section_ratio=None):
    r = recognise(files, items, RULES, section_ratio)
    return r.item_of, r.why, r.wrong_format, r.near


# --- names ------------------------------------------------------------------------------------------

def test_each_vocational_item_known_by_its_name_with_the_reason_written_out():
    item_of, why, wrong, near = run([
        FileFacts("教案.docx", "docx", 10), FileFacts("案例介绍（终稿）.pdf", "pdf", 10),
        FileFacts("实施报告.docx", "docx", 10), FileFacts("课堂实录.mp4", "mp4", 10),
        FileFacts("资源-作业.docx", "docx", 10), FileFacts("资源包/教案.docx", "docx", 10)], VOC)
    assert item_of == {"教案.docx": "lesson_plan", "案例介绍（终稿）.pdf": "case_intro", "实施报告.docx": "report",
                       "课堂实录.mp4": "lesson_video", "资源-作业.docx": "resources", "资源包/教案.docx": "resources"}
    assert why == {
        "教案.docx": "按名称识别为：教案（文件名含“教案”）",
        "案例介绍（终稿）.pdf": "按名称识别为：案例介绍（文件名含“案例介绍”）",
        "实施报告.docx": "按名称识别为：教学实施报告（文件名含“实施报告”）",
        "课堂实录.mp4": "按名称识别为：教学活动录像（文件名含“课堂实录”；项目中只有这一项接受此类文件）",
        "资源-作业.docx": "按名称识别为：资源包（文件名含“资源”；文件名以“资源”开头）",
        "资源包/教案.docx": "按所在文件夹识别为：资源包（位于“资源包”文件夹）"}
    assert (wrong, near) == (set(), {})


def test_a_folder_named_for_the_item_is_evidence_enough():
    item_of, why, _, _ = run([FileFacts("教学设计/第一课.docx", "docx", 10)], VOC)
    assert item_of == {"教学设计/第一课.docx": "lesson_plan"}
    assert why == {"教学设计/第一课.docx": "按所在文件夹识别为：教案（位于“教学设计”文件夹）"}


def test_a_folder_that_names_nothing_neither_helps_nor_hurts():
    item_of, why, _, _ = run([FileFacts("第3周/教案.docx", "docx", 10)], VOC)
    assert item_of == {"第3周/教案.docx": "lesson_plan"}
    assert why == {"第3周/教案.docx": "按名称识别为：教案（文件名含“教案”）"}


def test_a_resource_prefix_or_folder_keeps_a_plan_named_file_out_of_the_plan():
    """资源-教案.docx is supplementary material: the 教案 is missing and the report says why not this one."""
    item_of, why, _, near = run([FileFacts("资源-教案.docx", "docx", 10)], VOC)
    assert item_of == {"资源-教案.docx": "resources"}
    assert why == {"资源-教案.docx": "按名称识别为：资源包（文件名含“资源”；文件名以“资源”开头）"}
    assert near["lesson_plan"] == ("资源-教案.docx", "文件名以“资源”开头，属于资源材料；没有找到其必备部分")
    item_of, _, _, near = run([FileFacts("拓展材料/教案.docx", "docx", 10)], VOC)
    assert item_of == {"拓展材料/教案.docx": "resources"}
    assert near["lesson_plan"] == ("拓展材料/教案.docx", "位于“拓展材料”文件夹，属于资源材料；没有找到其必备部分")


def test_the_head_noun_decides_between_two_named_items():
    """教学活动录像介绍.docx names the recording, but its head noun is 介绍: it is the 案例介绍."""
    item_of, why, _, _ = run([FileFacts("教学活动录像介绍.docx", "docx", 10)], VOC)
    assert item_of == {"教学活动录像介绍.docx": "case_intro"}
    assert why == {"教学活动录像介绍.docx": "按名称识别为：案例介绍（文件名含“介绍”）"}



def test_a_name_ending_in_the_keyword_before_version_marks_beats_a_bigger_file_naming_it_in_passing():
    """教案（最终版3） still ends in 教案 once the version mark is dropped; 教案备注 is a 备注."""
    item_of, _, _, _ = run([FileFacts("教案（最终版3）.docx", "docx", 10), FileFacts("教案备注.docx", "docx", 99)], VOC)
    assert item_of == {"教案（最终版3）.docx": "lesson_plan", "教案备注.docx": "resources"}


def test_a_name_that_says_it_is_another_document_is_held_up_but_not_taken():
    item_of, why, _, near = run([FileFacts("获奖证书.pdf", "pdf", 10)], FUSION)
    assert item_of == {"获奖证书.pdf": None} and why == {}
    assert near == {"summary_sheet": ("获奖证书.pdf", "名称表明是“证书”；名称不符"),
                    "registration_form": ("获奖证书.pdf", "名称表明是“证书”；不是签字扫描件；名称不符")}


def test_a_certificate_among_vocational_files_is_simply_a_resource():
    """Only a required item is warned off by 证书 in the name; the rest takes it as it is."""
    item_of, why, _, _ = run([FileFacts("获奖证书.pdf", "pdf", 10)], VOC)
    assert item_of == {"获奖证书.pdf": "resources"}
    assert why == {"获奖证书.pdf": "归入：资源包（其余文件）"}


def test_a_section_number_with_a_dot_is_part_of_the_name_not_the_extension():
    item_of, why, _, _ = run([FileFacts("3.2教案.docx", "docx", 10)], VOC)
    assert item_of == {"3.2教案.docx": "lesson_plan"}
    assert why == {"3.2教案.docx": "按名称识别为：教案（文件名含“教案”）"}


def test_without_a_rest_item_an_unrecognised_file_belongs_to_nothing():
    item_of, why, wrong, near = run([FileFacts("笔记.txt", "text", 10)], FUSION)
    assert (item_of, why, wrong, near) == ({"笔记.txt": None}, {}, set(), {})


def test_a_document_named_for_the_recordings_is_not_one_of_them():
    """录像脚本.docx names the 录像, but only a video can be one of the recordings."""
    item_of, _, wrong, _ = run([FileFacts("教学活动录像.mp4", "mp4", 10), FileFacts("录像脚本.docx", "docx", 10)], FUSION)
    assert item_of == {"教学活动录像.mp4": "lesson_video", "录像脚本.docx": None}
    assert wrong == set()


def test_the_upload_preview_classifies_by_name_kind_and_size_alone():
    assert classify([("教案.docx", "docx", 10), ("课堂.mp4", "mp4", 10), ("其他.docx", "docx", 10)], VOC, RULES) == {
        "教案.docx": "lesson_plan", "课堂.mp4": "lesson_video", "其他.docx": "resources"}


# --- the wrong format, named clearly ----------------------------------------------------------------

def test_a_form_as_word_and_a_summary_as_slides_are_taken_and_flagged_as_the_wrong_format():
    """汇总情况 scores exactly NAME + 0.5 (汇总, two characters, not the head noun): the least that counts."""
    item_of, why, wrong, near = run([FileFacts("登记表.docx", "docx", 10), FileFacts("汇总情况.pptx", "pptx", 10),
                                     FileFacts("第三组.mp4", "mp4", 10), FileFacts("拓展.zip", "zip", 10)], FUSION)
    assert item_of == {"登记表.docx": "registration_form", "汇总情况.pptx": "summary_sheet",
                       "第三组.mp4": "lesson_video", "拓展.zip": "materials"}
    assert wrong == {"登记表.docx", "汇总情况.pptx"}
    assert why == {
        "登记表.docx": "按名称识别为：作品登记表（附件2）（文件名含“登记表”），但文件格式不符",
        "汇总情况.pptx": "按名称识别为：汇总表（文件名含“汇总”），但文件格式不符",
        "第三组.mp4": "按文件类型识别为：教学活动录像（项目中只有这一项接受此类文件）",
        "拓展.zip": "按内容识别为：相关材料（内容是 ZIP 压缩包；项目中只有这一项接受此类文件）"}
    assert near == {"case_intro": ("登记表.docx", "名称不符")}


def test_the_why_shows_the_three_strongest_reasons_and_two_for_a_wrong_format():
    """The sentence a teacher reads stays short: three reasons, two when it only explains a mismatch."""
    _, why, _, _ = run([FileFacts("汇总/汇总表.xlsx", "xlsx", 10), FileFacts("作品登记表/登记表-张三.docx", "docx", 10)],
                       FUSION)
    assert why == {
        "汇总/汇总表.xlsx": "按内容和名称和所在文件夹识别为：汇总表（文件名含“汇总表”；内容是 Excel 表格（.xlsx）；位于“汇总”文件夹）",
        "作品登记表/登记表-张三.docx": "按名称识别为：作品登记表（附件2）（文件名含“登记表”；位于“作品登记表”文件夹），但文件格式不符"}


def test_a_recording_named_as_the_plan_is_the_plan_in_the_wrong_format():
    """教案.mp4 is the only file that names the 教案; being the only kind the recording accepts is no
    reason for it to be the 教案, so the why gives the name alone."""
    item_of, why, wrong, _ = run([FileFacts("教案.mp4", "mp4", 10), FileFacts("课堂实录.mp4", "mp4", 10)], VOC)
    assert item_of == {"教案.mp4": "lesson_plan", "课堂实录.mp4": "lesson_video"}
    assert wrong == {"教案.mp4"}
    assert why["教案.mp4"] == "按名称识别为：教案（文件名含“教案”），但文件格式不符"


def test_a_word_file_titled_as_the_form_is_not_taken_as_the_form_in_the_wrong_format(tmp_path):
    """Only the name or folder can claim a file of the wrong format; a title alone does not."""
    titled = facts_of(make_docx(tmp_path / "f.docx", title="作品登记表", sections=[("作品名称", "数控车削")]))
    item_of, _, wrong, near = run([FileFacts("张三.docx", "docx", 10, titled)], FUSION)
    assert (item_of, wrong) == ({"张三.docx": None}, set())
    assert "registration_form" not in near


def test_a_folder_named_for_the_form_claims_a_word_file_as_the_form_in_the_wrong_format():
    item_of, why, wrong, _ = run([FileFacts("作品登记表/张三.docx", "docx", 10)], FUSION)
    assert item_of == {"作品登记表/张三.docx": "registration_form"}
    assert wrong == {"作品登记表/张三.docx"}
    assert why == {"作品登记表/张三.docx": "按名称识别为：作品登记表（附件2）（位于“作品登记表”文件夹），但文件格式不符"}


def test_an_empty_form_is_still_the_form_but_not_a_format_mismatch():
    """An empty file gets file.empty; calling it the wrong format as well would say it twice."""
    item_of, why, wrong, near = run([FileFacts("作品登记表.pdf", "empty", 0), FileFacts("汇总表.xlsx", "xlsx", 10)],
                                    FUSION)
    assert item_of == {"作品登记表.pdf": "registration_form", "汇总表.xlsx": "summary_sheet"}
    assert wrong == set()
    assert why == {
        "作品登记表.pdf": "按名称识别为：作品登记表（附件2）（文件名含“作品登记表”）",
        "汇总表.xlsx": "按内容和名称识别为：汇总表（文件名含“汇总表”；内容是 Excel 表格（.xlsx）；项目中只有这一项接受此类文件）"}
    assert near == {}
    item_of, _, wrong, _ = run([FileFacts("作品登记表.docx", "unreadable", 10)], FUSION)
    assert (item_of, wrong) == ({"作品登记表.docx": "registration_form"}, set())


def test_of_two_wrongly_formatted_forms_the_better_named_is_taken():
    item_of, _, wrong, _ = run([FileFacts("登记表.docx", "docx", 99), FileFacts("作品登记表.docx", "docx", 10)], FUSION)
    assert wrong == {"作品登记表.docx"}
    assert item_of["作品登记表.docx"] == "registration_form"


# --- content -----------------------------------------------------------------------------------------

def test_a_plan_is_known_by_three_of_its_seven_sections_but_not_by_two(tmp_path):
    """3/7 of the sections (share ≥ 0.4) is evidence, 2/7 is not: that file stays with the resources."""
    three = facts_of(plan_docx(tmp_path / "b.docx", 3))
    two = facts_of(plan_docx(tmp_path / "c.docx", 2))
    item_of, why, _, _ = run([FileFacts("文档B.docx", "docx", 10, three)], VOC, _section_ratio)
    assert item_of == {"文档B.docx": "lesson_plan"}
    assert why == {"文档B.docx": "按内容识别为：教案（含授课信息、内容分析、学情分析 3/7 个必备部分）"}
    item_of, why, _, near = run([FileFacts("文档C.docx", "docx", 10, two)], VOC, _section_ratio)
    assert item_of == {"文档C.docx": "resources"}
    assert why == {"文档C.docx": "归入：资源包（其余文件）"}
    assert near == {"case_intro": ("文档C.docx", "名称不符；没有找到其必备部分"),
                    "lesson_plan": ("文档C.docx", "名称不符；没有找到其必备部分"),
                    "report": ("文档C.docx", "名称不符")}


def test_a_telling_name_outweighs_three_of_the_plans_seven_sections(tmp_path):
    """Three sections are a hint (3 × 3/7), the head noun 报告 is stronger: the file is the 报告."""
    item_of, _, _, _ = run([FileFacts("报告.docx", "docx", 10, facts_of(plan_docx(tmp_path / "b.docx", 3)))],
                           VOC, _section_ratio)
    assert item_of == {"报告.docx": "report"}


def test_the_documents_title_outweighs_a_short_word_inside_its_name(tmp_path):
    """教案附件 mentions 教案 in passing; the document's own title says it is the 实施报告."""
    titled = facts_of(make_docx(tmp_path / "r.docx", title="数控车削课程教学实施报告", sections=[("实施过程", "正文。")]))
    item_of, why, _, _ = run([FileFacts("教案附件.docx", "docx", 10, titled)], VOC)
    assert item_of == {"教案附件.docx": "report"}
    assert why == {"教案附件.docx": "按内容识别为：教学实施报告（文档标题含“实施报告”）"}


def test_more_than_three_sections_found_are_shown_as_three_and_so_on(tmp_path):
    item_of, why, _, _ = run([FileFacts("文档A.docx", "docx", 10, facts_of(plan_docx(tmp_path / "a.docx", 7)))],
                             VOC, _section_ratio)
    assert item_of == {"文档A.docx": "lesson_plan"}
    assert why == {"文档A.docx": "按内容识别为：教案（含授课信息、内容分析、学情分析等 7/7 个必备部分）"}


def test_four_sections_found_are_shown_as_three_and_so_on(tmp_path):
    _, why, _, _ = run([FileFacts("文档D.docx", "docx", 10, facts_of(plan_docx(tmp_path / "d.docx", 4)))],
                       VOC, _section_ratio)
    assert why == {"文档D.docx": "按内容识别为：教案（含授课信息、内容分析、学情分析等 4/7 个必备部分）"}


def test_a_plan_marked_as_a_resource_is_not_said_to_lack_its_sections(tmp_path):
    full = facts_of(plan_docx(tmp_path / "a.docx", 7))
    item_of, _, _, near = run([FileFacts("资源-参考.docx", "docx", 10, full)], VOC, _section_ratio)
    assert item_of == {"资源-参考.docx": "resources"}
    assert near["lesson_plan"] == ("资源-参考.docx", "文件名以“资源”开头，属于资源材料；名称不符")


def test_sections_count_only_when_the_engine_reads_them():
    """The name-only preview passes no section reader: a neutral name then says nothing."""
    assert classify([("文档A.docx", "docx", 10)], VOC, RULES) == {"文档A.docx": "resources"}


def test_a_signed_scan_is_the_form_and_a_born_digital_pdf_is_named_as_not_a_scan(tmp_path):
    scan = facts_of(make_scan_pdf(tmp_path / "s.pdf", seed="form"))
    item_of, why, _, _ = run([FileFacts("张三（签字版）.pdf", "pdf", 10, scan)], FUSION)
    assert item_of == {"张三（签字版）.pdf": "registration_form"}
    assert why == {"张三（签字版）.pdf": "按内容识别为：作品登记表（附件2）（是扫描件（页面为扫描图像））"}
    digital = facts_of(make_text_pdf(tmp_path / "t.pdf", ["一份参考资料", "正文"]))
    item_of, _, _, near = run([FileFacts("张三.pdf", "pdf", 10, digital)], FUSION)
    assert item_of == {"张三.pdf": None}
    assert near["registration_form"] == ("张三.pdf", "不是签字扫描件；名称不符")


def test_a_scanned_pdf_marked_as_a_resource_is_named_without_calling_it_unscanned(tmp_path):
    scan = facts_of(make_scan_pdf(tmp_path / "s.pdf", seed="resource"))
    item_of, _, _, near = run([FileFacts("资源-扫描件.pdf", "pdf", 10, scan)], FUSION)
    assert item_of == {"资源-扫描件.pdf": None}
    assert near["registration_form"] == ("资源-扫描件.pdf", "文件名以“资源”开头，属于资源材料；名称不符")


def test_a_candidate_with_nothing_against_it_is_reported_as_not_enough_evidence():
    """报告教案.docx is the 教案 (its head noun); held up for the missing 报告 there is nothing to say
    against it but that the evidence is not enough."""
    item_of, _, _, near = run([FileFacts("报告教案.docx", "docx", 10)], VOC)
    assert item_of == {"报告教案.docx": "lesson_plan"}
    assert near == {"case_intro": ("报告教案.docx", "名称不符；没有找到其必备部分"), "report": ("报告教案.docx", "证据不足")}


def test_an_empty_or_unreadable_file_is_never_held_up_as_the_likely_candidate():
    item_of, _, _, near = run([FileFacts("教案.docx", "empty", 0), FileFacts("案例介绍.docx", "unreadable", 10),
                               FileFacts("笔记.docx", "docx", 5)], VOC)
    assert item_of == {"教案.docx": "lesson_plan", "案例介绍.docx": "case_intro", "笔记.docx": "resources"}
    assert near == {"report": ("笔记.docx", "名称不符")}


@pytest.mark.parametrize("kind", ["empty", "unreadable"])
def test_an_empty_or_unreadable_file_is_not_held_up_even_for_an_item_that_takes_any_kind(kind):
    """The digital textbook accepts any kind; an empty or unreadable file gets its own finding instead."""
    textbook = RULES["projects"]["digital_textbook"]["items"]
    item_of, _, _, near = run([FileFacts("笔记.pdf", kind, 0 if kind == "empty" else 10)], textbook)
    assert (item_of, near) == ({"笔记.pdf": "resources"}, {})


def test_the_bigger_of_two_equally_unlike_files_is_held_up():
    _, _, _, near = run([FileFacts("笔记一.docx", "docx", 5), FileFacts("笔记二.docx", "docx", 6)], VOC)
    assert near["report"] == ("笔记二.docx", "名称不符")


def test_the_documents_own_title_names_the_item(tmp_path):
    titled = facts_of(make_text_pdf(tmp_path / "t.pdf", ["附件2", "作品登记表", "正文"]))
    item_of, why, _, _ = run([FileFacts("张三.pdf", "pdf", 10, titled)], FUSION)
    assert item_of == {"张三.pdf": "registration_form"}
    assert why == {"张三.pdf": "按内容识别为：作品登记表（附件2）（文档标题含“登记表”）"}


def test_the_title_is_read_from_the_first_headings_and_paragraphs_only(tmp_path):
    """教学设计 as the fourth heading, the fifth paragraph or past the 400th character is not the title
    any more; a heading without text and blank paragraphs take no room."""
    fourth_heading = {"headings": [{"text": t} for t in ("一", "二", "三", "教学设计")],
                      "paragraphs": ["一", "二", "三", "四"]}
    fifth_paragraph = {"paragraphs": ["一", "二", "", "三", "四", "教学设计"]}
    fourth_line = {"text": "一\n\n二\n三\n教学设计\n正文"}
    fifth_line = {"text": "一\n二\n三\n四\n教学设计"}
    third_heading = {"headings": [{"text": "一"}, {}, {"text": "教学设计"}], "paragraphs": ["正文"]}
    long_first_paragraph = {"paragraphs": ["字" * 397 + "教学设计"]}
    title_ends_at_400 = {"headings": [{}], "paragraphs": ["字" * 396 + "教学设计"]}
    after_a_blank_paragraph = {"paragraphs": ["", "教学设计"]}
    got = classify_with_facts(VOC, {"标题在第四个标题.docx": fourth_heading, "标题在第五段.docx": fifth_paragraph,
                                    "标题在第四行.docx": fourth_line, "标题在第五行.docx": fifth_line,
                                    "标题在第三个标题.docx": third_heading, "标题在四百字后.docx": long_first_paragraph,
                                    "标题到第四百字.docx": title_ends_at_400, "空段之后.docx": after_a_blank_paragraph})
    assert got == {"标题在第四个标题.docx": "resources", "标题在第五段.docx": "resources",
                   "标题在第四行.docx": "lesson_plan", "标题在第五行.docx": "resources",
                   "标题在第三个标题.docx": "lesson_plan", "标题在四百字后.docx": "resources",
                   "标题到第四百字.docx": "lesson_plan", "空段之后.docx": "lesson_plan"}


def classify_with_facts(items, facts_by_name: dict) -> dict:
    """Each file on its own, so that one file's title never competes with another's."""
    return {name: recognise([FileFacts(name, "docx", 10, facts)], items, RULES).item_of[name]
            for name, facts in facts_by_name.items()}


# --- recordings by their length --------------------------------------------------------------------------

@pytest.mark.parametrize("seconds, why", [
    (VIDEO["min_duration_s"] - TOLERANCE, "按内容识别为：教学活动录像（时长 15 分 00 秒，符合录像要求；项目中只有这一项接受此类文件）"),
    (VIDEO["max_duration_s"] + TOLERANCE, "按内容识别为：教学活动录像（时长 20 分 00 秒，符合录像要求；项目中只有这一项接受此类文件）"),
    (VIDEO["min_duration_s"] - TOLERANCE - 0.1, "按文件类型识别为：教学活动录像（项目中只有这一项接受此类文件）"),
    (VIDEO["max_duration_s"] + TOLERANCE + 0.1, "按文件类型识别为：教学活动录像（项目中只有这一项接受此类文件）"),
])
def test_a_recordings_length_counts_within_the_range_and_its_tolerance(seconds, why):
    assert (VIDEO["min_duration_s"], VIDEO["max_duration_s"], TOLERANCE) == (900, 1200, 0.5)
    item_of, got, _, _ = run([FileFacts("第三组.mp4", "mp4", 10, {"duration_s": seconds})], VOC)
    assert item_of == {"第三组.mp4": "lesson_video"}
    assert got == {"第三组.mp4": why}


def test_the_longest_of_two_unnamed_clips_is_not_chosen_by_size_when_only_one_fits_the_length():
    item_of, why, _, _ = run([FileFacts("片头.mp4", "mp4", 10**9, {"duration_s": 2.0}),
                              FileFacts("第三组.mp4", "mp4", 10, {"duration_s": 960.0})], VOC)
    assert item_of == {"片头.mp4": "resources", "第三组.mp4": "lesson_video"}
    assert why == {"片头.mp4": "归入：资源包（其余文件）",
                   "第三组.mp4": "按内容识别为：教学活动录像（时长 16 分 00 秒，符合录像要求；项目中只有这一项接受此类文件）"}


def test_a_resource_clip_of_the_right_length_is_not_said_to_have_the_wrong_length():
    item_of, _, _, near = run([FileFacts("资源-片段.mp4", "mp4", 10, {"duration_s": 960.0})], VOC)
    assert item_of == {"资源-片段.mp4": "resources"}
    assert near["lesson_video"] == ("资源-片段.mp4", "文件名以“资源”开头，属于资源材料；名称不符")


def test_length_is_no_argument_for_recordings_that_are_not_recognised_by_it():
    """The fusion case's recordings have no length range to be recognised by: none is quoted."""
    item_of, _, _, near = run([FileFacts("资源-片段.mp4", "mp4", 10, {"duration_s": 605.4})], FUSION)
    assert item_of == {"资源-片段.mp4": None}
    assert near["lesson_video"] == ("资源-片段.mp4", "文件名以“资源”开头，属于资源材料；名称不符")


def test_a_resource_clip_of_the_wrong_length_is_named_with_its_length():
    item_of, _, _, near = run([FileFacts("资源-片段.mp4", "mp4", 10, {"duration_s": 605.4})], VOC)
    assert item_of == {"资源-片段.mp4": "resources"}
    assert near["lesson_video"] == ("资源-片段.mp4", "文件名以“资源”开头，属于资源材料；名称不符；时长 10 分 05 秒 不符合要求")


# --- the assignment ----------------------------------------------------------------------------------------

def test_equal_evidence_goes_to_the_bigger_file_then_to_the_first():
    item_of, _, _, _ = run([FileFacts("教案1.docx", "docx", 1_000_000), FileFacts("教案2.docx", "docx", 2_000_000)], VOC)
    assert item_of == {"教案1.docx": "resources", "教案2.docx": "lesson_plan"}
    item_of, _, _, _ = run([FileFacts("教案1.docx", "docx", 10), FileFacts("教案2.docx", "docx", 10)], VOC)
    assert item_of == {"教案1.docx": "lesson_plan", "教案2.docx": "resources"}


def test_of_seven_equally_named_plans_the_biggest_is_taken():
    """More candidates than the exact search looks at: it keeps the strongest, not any six."""
    files = [FileFacts(f"教案{n}.docx", "docx", n * 1_000_000) for n in range(1, 8)]
    item_of, _, _, _ = run(files, VOC)
    assert [p for p, k in item_of.items() if k == "lesson_plan"] == ["教案7.docx"]


def test_the_rest_takes_only_what_no_required_item_takes():
    """资源包教案说明 names the 资源包 more strongly than the 教案, but the rest is no competitor: the
    teacher's only plan-like file is the 教案 rather than a missing item."""
    item_of, why, _, near = run([FileFacts("资源包教案说明.docx", "docx", 10)], VOC)
    assert item_of == {"资源包教案说明.docx": "lesson_plan"}
    assert why == {"资源包教案说明.docx": "按名称识别为：教案（文件名含“教案”）"}


def test_a_file_that_fits_two_items_goes_where_the_other_has_no_second_choice():
    """案例介绍与教学设计 is most like a plan, but also an intro; 教案说明 can only be the plan.
    A greedy pass would leave the intro missing; the exact search gives each item a file."""
    item_of, _, _, near = run([FileFacts("案例介绍与教学设计.docx", "docx", 10)], VOC)
    assert item_of == {"案例介绍与教学设计.docx": "lesson_plan"}
    assert near["case_intro"] == ("案例介绍与教学设计.docx", "没有找到其必备部分")
    item_of, _, _, _ = run([FileFacts("案例介绍与教学设计.docx", "docx", 10), FileFacts("教案说明.docx", "docx", 10)], VOC)
    assert item_of == {"案例介绍与教学设计.docx": "case_intro", "教案说明.docx": "lesson_plan"}
