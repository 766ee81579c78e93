"""Run a parser on an untrusted file where a runaway can be stopped: a child process with a wall-clock
timeout, a CPU-time limit and an address-space limit (resource.setrlimit in the child).

Why: a 1 MB .docx can inflate to 1 GiB of XML, a crafted PDF can loop; in the server process either
would hold a core and the memory of every session. The child gets the call as JSON on stdin
(`module:function` plus arguments) and answers JSON on stdout; any failure of the child (timeout,
memory, crash, exception) becomes `TooComplex` with the one message the viewers show.

    python -m scoring.limits   (the child side; never run by hand)
"""
from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

from scoring.errors import ScoringError

REFUSED = "文件过大或结构异常，无法预览。"
DEFAULT_TIMEOUT_S = 60
DEFAULT_MEMORY = 1536 * 1024**2
_REPO = Path(__file__).resolve().parents[1]


class TooComplex(ScoringError):
    """The file could not be processed within the limits (or broke the parser)."""

    def __init__(self, message: str = REFUSED, detail: str = "") -> None:
        super().__init__(message)
        self.detail = detail


class Refused(Exception):
    """Raised inside the child by a pre-pass that found the file too big: passed on as TooComplex."""


def run_limited(target: str, *args, timeout: float = DEFAULT_TIMEOUT_S, memory: int = DEFAULT_MEMORY,
                allowed: tuple[str, ...] = ("scoring.",)):
    """`module:function(*args)` in a child process under the limits; returns its JSON result."""
    module = target.split(":", 1)[0]
    if not module.startswith(allowed):
        raise ValueError(f"not an allowed target: {target}")
    payload = json.dumps({"target": target, "args": list(args), "memory": int(memory),
                          "cpu": int(timeout) + 1})
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(_REPO), os.environ.get("PYTHONPATH")]))}
    try:
        proc = subprocess.run([sys.executable, "-m", "scoring.limits"], input=payload.encode(),
                              capture_output=True, timeout=timeout, cwd=_REPO, env=env)
    except subprocess.TimeoutExpired:
        raise TooComplex(detail=f"{target}: timeout after {timeout}s")
    if proc.returncode != 0:
        raise TooComplex(detail=f"{target}: exit {proc.returncode}: {proc.stderr[-2000:].decode(errors='replace')}")
    try:
        answer = json.loads(proc.stdout)
    except ValueError:
        raise TooComplex(detail=f"{target}: unreadable answer")
    if "error" in answer:
        raise TooComplex(detail=answer["error"])
    return answer["result"]


def _child() -> int:
    import resource
    request = json.loads(sys.stdin.buffer.read())
    resource.setrlimit(resource.RLIMIT_AS, (request["memory"], request["memory"]))
    resource.setrlimit(resource.RLIMIT_CPU, (request["cpu"], request["cpu"] + 1))
    module, func = request["target"].split(":", 1)
    try:
        result = getattr(importlib.import_module(module), func)(*request["args"])
    except Exception as exc:        # a cap hit (Refused), or a parser failing on hostile input
        answer = {"error": f"{type(exc).__name__}: {exc}"}
    else:
        answer = {"result": result}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(_child())
