"""导入与初审 views: import packages (server folder or upload) with progress, then the 初审 table."""
from __future__ import annotations

import time
from pathlib import Path

import streamlit as st

from accounts import data_dir
from scoring.permissions import Actor
from ui.common import PRECHECK_NAMES, safely

LEVEL_ICON = {"error": "❌", "warning": "⚠️", "info": "ℹ️"}


def import_form(actor: Actor) -> None:
    src = st.radio("作品来源", ["服务器上的文件夹", "上传作品包"], horizontal=True, key="imp_src")
    path: Path | None = None
    if src == "服务器上的文件夹":
        typed = st.text_input("文件夹路径（如区县 FTP 下载目录；可含多个作品包或区县子文件夹）", key="imp_path")
        if typed.strip():
            path = Path(typed.strip()).expanduser()
    else:
        c1, c2 = st.columns(2)
        files = c1.file_uploader("作品包压缩文件（RAR/ZIP，可多选）", accept_multiple_files=True, key="imp_files")
        folder = c2.file_uploader("或整个文件夹（含多个一级文件夹）", accept_multiple_files="directory",
                                  key="imp_folder")
        ups = [*(files or []), *(folder or [])]
        if ups:
            path = _store_uploads(ups)
    with st.expander("可选：作品信息表、往届获奖名单"):
        meta = st.file_uploader("作品信息 CSV（一级文件夹, 项目, 学段, 学校, 区县, 作者, 作品名称）", type=["csv"],
                                key="imp_meta")
        awarded = st.file_uploader("往届获奖作品名单 CSV（作品名称）", type=["csv"], key="imp_awarded")
    if st.button("开始导入并初审", type="primary", key="imp_go", disabled=path is None):
        run_import(actor, path, _keep(meta, "meta.csv"), _keep(awarded, "awarded.csv"))
    show_summary()


def _uploads_root() -> Path:
    root = data_dir() / "uploads" / time.strftime("%Y%m%d-%H%M%S")
    root.mkdir(parents=True, exist_ok=True)
    return root


def _store_uploads(ups) -> Path | None:
    """Uploads are kept under the data dir: imported works are read from where they were imported."""
    sig = tuple((u.name, u.size) for u in ups)
    cached = st.session_state.get("_imp_spooled")
    if cached and cached[0] == sig and Path(cached[1]).is_dir():
        return Path(cached[1])
    from ui.uploads import spool
    root = _uploads_root()
    with st.spinner("正在保存上传的文件…"):
        spool(ups, root)
    st.session_state["_imp_spooled"] = (sig, str(root))
    return root


def _keep(upload, name: str) -> Path | None:
    if upload is None:
        return None
    target = data_dir() / "uploads" / f"{time.strftime('%Y%m%d-%H%M%S')}-{name}"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(upload.getvalue())
    return target


def run_import(actor: Actor, path: Path, meta: Path | None, awarded: Path | None) -> None:
    from scoring.importer import import_dump
    if not path.exists():
        st.error(f"找不到文件夹：{path}")
        return
    bar = st.progress(0.0, text="正在查找作品包…")

    def progress(done: int, total: int, message: str) -> None:
        bar.progress(done / total if total else 1.0, text=f"{message}（{done}/{total}）")

    with safely("导入作品"):
        s = import_dump(actor, path, metadata_csv=meta, awarded_csv=awarded, progress=progress)
        bar.progress(1.0, text="导入完成")
        st.session_state[_SUMMARY] = s


_SUMMARY = "_import_summary"


def show_summary() -> None:
    """The last import of this session: its own batch first, the database totals apart."""
    s = st.session_state.get(_SUMMARY)
    if not s:
        return
    st.success(f"本批共 {s['packages']} 个作品包：新增 {s['new']}，未变 {s['unchanged']}，更新 {s['updated']}，"
               f"已开评未更新 {s['locked']}；初审未通过 {s['precheck_failed']}；资格待核 {s['flagged']}；"
               f"资格审查排除 {s['excluded']}。")
    t = s.get("totals") or {}
    if t:
        st.caption(f"数据库合计：作品 {t['works']} 件，初审未通过 {t['precheck_failed']} 件，"
                   f"资格待核 {t['flagged']} 件，已排除 {t['excluded']} 件。")
    for e in s["errors"]:
        st.warning(e)


def works_table(actor: Actor) -> list[dict]:
    from scoring import contest
    from scoring.selectors import list_works
    works = list_works(actor)
    if not works:
        st.info("还没有导入作品。")
        return []
    projects = contest.projects()
    c1, c2, c3, c4 = st.columns(4)
    p = c1.selectbox("项目", ["全部", *projects], format_func=lambda k: projects.get(k, {}).get("name", k), key="f_p")
    stages = sorted({w["stage"] or "" for w in works})
    s = c2.selectbox("学段", ["全部", *stages], key="f_s")
    pre = c3.selectbox("初审", ["全部", "pass", "fail", "pending"], format_func=lambda k: PRECHECK_NAMES.get(k, k),
                       key="f_pre")
    flag = c4.selectbox("资格", ["全部", "有资格问题", "已排除"], key="f_el")
    shown = [w for w in works if (p == "全部" or w["project"] == p) and (s == "全部" or (w["stage"] or "") == s)
             and (pre == "全部" or w["precheck_status"] == pre)
             and (flag == "全部" or (flag == "已排除" and w["excluded"]) or (flag == "有资格问题" and w["eligibility"]))]
    st.caption(f"显示 {len(shown)} / {len(works)} 件")
    from ui.admin.anonymity import risk_labels
    anon = risk_labels(actor, [w["id"] for w in shown])
    st.dataframe([{"编号": w["id"], "项目": contest.project_name(w["project"]), "学段": w["stage"] or "—",
                   "学校": w["school"] or "—", "作者": "、".join(w["authors"] or []) or "—", "作品名称": w["title"],
                   "初审": PRECHECK_NAMES.get(w["precheck_status"], w["precheck_status"]),
                   "资格问题": "；".join(e.get("message", "") for e in w["eligibility"]) or "—",
                   "排除": "是" if w["excluded"] else "—", "匿名检查": anon[w["id"]],
                   "已分配": w["n_assigned"], "已提交": w["n_submitted"]}
                  for w in shown], hide_index=True, width="stretch")
    return shown


def work_findings(actor: Actor, works: list[dict]) -> None:
    from scoring.selectors import work_detail
    from scoring.works import set_excluded
    if not works:
        return
    labels = {w["id"]: f"#{w['id']} {w['title']}" for w in works}
    wid = st.selectbox("查看作品的初审详情", list(labels), format_func=labels.get, key="f_detail")
    w = work_detail(actor, wid)
    st.caption(f"来源：{w['source_path']}　一级文件夹：{w['folder_name']}")
    findings = admin_findings(w["precheck_report"])
    for f in findings:
        st.markdown(finding_line(f))
    if not findings:
        st.caption("初审未发现问题。")
    for e in w["eligibility"]:
        st.markdown(finding_line(e, eligibility=True))
    c1, c2 = st.columns(2)
    with c1:
        note = st.text_input("排除或恢复的原因", key=f"excl_note_{wid}")
        if st.button("恢复参评" if w["excluded"] else "排除出排名", key=f"excl_{wid}"):
            with safely("修改参评状态"):
                set_excluded(actor, wid, not w["excluded"], note)
                st.rerun()
    with c2:
        precheck_override(actor, w)


# Shown to the teacher by the self-check; on every imported work it would only repeat itself.
TEACHER_ONLY = {("package.archive", "info")}
ELIGIBILITY_TITLES = {"eligibility.duplicate": "疑似一稿多投", "eligibility.awarded": "往届已获奖",
                      "eligibility.one_per_author": "第一作者限报一件", "eligibility.admin": "管理员决定",
                      "eligibility.duplicate_decision": "一稿多投核定"}


def admin_findings(report: dict | None) -> list[dict]:
    return [f for f in (report or {}).get("findings", []) if (f.get("rule"), f.get("level")) not in TEACHER_ONLY]


def finding_line(f: dict, *, eligibility: bool = False) -> str:
    """Chinese title first, then the message and file; the rule id last, in small print."""
    from checks.rules import rule_title
    rule = f.get("rule") or ""
    title = ELIGIBILITY_TITLES.get(rule, rule) if eligibility else rule_title(rule)
    where = f"（{f['path']}）" if f.get("path") else ""
    return f"{LEVEL_ICON.get(f.get('level'), '')} **{title}**：{f.get('message', '')}{where} :small[:gray[{rule}]]"


def precheck_override(actor: Actor, w: dict) -> None:
    from scoring.works import set_precheck
    options = ["pass", "fail", "pending"]
    status = st.selectbox("改判初审结果", options, index=options.index(w["precheck_status"]),
                          format_func=PRECHECK_NAMES.get, key=f"pre_{w['id']}")
    note = st.text_input("改判原因（记入审计记录）", key=f"pre_note_{w['id']}")
    if st.button("保存初审改判", key=f"pre_go_{w['id']}", disabled=status == w["precheck_status"]):
        with safely("改判初审"):
            set_precheck(actor, w["id"], status, note)
            st.rerun()
