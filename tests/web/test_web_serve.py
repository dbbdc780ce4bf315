"""``csto serve``: binds 127.0.0.1 by default, prints its address, answers there; a port in use is the user's error."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import urllib.request


def test_serve_prints_its_loopback_address_and_answers_there():
    proc = subprocess.Popen([sys.executable, "-m", "csto", "serve", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert line.startswith("csto is serving http://127.0.0.1:"), line
        address = line.split()[3]
        with urllib.request.urlopen(address + "api/check", timeout=30) as r:
            body = json.load(r)
        assert body["ok"] is True and body["command"] == "check"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_a_port_in_use_is_refused_with_exit_2():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "csto", "serve", "--port", str(port)], capture_output=True,
                              text=True, timeout=120)
    assert done.returncode == 2, done.stdout + done.stderr
    assert f"cannot listen on 127.0.0.1:{port}" in done.stderr and "Traceback" not in done.stderr


def test_serve_and_site_are_listed_by_csto_help():
    done = subprocess.run([sys.executable, "-m", "csto", "--help"], capture_output=True, text=True, timeout=60,
                          env={"COLUMNS": "200", "PATH": ""})
    assert " serve " in done.stdout and " site " in done.stdout
