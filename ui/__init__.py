"""Streamlit view helpers for the pages (the pages stay thin; no rule logic lives here)."""
