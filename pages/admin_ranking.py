"""排名 — live ranking per project type × 学段 with tiers, spread flags, aggregation switch, export."""
import streamlit as st

from ui.admin.results import export_button, ranking_frame, show_ranking
from ui.auth import require_role
from ui.common import safely, use_data_dir

actor = require_role("admin")
use_data_dir()
st.title("排名")

with safely("读取设置", stop=True):
    from scoring import contest
    from scoring.settings import AGGREGATIONS, get_settings, update_settings
    settings = get_settings(actor)
    projects = contest.projects()

c1, c2, c3 = st.columns([2, 1, 1])
methods = list(AGGREGATIONS)
method = c1.radio("汇总方式", methods, index=methods.index(settings["aggregation"]), horizontal=True,
                  format_func=AGGREGATIONS.get, key="rank_method")
project = c2.selectbox("项目", ["全部", *projects], format_func=lambda k: projects.get(k, {}).get("name", k),
                       key="rank_project")
stage = c3.selectbox("学段", ["全部", *contest.stages()], key="rank_stage")
only_ranked = st.toggle("只显示已排名作品", value=False, key="rank_only")
if method != settings["aggregation"]:
    st.info(f"正在预览“{AGGREGATIONS[method]}”的排名；正式结果与导出仍使用“{AGGREGATIONS[settings['aggregation']]}”。")
    if st.button("设为正式汇总方式", key="rank_set_method"):
        with safely("保存汇总方式"):
            update_settings(actor, {"aggregation": method})
            st.rerun()


@st.fragment(run_every=10)
def live_ranking() -> None:
    with safely("计算排名"):
        show_ranking(ranking_frame(actor, method), project, stage, only_ranked)
    st.caption("每 10 秒自动刷新。奖项按设置中的比例在每个“项目 × 学段”内划分；并列名次共享较高奖项。")


live_ranking()
st.divider()
export_button(actor)
