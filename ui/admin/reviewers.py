"""评委与分配 views: reviewer list, CSV import (with login accounts), automatic and manual assignment."""
from __future__ import annotations

import streamlit as st

from accounts import AccountError
from accounts.store import read_csv_rows
from scoring.permissions import Actor
from ui.admin.accounts import remember_passwords
from ui.auth import store
from ui.common import EMPTY, PRECHECK_NAMES, safely


def reviewer_table(actor: Actor) -> list[dict]:
    from scoring import contest
    from scoring.reviewers import list_reviewers
    revs = list_reviewers(actor)
    names = {k: p["name"] for k, p in contest.projects().items()}
    if not revs:
        st.info("还没有评委。请上传评委名单 CSV，或在下方逐个添加。")
        return revs
    st.dataframe([{"用户名": r["username"], "姓名": r["name"], "学校": r["school"] or EMPTY,
                   "区县": r["district"] or EMPTY,
                   "评审项目": "、".join(names.get(p, p) for p in r["projects"]) or EMPTY,
                   "学段": "、".join(r["stages"]) or EMPTY,
                   "上限": r["cap"], "已分配": r["load"], "已提交": r["submitted"],
                   "状态": "启用" if r["active"] else "停用"} for r in revs],
                 hide_index=True, width="stretch")
    return revs


def csv_import(actor: Actor) -> None:
    st.markdown("**从 CSV 导入评委**（列：username, name, school, district, projects, stages, cap；"
                "一格内多个值用“;”分隔）")
    up = st.file_uploader("评委名单 CSV", type=["csv"], key="rev_csv")
    if up is None or not st.button("导入评委并创建账号", key="rev_csv_go"):
        return
    raw = up.getvalue()
    with safely("导入评委名单"):
        rows = read_csv_rows(raw)                   # UTF-8 or GB18030 (Excel on Chinese Windows)
        text = _to_csv_text(rows)
        from scoring.reviewers import import_reviewers_csv
        n = import_reviewers_csv(actor, text)
        made = store().load_reviewers_csv(actor, text.encode("utf-8"))
        remember_passwords([(a.username, a.name, a.password) for a in made if a.password])
        kept = [a for a in made if not a.password]
        st.success(f"已导入 {n} 位评委，新建 {len(made) - len(kept)} 个账号。")
        for a in kept:
            st.caption(f"{a.username}：{a.note}")


def _to_csv_text(rows: list[dict]) -> str:
    import csv
    import io
    if not rows:
        raise AccountError("CSV 文件没有数据行。")
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=list(rows[0]))
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def add_reviewer_form(actor: Actor) -> None:
    from scoring import contest
    from scoring.reviewers import upsert_reviewers
    projects = contest.projects()
    with st.form("add_reviewer", clear_on_submit=True):
        st.markdown("**添加或修改一位评委**（用户名已存在时更新其信息）")
        c1, c2, c3, c4 = st.columns(4)
        username = c1.text_input("用户名")
        name = c2.text_input("姓名")
        school = c3.text_input("学校")
        district = c4.text_input("区县")
        ps = st.multiselect("评审项目", list(projects), format_func=lambda k: projects[k]["name"])
        stages = st.multiselect("学段", [*contest.stages(), "高职"])
        cap = st.number_input("评审上限（件）", min_value=1, max_value=500, value=30)
        if st.form_submit_button("保存评审信息"):
            with safely("保存评委"):
                u = username.strip().lower()
                upsert_reviewers(actor, [{"username": u, "name": name.strip() or u, "school": school,
                                          "district": district, "projects": ps, "stages": stages, "cap": int(cap)}])
                if store().get(u) is None:
                    remember_passwords([(u, name, store().add_user(actor, u, name))])
                st.rerun()


def auto_assign_panel(actor: Actor) -> None:
    from scoring.assignment import auto_assign
    from scoring.settings import get_settings
    n = get_settings(actor)["reviewers_per_work"]
    st.markdown(f"**自动分配**：为每件初审通过的作品补足 {n} 位评委（可在“设置”中修改），"
                "按负载均衡，遵守评审上限与同校/同区县回避；已有分配保留。")
    if st.button("开始自动分配", type="primary", key="auto_assign"):
        with safely("自动分配"):
            st.session_state["_assign_result"] = auto_assign(actor)
    result = st.session_state.get("_assign_result")
    if result:
        st.success(f"本次新增 {result['assigned']} 条分配。")
        if result["uncovered"]:
            from scoring import contest
            st.warning(f"{len(result['uncovered'])} 件作品评委不足：")
            st.dataframe([{"编号": u["work_id"], "作品": u["title"], "项目": contest.project_name(u["project"]),
                           "学段": u["stage"] or EMPTY, "需要": u["needed"], "已分配": u["assigned"], "原因": u["reason"]}
                          for u in result["uncovered"]], hide_index=True, width="stretch")


def manual_assign_panel(actor: Actor, revs: list[dict]) -> None:
    from scoring.assignment import assign, unassign
    from scoring.selectors import list_works, work_detail
    works = list_works(actor)
    if not works or not revs:
        st.info("需要先导入作品和评委。")
        return
    st.markdown("**手动分配 / 取消分配**")
    labels = {w["id"]: f"#{w['id']} {w['title']}（{w['stage'] or ''}，{PRECHECK_NAMES.get(w['precheck_status'], '')}，"
                       f"已分配 {w['n_assigned']}）" for w in works}
    wid = st.selectbox("作品", list(labels), format_func=labels.get, key="man_work")
    detail = work_detail(actor, wid)
    assigned = [a["reviewer"] for a in detail["assignments"]]
    st.caption("当前评委：" + ("、".join(assigned) if assigned else "无"))
    rnames = {r["username"]: f"{r['name']}（{r['username']}，{r['school']}）" for r in revs}
    c1, c2 = st.columns(2)
    who = c1.selectbox("分配给", [u for u in rnames if u not in assigned], format_func=rnames.get, key="man_rev")
    if c1.button("分配", key="man_assign") and who:
        with safely("分配"):
            res = assign(actor, wid, who)
            for w in res["warnings"]:
                st.warning(w)
            st.success(f"已分配给 {rnames[who]}")
    if assigned:
        drop = c2.selectbox("取消分配", assigned, format_func=lambda u: rnames.get(u, u), key="man_drop")
        discard = c2.checkbox("同时作废其已评分数（记入审计记录）", key="man_discard")
        if c2.button("取消分配", key="man_unassign"):
            with safely("取消分配"):
                unassign(actor, wid, drop, discard_review=discard)
                st.rerun()
