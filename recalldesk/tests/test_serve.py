"""`make run` (bin/serve) serves pages and runs the task consumer; when one stops, both stop."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _children(pid: int) -> dict[str, int]:
    """The direct children of pid, by what they run: "gunicorn" or "run_huey"."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(fields[1]) == pid:
            for name in ("gunicorn", "run_huey"):
                if name in command:
                    found[name] = int(stat.parent.name)
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _wait_until(condition, timeout: float = 30.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def served(tmp_path):
    """bin/serve running as `make run` runs it; yields (process, port, its children)."""
    port = _free_port()
    environment = {
        **os.environ,
        "RECALLDESK_VAR_DIR": str(tmp_path),
        "HUEY_IMMEDIATE": "0",
        "DEBUG": "0",
        # Only so that pages render without `collectstatic`'s manifest.
        "RECALLDESK_TESTING": "1",
    }
    log = (tmp_path / "serve.log").open("w")
    process = subprocess.Popen(  # noqa: S603 (our own command line)
        [sys.executable, "bin/serve", "recalldesk.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=settings.BASE_DIR,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        assert _wait_until(lambda: len(_children(process.pid)) == 2), (
            tmp_path / "serve.log"
        ).read_text()
        yield process, port, _children(process.pid)
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def _get(port: int, path: str):
    deadline = time.monotonic() + 30
    while True:
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30)  # noqa: S310
        except (ConnectionError, urllib.error.URLError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def test_serve_answers_over_plain_http_and_stops_both_on_sigterm(served):
    process, port, children = served

    page = _get(port, "/admin/login/")
    assert page.status == 200
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert _running(children["run_huey"])

    process.send_signal(signal.SIGTERM)

    assert process.wait(timeout=40) == 0
    assert not _running(children["gunicorn"])
    assert not _running(children["run_huey"])


def test_when_gunicorn_stops_the_consumer_is_stopped_too(served):
    process, _, children = served

    os.kill(children["gunicorn"], signal.SIGTERM)

    assert process.wait(timeout=40) != 0
    assert not _running(children["run_huey"])


def test_when_the_consumer_dies_the_web_server_is_stopped_too(served):
    process, _, children = served

    os.kill(children["run_huey"], signal.SIGKILL)

    assert process.wait(timeout=40) != 0
    assert not _running(children["gunicorn"])
