"""Before Faust starts: wait for a reachable broker with backoff instead of exiting (Faust's producer
gives up at once when it cannot bootstrap, which makes a crash loop under a supervisor), answering on
the web port meanwhile: /healthz alive, /readyz not ready."""

from __future__ import annotations

import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from workers.config import Settings
from workers.security import bootstrap_addresses

FIRST_DELAY_S = 0.5
MAX_DELAY_S = 30.0


def reachable(settings: Settings, timeout: float = 2.0) -> bool:
    """Whether any bootstrap server accepts a TCP connection."""
    for host, port in bootstrap_addresses(settings.bootstrap_servers):
        try:
            with socket.create_connection((host, port), timeout=timeout):
                return True
        except OSError:
            continue
    return False


class _Waiting(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # the http.server API names it so
        status, body = {
            "/healthz": (200, b'{"status": "alive"}'),
            "/readyz": (503, b'{"ready": false, "reason": "waiting for a Kafka broker"}'),
        }.get(self.path, (404, b'{"error": "not found"}'))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass  # probes every few seconds would flood the log


def wait_for_broker(settings: Settings, max_delay: float = MAX_DELAY_S) -> None:
    if reachable(settings):
        return
    server = ThreadingHTTPServer((settings.web_host, settings.web_port), _Waiting)
    thread = threading.Thread(target=server.serve_forever, name="wirestream-waiting", daemon=True)
    thread.start()
    try:
        delay = FIRST_DELAY_S
        while not reachable(settings):
            print(
                f"wirestream: no Kafka broker reachable at {settings.bootstrap_servers}; retrying in {delay:g} s",
                file=sys.stderr,
                flush=True,
            )
            time.sleep(delay)
            delay = min(delay * 2, max_delay)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
