"""Start-up validation of the data files the contest runs on (rules and rubrics).

A typo in next year's contest.yaml or a rubric must stop the app with the file and line named,
not judge works wrongly; an edit made while the server runs is caught on the next page run.
"""
from __future__ import annotations

import os
import sys

from checks.errors import RulesError

SELFCHECK_ONLY_ENV = "RATING_SELFCHECK_ONLY"
JUDGE_PATH = "/judge/"        # where deploy/nginx.conf sends the judging pages (worker 0)


def selfcheck_only() -> bool:
    """A worker of `./dev serve --workers N` (N >= 2) other than worker 0: only the anonymous
    self-check page and the check API, no login, so it never opens the DuckDB file."""
    return os.environ.get(SELFCHECK_ONLY_ENV) == "1"


def data_file_errors() -> list[str]:
    from checks.rules import load_rules
    from scoring.rubrics import load_rubrics
    errors = []
    for load in (load_rules, load_rubrics):
        try:
            load()
        except RulesError as exc:
            errors.append(str(exc))
    return errors


def refuse_to_start_on_bad_data() -> None:
    """Server start: print what is wrong and exit, so the admin sees it in the console."""
    errors = data_file_errors()
    if errors:
        print("无法启动：数据文件有误，请修正后重新启动。\n" + "\n".join(errors), file=sys.stderr, flush=True)
        raise SystemExit(2)


_WRITABLE: dict[str, tuple[float, bool]] = {}


def data_dir_writable() -> bool:
    """Checked by really creating a file (root ignores permission bits), at most every 30 s."""
    import time
    from accounts import data_dir
    from scoring.db_errors import writable
    root = str(data_dir())
    seen = _WRITABLE.get(root)
    if seen is None or time.monotonic() - seen[0] > 30:
        seen = _WRITABLE[root] = (time.monotonic(), writable(root))
    return seen[1]


def warn_read_only_data() -> None:
    """Every page names a read-only data folder as the cause, instead of a traceback or a
    database said to be "occupied"."""
    import streamlit as st
    from accounts import data_dir
    from scoring.db_errors import read_only_message
    if not data_dir_writable():
        st.error(read_only_message(data_dir()), icon="⚠️")


def stop_page_on_bad_data() -> None:
    import streamlit as st
    with st.container():        # a fixed slot: a warning that comes and goes must not move the page below
        warn_read_only_data()
    errors = data_file_errors()
    if errors:
        st.error("系统配置文件有误，暂时无法使用。请管理员修正以下问题：")
        for e in errors:
            st.code(e, language=None)
        st.stop()


def create_admin_on_first_start() -> None:
    """Server start: on a fresh data dir create the admin and print its one-time password now,
    so whoever started the server sees it before anyone opens a page."""
    from accounts import AccountStore, data_dir
    from accounts.store import admin_banner
    root = data_dir()
    password = AccountStore(root).ensure_initialized()
    if password:
        print(admin_banner(password, root / "auth.yaml"), flush=True)
