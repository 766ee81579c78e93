"""The results workbook (pandas + openpyxl): 公示名单, 全部评分, one sheet per reviewer, 初审未通过."""
from __future__ import annotations

import json
import os
import re

import pandas as pd

from checks.rules import rule_title
from scoring import audit, contest
from scoring import db as _db
from scoring.permissions import Actor, require_admin
from scoring.ranking import rank_works
from scoring.rounding import half_up
from scoring.rubrics import load_rubrics
from scoring.selectors import all_scores

SCORE_DIGITS = 2      # every score people read (pages, 公示名单) has two decimals
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, used: set) -> str:
    base = _BAD_SHEET.sub("_", name)[:28] or "评委"
    out, i = base, 2
    while out in used:
        out, i = f"{base[:25]}_{i}", i + 1
    used.add(out)
    return out


def _two_decimals(ws, column: int) -> None:
    for (cell,) in ws.iter_rows(min_row=2, min_col=column, max_col=column):
        cell.number_format = "0.00"


def export_workbook(actor: Actor, path: str | os.PathLike, *, db=None) -> str:
    """Admin: write the workbook to `path` and return it."""
    require_admin(actor)
    cur = _db.cursor(db)
    ranking = rank_works(actor, db=db)
    works = _db.rows(cur, "SELECT id, authors, folder_name, district, precheck_status, precheck_report, "
                          "eligibility FROM works")
    wmap = {w["id"]: w for w in works}
    ranking["authors"] = ranking["work_id"].map(lambda i: "、".join(wmap[i]["authors"] or []))
    public = ranking[ranking["status"] == "ranked"]
    public = pd.DataFrame({
        "项目": public["project_name"], "学段": public["stage"], "名次": public["rank"].astype("Int64"),
        "奖项": public["tier"].fillna(""), "作品名称": public["title"], "作者": public["authors"],
        "学校": public["school"], "得分": public["score"].map(lambda v: half_up(v, SCORE_DIGITS)),
        "评委人数": public["n_scores"]})
    unranked = ranking[ranking["status"] != "ranked"]
    unranked = pd.DataFrame({"作品编号": unranked["work_id"], "项目": unranked["project_name"],
                             "学段": unranked["stage"], "作品名称": unranked["title"],
                             "原因": unranked["status_text"], "已评/应评": unranked["n_scores"].astype(str)
                             + "/" + unranked["n_assigned"].astype(str)})

    rubrics = load_rubrics()
    crit_names = {k: {c.key: c.name for c in r.criteria} for k, r in rubrics.items()}
    score_rows = []
    for s in all_scores(actor, db=db):
        row = {"作品编号": s["work_id"], "项目": contest.project_name(s["project"]), "学段": s["stage"],
               "作品名称": s["title"], "评委": s["reviewer"], "评委姓名": s["reviewer_name"],
               "状态": "已提交" if s["submitted"] else "草稿",
               "总分": half_up(s["total"], SCORE_DIGITS),
               "一票否决": (s["veto_reason"] or "是") if s["veto"] else "", "评语": s["comment"] or "",
               "内部备注": s["internal_note"] or ""}
        for key, pts in s["scores"].items():
            row[crit_names.get(s["project"], {}).get(key, key)] = pts
        score_rows.append(row)
    scores = pd.DataFrame(score_rows)

    failures = []
    for w in works:
        if w["precheck_status"] == "pass":
            continue
        rep = json.loads(w["precheck_report"]) if w["precheck_report"] else {"findings": []}
        errs = [f for f in rep.get("findings", []) if f.get("level") == "error"]
        for f in errs or [{"rule": "", "message": "未完成初审", "path": None}]:
            failures.append({"作品编号": w["id"], "一级文件夹": w["folder_name"],
                             "问题类别": rule_title(f.get("rule") or "") if f.get("rule") else "",
                             "问题": f.get("message"), "文件": f.get("path") or "", "规则": f.get("rule")})
    for w in works:
        for f in json.loads(w["eligibility"]):
            if f.get("level") == "error":
                failures.append({"作品编号": w["id"], "一级文件夹": w["folder_name"], "问题类别": "资格审查",
                                 "问题": f["message"], "文件": "", "规则": f["rule"]})

    used = {"公示名单", "未排名作品", "全部评分", "初审未通过"}
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        public.to_excel(xw, sheet_name="公示名单", index=False)
        _two_decimals(xw.sheets["公示名单"], list(public.columns).index("得分") + 1)
        unranked.to_excel(xw, sheet_name="未排名作品", index=False)
        scores.to_excel(xw, sheet_name="全部评分", index=False)
        if "总分" in scores:
            _two_decimals(xw.sheets["全部评分"], list(scores.columns).index("总分") + 1)
        if not scores.empty:
            for reviewer, part in scores.groupby("评委", sort=True):
                label = f"{part['评委姓名'].iloc[0] or reviewer}({reviewer})"
                part.drop(columns=["评委", "评委姓名"]).dropna(axis=1, how="all").to_excel(
                    xw, sheet_name=_sheet_name(label, used), index=False)
        pd.DataFrame(failures, columns=["作品编号", "一级文件夹", "问题类别", "问题", "文件", "规则"]).to_excel(
            xw, sheet_name="初审未通过", index=False)
    audit.log(actor, "export.results", None, None,
              {"ranked": int(len(public)), "unranked": int(len(unranked)), "scores": int(len(scores))}, db=db)
    return str(path)
