"""初审 help for blind review: which works may still show who made them after blinding (a name in a
PDF text layer, a scanned page, an image, a file too malformed to check), so a person decides.
The check blinds every file a reviewer will see (scoring.blind_copy), so it also warms the cache."""
from __future__ import annotations

import streamlit as st

from scoring.blind_copy import RISK_FLAG, check_identity, known_identity_risks
from scoring.permissions import Actor
from ui.common import safely


def risk_labels(actor: Actor, work_ids: list[int]) -> dict[int, str]:
    """The 匿名检查 column of the 初审 table."""
    known = known_identity_risks(actor, work_ids)
    return {wid: "未检查" if r is None else RISK_FLAG if r else "未发现" for wid, r in known.items()}


def anonymity_panel(actor: Actor, works: list[dict]) -> None:
    if not works:
        return
    with st.expander("匿名检查：作品文件中是否还有作者或单位信息", expanded=False):
        st.caption("评委看到和下载的都是去除了文档属性、媒体标签并遮盖了作者与单位名称的副本。"
                   "PDF 正文、扫描件和图片中的名称无法自动遮盖，这里列出以便人工判断。")
        if st.button(f"检查当前显示的 {len(works)} 件作品", key="anon_check"):
            bar = st.progress(0.0, text="正在检查……")
            for i, w in enumerate(works):
                with safely(f"检查作品 #{w['id']}"):
                    check_identity(actor, w["id"])
                bar.progress((i + 1) / len(works), text=f"已检查 {i + 1} / {len(works)} 件")
            bar.empty()
            st.rerun()              # the 初审 table above shows the new answers
        known = known_identity_risks(actor, [w["id"] for w in works])
        flagged = [(w, known[w["id"]]) for w in works if known[w["id"]]]
        unchecked = sum(1 for w in works if known[w["id"]] is None)
        if unchecked:
            st.caption(f"尚有 {unchecked} 件作品未检查。")
        if not flagged:
            st.caption("已检查的作品中未发现无法遮盖的作者信息。")
            return
        st.dataframe([{"编号": w["id"], "作品名称": w["title"], "匿名检查": RISK_FLAG, "说明": "；".join(r)}
                      for w, r in flagged], hide_index=True, width="stretch")
