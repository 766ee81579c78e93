"""The app refuses to start on a broken rules file and names the line; a good one starts."""
from __future__ import annotations

import os
import subprocess
import sys

from checks.rules import RULES_PATH
from tests.conftest import REPO


def test_a_typo_in_the_rules_stops_the_server_with_the_line(tmp_path):
    bad = tmp_path / "contest.yaml"
    text = RULES_PATH.read_text(encoding="utf-8")
    old = "accepts: [video], format_text: MP4,"
    line = text[: text.index(old)].count("\n") + 1
    bad.write_text(text.replace(old, "accepts: [vidoe], format_text: MP4,", 1), encoding="utf-8")
    env = {**os.environ, "CONTEST_RULES": str(bad), "RATING_DATA_DIR": str(tmp_path / "data")}
    p = subprocess.run([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                        "--server.port", "0", "--browser.gatherUsageStats", "false"],
                       cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 2
    assert "无法启动" in p.stderr and f"第 {line} 行" in p.stderr and "'vidoe'" in p.stderr


def test_the_shipped_data_files_are_valid():
    from ui.startup import data_file_errors
    assert data_file_errors() == []


def test_the_first_server_start_prints_a_random_admin_password_once(tmp_path):
    import re
    import time

    import bcrypt
    import yaml

    def start():
        env = {**os.environ, "RATING_DATA_DIR": str(tmp_path)}
        proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                                 "--server.port", "0", "--browser.gatherUsageStats", "false"],
                                cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        out, deadline = "", time.monotonic() + 60
        while time.monotonic() < deadline and "URL" not in out:
            out += proc.stdout.readline()
        time.sleep(1.5)           # the banner follows the URL lines
        proc.terminate()
        rest, _ = proc.communicate(timeout=20)
        return out + rest

    first = start()
    password = re.search(r"密码：\s*(\S+)", first).group(1)
    stored = (tmp_path / "auth.yaml").read_text(encoding="utf-8")
    assert password not in stored
    hashed = yaml.safe_load(stored)["credentials"]["usernames"]["admin"]["password"]
    assert bcrypt.checkpw(password.encode(), hashed.encode())
    assert "密码：" not in start()            # printed once, never again
