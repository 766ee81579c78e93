"""The page's wait for a check in the pool (ui/selfcheck/upload.py `_wait`): while the pool is busy it
says how many works are ahead, then it returns the real report."""
from __future__ import annotations

import threading

from checkpool import CheckPool
from tests.checkpool.holding import hold
from ui.selfcheck.upload import _wait


class Bar:
    """Records what the page's progress bar was told, and lets the pool go once the queue was shown."""

    def __init__(self, release):
        self.texts: list[str] = []
        self.release = release

    def progress(self, value, text=None):
        self.texts.append(text)
        if text and text.startswith("排队等待"):
            self.release()


def test_a_waiting_check_shows_its_place_then_its_report(tmp_path):
    pool = CheckPool(size=1, max_queue=5)
    try:
        flag = tmp_path / "go"
        busy = pool.submit_call(hold, str(flag))
        other = pool.submit_call(hold, str(flag))
        doc = tmp_path / "说明.txt"
        doc.write_text("说明", encoding="utf-8")
        mine = pool.submit([doc], progress_file=tmp_path / "p.json")
        bar = Bar(lambda: threading.Timer(0.1, flag.touch).start())
        report = _wait(mine, tmp_path / "p.json", bar)
        assert bar.texts[0] == "排队等待：前面还有 2 份作品在检查，请稍候……"
        assert report.verdict == "pass" and [f.path for f in report.files][0].endswith("说明.txt")
        assert busy.done() and other.done()
    finally:
        pool.shutdown()
