"""Starlette routes under a real uvicorn server in this process, on a socket bound to port 0 before the
server starts (no race for the port between xdist workers); used by the route tests."""
from __future__ import annotations

import contextlib
import socket
import threading
import time


@contextlib.contextmanager
def serve_routes(routes: list, start_timeout_s: float = 30):
    """Yield (host, port) while `routes` are served; stop the server afterwards."""
    import uvicorn
    from starlette.applications import Starlette

    sock = socket.create_server(("127.0.0.1", 0))
    srv = uvicorn.Server(uvicorn.Config(Starlette(routes=routes), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=srv.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout_s
    while not srv.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the route server did not start"
        time.sleep(0.05)
    try:
        yield sock.getsockname()[:2]
    finally:
        srv.should_exit = True
        thread.join(10)
