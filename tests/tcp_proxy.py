"""A small threaded TCP forwarding proxy for the broker-outage tests: listens on one loopback port and
forwards every connection to a target port. `cut()` closes the listener (new connections are refused)
and every live connection; `restore()` listens again on the same port."""

from __future__ import annotations

import contextlib
import socket
import threading


class TcpProxy:
    def __init__(self, listen_port: int, target_port: int, host: str = "127.0.0.1") -> None:
        self.host = host
        self.listen_port = listen_port
        self.target_port = target_port
        self.connections = 0  # accepted so far, over the proxy's whole life
        self._lock = threading.Lock()
        self._live: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._accepting: threading.Thread | None = None
        self._stop = threading.Event()

    # -- control ---------------------------------------------------------------------------------

    def start(self) -> TcpProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.listen_port))
        listener.listen(128)
        listener.settimeout(0.2)
        self._listener = listener
        self._stop.clear()
        self._accepting = threading.Thread(target=self._accept_loop, args=(listener,), daemon=True)
        self._accepting.start()
        return self

    def cut(self) -> None:
        """Refuse new connections and drop every live one."""
        self._stop.set()
        if self._accepting:
            self._accepting.join(timeout=5)
            self._accepting = None
        if self._listener:
            self._listener.close()
            self._listener = None
        with self._lock:
            live, self._live = self._live, set()
        for sock in live:
            _close(sock)

    def restore(self) -> None:
        self.start()

    def stop(self) -> None:
        self.cut()

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- forwarding ------------------------------------------------------------------------------

    def _accept_loop(self, listener: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection((self.host, self.target_port), timeout=5)
            except OSError:
                _close(client)
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                if self._stop.is_set():  # cut while connecting
                    _close(client)
                    _close(upstream)
                    return
                self._live.update((client, upstream))
                self.connections += 1
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._live.discard(src)
                self._live.discard(dst)
            _close(src)
            _close(dst)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
