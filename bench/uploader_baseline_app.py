"""Baseline for bench_upload_rss.py: Streamlit's own st.file_uploader receiving the same file.

This is how the self-check page took files before the streaming uploader: the browser posts the
file to Streamlit, which holds it in the server's memory until the session drops it. The bench
runs this page beside the real app in the same run, so both peaks come from the same machine,
browser and file.
"""
import streamlit as st

f = st.file_uploader("作品文件")
if f is not None:
    st.markdown(f"已接收 `{f.size}` 字节")
