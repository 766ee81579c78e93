"""Server memory while a reviewer plays a ~500 MB video.

Baseline (same run): what `st.video(path)` does in the server, i.e. Streamlit's in-memory media
storage loading the file (`MemoryMediaFileStorage.load_and_get_id`), measured in a child process.
Measured: the real app (`streamlit run app.py`) serving the file through its Range route
(ui/review/media_route.py) while a client plays it like a browser does: sequential 2 MiB ranges through
the whole file plus 40 random seeks. Growth = peak RSS (VmHWM) during playback − RSS before.

    .venv/bin/python bench/bench_video_rss.py [--size-mb 500]
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def proc_kb(pid: int | str, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def make_video(path: Path, size_mb: int) -> Path:
    from samplegen.media import make_long_video
    probe = make_long_video(path, minutes=1, bitrate_kbps=3800)
    per_min = probe.stat().st_size
    return make_long_video(path, minutes=size_mb * 1e6 / per_min, bitrate_kbps=3800)


def baseline_in_memory(path: Path) -> int:
    """KiB of RSS growth when Streamlit's media storage takes the file (what st.video(path) does)."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "def rss():\n"
        "    return int([l for l in Path('/proc/self/status').read_text().splitlines()"
        " if l.startswith('VmRSS:')][0].split()[1])\n"
        "from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage\n"
        "s = MemoryMediaFileStorage('/media')\n"
        "before = rss()\n"
        "s.load_and_get_id(sys.argv[1], 'video/mp4', 'video')\n"
        "print(rss() - before)\n")
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True)
    return int(out.stdout.strip().splitlines()[-1])


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(data_dir: Path, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    env = {**os.environ, "RATING_DATA_DIR": str(data_dir)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none"],
        cwd=REPO, env=env, stdout=open(log, "wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/_stcore/health")
            if c.getresponse().status == 200:
                return proc, port
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"server did not start; see {log}")


def play(port: int, url_path: str, size: int, pid: int) -> tuple[int, int]:
    """Read like a <video> element: sequential ranges, then seeks. Returns (bytes read, peak KiB)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    chunk, read = 2 << 20, 0
    ranges = [(s, min(size, s + chunk) - 1) for s in range(0, size, chunk)]
    rng = random.Random(1)
    ranges += [(s, min(size, s + (1 << 20)) - 1) for s in (rng.randrange(size) for _ in range(40))]
    for start, end in ranges:
        conn.request("GET", url_path, headers={"Range": f"bytes={start}-{end}"})
        r = conn.getresponse()
        body = r.read()
        if r.status != 206 or len(body) != end - start + 1:
            raise SystemExit(f"range {start}-{end}: HTTP {r.status}, {len(body)} bytes")
        read += len(body)
    return read, proc_kb(pid, "VmHWM")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=500)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-video-") as tmp:
        tmp = Path(tmp)
        data_dir = tmp / "data"
        os.environ["RATING_DATA_DIR"] = str(data_dir)
        from accounts import AccountStore
        AccountStore(data_dir).ensure_initialized()
        video = make_video(tmp / "lesson.mp4", args.size_mb)
        size = video.stat().st_size
        print(f"video: {size / 1e6:.0f} MB")

        base_kib = baseline_in_memory(video)
        print(f"baseline st.video(path) in-memory storage: +{base_kib / 1024:.0f} MiB RSS")

        proc, port = start_app(data_dir, tmp / "server.log")
        try:
            from ui.review.media_route import file_url
            url = urllib.parse.urlparse(f"http://127.0.0.1:{port}" + file_url(video, "video/mp4")).path
            time.sleep(1.0)
            before = proc_kb(proc.pid, "VmRSS")
            t0 = time.perf_counter()
            read, peak = play(port, url, size, proc.pid)
            secs = time.perf_counter() - t0
            grow = max(0, peak - before)
            print(f"range route: read {read / 1e6:.0f} MB in {secs:.1f} s "
                  f"({read / 1e6 / secs:.0f} MB/s); server RSS {before / 1024:.0f} MiB before, "
                  f"peak {peak / 1024:.0f} MiB: +{grow / 1024:.1f} MiB")
            print(f"ratio (route growth / baseline growth): {grow / max(base_kib, 1):.4f}")
            print(f"route growth as share of file size: {grow * 1024 / size:.2%}")
        finally:
            proc.terminate()
            proc.wait(timeout=10)


if __name__ == "__main__":
    main()
