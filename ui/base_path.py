"""The app's URL prefix: Streamlit's server.baseUrlPath as '' or '/base', for the routes app.py mounts
beside the pages and for the URLs the pages hand to the browser."""
from __future__ import annotations


def base_path() -> str:
    try:
        from streamlit import config
        base = (config.get_option("server.baseUrlPath") or "").strip("/")
    except Exception:             # no Streamlit config (a route served alone in a test)
        base = ""
    return f"/{base}" if base else ""
