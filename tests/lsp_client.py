"""A small Language Server Protocol client, to drive the real ``yaml-language-server`` over stdio.

It does what an editor does and no more: initialize, send the ``yaml`` settings (validation on,
no schema store: the machine has no internet), open a file by its ``file://`` URI (the server
resolves the relative ``$schema`` modeline against it) and wait for the diagnostics, or ask for
completion. Every wait has a deadline, so a server that hangs fails the test instead of hanging it.
"""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

SERVER = Path(__file__).parent / "clients" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"
SETTINGS = {"yaml": {"validate": True, "completion": True, "hover": True, "format": {"enable": False},
                     "schemaStore": {"enable": False}, "schemas": {}, "yamlVersion": "1.2"}}


class LspError(RuntimeError):
    """The server did not answer in time, or answered with an error."""


class LspClient:
    """One running ``yaml-language-server --stdio``; use as a context manager."""

    def __init__(self, root: Path, *, timeout: float = 30.0) -> None:
        self.root = root
        self.timeout = timeout
        self._next_id = 0
        self._messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.diagnostics: dict[str, list[dict[str, Any]]] = {}
        self._process = subprocess.Popen(
            ["node", str(SERVER), "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, cwd=root)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def __enter__(self) -> LspClient:
        self.request("initialize", {
            "processId": None, "rootUri": self.root.as_uri(), "workspaceFolders": [
                {"uri": self.root.as_uri(), "name": self.root.name}],
            "capabilities": {"textDocument": {
                "publishDiagnostics": {"relatedInformation": False},
                "completion": {"completionItem": {"snippetSupport": False}},
            }, "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": False}}},
        })
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": SETTINGS})
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if self._process.poll() is None:
                self.request("shutdown", None, timeout=5)
                self.notify("exit", None)
                self._process.wait(timeout=5)
        except (LspError, OSError, subprocess.TimeoutExpired):
            pass
        finally:
            if self._process.poll() is None:
                self._process.kill()
                self._process.wait(timeout=5)
            self._reader.join(timeout=5)
            for stream in (self._process.stdin, self._process.stdout):
                if stream is not None:
                    stream.close()

    # -- the protocol ------------------------------------------------------------------------------
    def _send(self, message: dict[str, Any]) -> None:
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self._process.stdin is not None
        self._process.stdin.write(f"Content-Length: {len(body)}\r\n\r\n".encode("ascii") + body)
        self._process.stdin.flush()

    def _read(self) -> None:
        stream = self._process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    self._messages.put(None)
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            if length is None:
                continue
            self._messages.put(json.loads(stream.read(length)))

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: Any, *, timeout: float | None = None) -> Any:
        self._next_id += 1
        ident = self._next_id
        self._send({"id": ident, "method": method, "params": params})
        found = self._wait(lambda m: m.get("id") == ident and "method" not in m, timeout)
        if "error" in found:
            raise LspError(f"{method}: {found['error']}")
        return found.get("result")

    def _wait(self, wanted: Any, timeout: float | None) -> dict[str, Any]:
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise LspError("yaml-language-server did not answer in time")
            try:
                message = self._messages.get(timeout=left)
            except queue.Empty:
                continue
            if message is None:
                raise LspError("yaml-language-server exited")
            self._handle(message)
            if wanted(message):
                return message

    def _handle(self, message: dict[str, Any]) -> None:
        method = message.get("method")
        if method == "textDocument/publishDiagnostics":
            params = message["params"]
            self.diagnostics[params["uri"]] = params["diagnostics"]
        elif method is not None and "id" in message:  # a request from the server: answer it
            result: Any = None
            if method == "workspace/configuration":
                result = [SETTINGS.get(item.get("section", "")) for item in message["params"]["items"]]
            self._send({"id": message["id"], "result": result})

    # -- what the tests ask ------------------------------------------------------------------------
    def open(self, path: Path) -> str:
        """Open ``path`` as an editor does; its URI."""
        uri = path.resolve().as_uri()
        self.diagnostics.pop(uri, None)
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": path.read_text(encoding="utf-8")}})
        return uri

    def diagnose(self, path: Path, *, settle: float = 1.0) -> list[dict[str, Any]]:
        """The diagnostics the server publishes for ``path`` (waiting until they stop changing)."""
        uri = self.open(path)
        self._wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                   and m["params"]["uri"] == uri, None)
        end = time.monotonic() + settle  # a later, revised publication replaces the first
        while (left := end - time.monotonic()) > 0:
            try:
                message = self._messages.get(timeout=left)
            except queue.Empty:
                break
            if message is None:
                break
            self._handle(message)
        return self.diagnostics[uri]

    def complete(self, path: Path, line: int, character: int) -> list[dict[str, Any]]:
        """Completion items at a 0-based position of the open document ``path``."""
        result = self.request("textDocument/completion", {
            "textDocument": {"uri": path.resolve().as_uri()}, "position": {"line": line, "character": character}})
        items = result.get("items", []) if isinstance(result, dict) else (result or [])
        return list(items)
