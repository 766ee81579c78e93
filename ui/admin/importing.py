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
        st.success(f"共 {s['packages']} 个作品包：新增 {s['new']}，未变 {s['unchanged']}，更新 {s['updated']}，"
                   f"初审未通过 {s['precheck_failed']}，资格审查排除 {s['excluded']}。")
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
    st.dataframe([{"编号": w["id"], "项目": contest.project_name(w["project"]), "学段": w["stage"] or "",
                   "学校": w["school"] or "", "作者": "、".join(w["authors"] or []), "作品名称": w["title"],
                   "初审": PRECHECK_NAMES.get(w["precheck_status"], w["precheck_status"]),
                   "资格问题": "；".join(e.get("message", "") for e in w["eligibility"]),
                   "排除": "是" if w["excluded"] else "", "匿名检查": anon[w["id"]],
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
    findings = (w["precheck_report"] or {}).get("findings", [])
    for f in findings:
        st.markdown(f"{LEVEL_ICON.get(f['level'], '')} `{f['rule']}` {f['message']}"
                    + (f"（{f['path']}）" if f.get("path") else ""))
    if not findings:
        st.caption("初审未发现问题。")
    for e in w["eligibility"]:
        st.warning(f"{e.get('rule', '')}：{e.get('message', '')}")
    note = st.text_input("排除或恢复的原因", key=f"excl_note_{wid}")
    if st.button("恢复参评" if w["excluded"] else "排除出排名", key=f"excl_{wid}"):
        with safely("修改参评状态"):
            set_excluded(actor, wid, not w["excluded"], note)
            st.rerun()
