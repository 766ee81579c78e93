"""A call that occupies a pool slot until the test creates a file: a real pool process, busy for as
long as the test needs, without any timing guess. Importable by the pool's processes."""
from __future__ import annotations

import os
import time


def hold(flag: str, limit_s: float = 120.0) -> str:
    deadline = time.monotonic() + limit_s
    while not os.path.exists(flag) and time.monotonic() < deadline:
        time.sleep(0.05)
    return "released"
