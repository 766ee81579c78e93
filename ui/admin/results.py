"""排名 and 统计图表 views: live ranking per project type × 学段, Excel export, Altair charts."""
from __future__ import annotations

import tempfile
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from scoring.permissions import Actor
from scoring.rounding import half_up
from ui.common import EMPTY, safely



def ranking_frame(actor: Actor, method: str) -> pd.DataFrame:
    """The ranking with the aggregation `method` (the stored one, or a preview of another);
    scoring checks the admin role itself."""
    from scoring.ranking import preview_ranking
    return preview_ranking(actor, method)


def show_ranking(df: pd.DataFrame, project: str, stage: str, only_ranked: bool) -> None:
    if df.empty:
        st.info("还没有作品。")
        return
    view = df
    if project != "全部":
        view = view[view["project"] == project]
    if stage != "全部":
        view = view[view["stage"].fillna("") == stage]
    ranked = int((df["status"] == "ranked").sum())
    c1, c2, c3 = st.columns(3)
    c1.metric("已排名作品", ranked)
    c2.metric("评审未完成", int((df["status"] == "incomplete").sum()))
    c3.metric("分差过大待复议", int(df["spread_flag"].fillna(False).astype(bool).sum()))
    if only_ranked:
        view = view[view["status"] == "ranked"]
    for (pname, stg), g in view.groupby(["project_name", view["stage"].fillna("未识别")], sort=True):
        st.markdown(f"#### {pname} · {stg}")
        g = g.sort_values(["rank", "score"], ascending=[True, False], na_position="last")
        table = pd.DataFrame({
            "名次": g["rank"].astype("string").fillna(EMPTY), "奖项": g["tier"].fillna(EMPTY), "编号": g["work_id"],
            "作品名称": g["title"], "学校": g["school"].fillna(EMPTY),
            "评分数": g["n_scores"].astype("Int64").astype(str) + "/" + g["n_assigned"].astype("Int64").astype(str),
            "得分": _num(g["score"]), "平均分": _num(g["mean"]), "中位数": _num(g["median"]),
            "去极值平均": _num(g["trimmed_mean"]), "分差": _num(g["spread"]),
            "复议": g["spread_flag"].map(lambda v: "⚠️ 分差过大" if v is True else ""), "状态": g["status_text"]})
        st.table(table.set_index("名次"))      # a plain table: its text is in the page (print, search)


def _num(col: pd.Series, digits: int = 2) -> pd.Series:
    return col.map(lambda v: EMPTY if v is None or pd.isna(v) else f"{half_up(v, digits):.{digits}f}")


def export_button(actor: Actor) -> None:
    from scoring.export import export_workbook
    if st.button("生成 Excel 结果表", key="export_go"):
        with safely("导出 Excel"):
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp) / "评审结果.xlsx"
                export_workbook(actor, out)
                st.session_state["_export_bytes"] = out.read_bytes()
    data = st.session_state.get("_export_bytes")
    if data:
        st.download_button("下载 评审结果.xlsx", data=data, file_name="评审结果.xlsx", key="export_dl",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def score_distribution(scores: list[dict]) -> None:
    sub = [s for s in scores if s["submitted"]]
    if not sub:
        st.info("还没有已提交的评分。")
        return
    from scoring import contest
    df = pd.DataFrame({"项目": [contest.project_name(s["project"]) for s in sub],
                       "总分": [float(s["total"]) for s in sub]})
    chart = alt.Chart(df).mark_bar().encode(
        x=alt.X("总分:Q", bin=alt.Bin(step=5), title="总分（每 5 分一档）"),
        y=alt.Y("count():Q", title="评分份数"), color=alt.Color("项目:N", legend=None),
        row=alt.Row("项目:N", title=None, header=alt.Header(labelAngle=0, labelAlign="left")),
        tooltip=["项目", alt.Tooltip("count():Q", title="份数")]).properties(height=120)
    st.altair_chart(chart, width="stretch")


def reviewer_severity(scores: list[dict]) -> None:
    """Each reviewer's mean deviation from the other reviewers' mean on the same works."""
    sub = pd.DataFrame([s for s in scores if s["submitted"]])
    if sub.empty:
        st.info("还没有已提交的评分。")
        return
    sub["total"] = sub["total"].astype(float)
    g = sub.groupby("work_id")["total"]
    sub["n"], sub["sum"] = g.transform("count"), g.transform("sum")
    sub = sub[sub["n"] > 1]
    if sub.empty:
        st.info("需要至少两位评委评同一作品才能比较宽严。")
        return
    sub["dev"] = sub["total"] - (sub["sum"] - sub["total"]) / (sub["n"] - 1)
    sub["评委"] = sub["reviewer_name"].fillna(sub["reviewer"])
    per = sub.groupby("评委").agg(偏差=("dev", "mean"), 份数=("dev", "size")).reset_index()
    per["偏差"] = per["偏差"].round(2)
    chart = alt.Chart(per).mark_bar().encode(
        x=alt.X("偏差:Q", title="平均偏差（该评委给分 − 同作品其他评委平均分）"),
        y=alt.Y("评委:N", sort="x", title=None, axis=alt.Axis(labelOverlap=False)),
        color=alt.condition(alt.datum["偏差"] < 0, alt.value("#d62728"), alt.value("#2ca02c")),
        tooltip=["评委", "偏差", "份数"]).properties(height=alt.Step(28))
    st.altair_chart(chart, width="stretch")
    st.caption("负值表示该评委偏严，正值表示偏宽；设置中可选择“评委标准分（z 分数）还原”汇总方式以消除宽严差异。")
