"""Importing a district dump: one work per package, 初审 through the compliance engine, identity
stable across re-imports, and eligibility across works (一稿多投, 已获奖, 每位第一作者限报一件)."""
import json

import docx
import pytest

from scoring import db, eligibility, importer, works
from scoring.permissions import Actor
from scoring.selectors import list_works

ADMIN = Actor("admin", "admin")
LONG = "".join(f"第{i}课时，教师利用国家中小学智慧教育平台资源设计第{i}个探究任务，学生分组实验并记录数据。"
               for i in range(1, 41))


pytestmark = pytest.mark.usefixtures("store")      # a real DuckDB file per test (conftest.py)


def package(root, level1, title, text, project_folder="融合创新应用教学案例"):
    """A tiny package tree: 学段+学校+姓名 / project folder / title / 案例介绍.docx."""
    work = root / level1 / project_folder / title
    work.mkdir(parents=True)
    d = docx.Document()
    d.add_heading(title, 1)
    d.add_paragraph(text)
    d.save(work / "案例介绍.docx")
    return root / level1


def test_a_dump_imports_once_and_reimporting_changes_nothing(tmp_path):
    dump = tmp_path / "ftp"
    package(dump / "青秀区", "小学南宁市民主路小学李明", "光的折射", LONG)
    package(dump / "青秀区", "初中南宁市第二中学王芳", "光的反射", LONG + "另附课后反思一段。")
    package(dump, "小学示例县实验小学赵六", "垃圾分类我先行", "垃圾分类主题学习资源。" * 40)
    seen = []
    first = importer.import_dump(ADMIN, dump, progress=lambda done, total, msg: seen.append((done, total)))
    assert (first["packages"], first["new"]) == (3, 3) and seen[-1] == (3, 3)
    again = importer.import_dump(ADMIN, dump)
    assert (again["new"], again["unchanged"], again["updated"]) == (0, 3, 0)

    rows = {w["title"]: w for w in list_works(ADMIN)}
    assert len(rows) == 3
    li = rows["光的折射"]
    assert (li["project"], li["stage"], li["school"], li["authors"], li["district"]) == (
        "fusion_case", "小学", "南宁市民主路小学", ["李明"], "青秀区")
    assert rows["光的反射"]["school"] == "南宁市第二中学"
    assert li["precheck_status"] == "fail"          # a bare package misses required items
    # The two near-identical case texts are one work handed in twice; the third is not.
    dup = [f for f in li["eligibility"] if f["rule"] == "eligibility.duplicate"]
    assert len(dup) == 1 and "文档文字高度相似" in dup[0]["message"] and dup[0]["level"] == "warning"
    assert not li["excluded"]                       # a candidate for a person to decide, not excluded
    assert rows["垃圾分类我先行"]["eligibility"] == [] and not rows["垃圾分类我先行"]["excluded"]


def test_metadata_csv_keeps_school_and_teacher_apart_and_awarded_titles_are_caught(tmp_path):
    dump = tmp_path / "ftp"
    package(dump, "小学实验学校附属小学张三李四", "《古诗词里的春天》", "春天的古诗词赏析。" * 30)
    meta = tmp_path / "meta.csv"
    meta.write_text("一级文件夹,学校,作者,区县\n小学实验学校附属小学张三李四,实验学校附属小学,张三;李四,兴宁区\n",
                    encoding="utf-8")
    awarded = tmp_path / "awarded.csv"
    awarded.write_text("作品名称,年份\n古诗词里的 春天,2024\n", encoding="utf-8")
    importer.import_dump(ADMIN, dump, metadata_csv=meta, awarded_csv=awarded)
    (w,) = list_works(ADMIN)
    assert (w["school"], w["authors"], w["district"]) == ("实验学校附属小学", ["张三", "李四"], "兴宁区")
    assert [f["rule"] for f in w["eligibility"]] == ["eligibility.awarded"] and w["excluded"]


def test_vocational_first_authors_submit_one_work_each_and_an_admin_may_overrule():
    a = works.add_work(ADMIN, project="vocational_practice", stage="中职", title="数控车削", school="示例职校",
                       authors=["陈一", "王二"])
    b = works.add_work(ADMIN, project="digital_textbook", stage="中职", title="机械制图", school="示例职校",
                       authors=["陈一"])
    c = works.add_work(ADMIN, project="digital_textbook", stage="中职", title="电工基础", school="示例职校",
                       authors=["王二", "陈一"])
    db.write(lambda cur: eligibility.refresh(cur))
    rows = {w["id"]: w for w in list_works(ADMIN)}
    assert rows[a]["eligibility"] == [] and rows[c]["eligibility"] == []
    assert [f["rule"] for f in rows[b]["eligibility"]] == ["eligibility.one_per_author"]
    assert rows[b]["stage"] == "中等职业教育" and rows[b]["excluded"]
    works.set_excluded(ADMIN, b, False, "经核实为两人合著，第一作者有误")
    db.write(lambda cur: eligibility.refresh(cur))          # the admin's decision survives a refresh
    assert not {w["id"]: w for w in list_works(ADMIN)}[b]["excluded"]


def test_sketch_similarity_separates_copies_from_different_texts():
    a = eligibility.sketch(LONG)
    assert eligibility.similarity(a, eligibility.sketch(LONG + "补充一句。")) > 0.9
    assert eligibility.similarity(a, eligibility.sketch("垃圾分类主题学习资源。" * 40)) == 0.0
    assert eligibility.sketch("太短") is None


def test_school_and_teacher_are_split_at_the_last_school_suffix():
    assert importer.split_school_teacher("示例市第二中学李四") == ("示例市第二中学", ["李四"])
    assert importer.split_school_teacher("南宁市第一中学王五、赵六") == ("南宁市第一中学", ["王五", "赵六"])
    assert importer.split_school_teacher("张三") == ("", ["张三"])


def test_plus_separated_folders_store_clean_school_and_authors(tmp_path):
    dump = tmp_path / "ftp"
    package(dump, "小学+第一实验小学+张三", "光的折射", LONG)
    package(dump, "初中 ＋ 第二中学 ＋ 王芳、李丽", "光的反射", "另一件作品的文字。" * 50)
    importer.import_dump(ADMIN, dump)
    rows = {w["title"]: w for w in list_works(ADMIN)}
    assert (rows["光的折射"]["school"], rows["光的折射"]["authors"]) == ("第一实验小学", ["张三"])
    assert (rows["光的反射"]["stage"], rows["光的反射"]["school"], rows["光的反射"]["authors"]) == (
        "初中", "第二中学", ["王芳", "李丽"])
