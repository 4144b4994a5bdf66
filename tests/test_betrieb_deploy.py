"""deploy/ (issue 21): the systemd units verify and are hardened, nginx's configuration is valid, its
body limit is REQUEST_MAX_BYTES, and its access log never holds an applicant's link token (nginx run
for real in front of a stand-in backend)."""

import configparser
import importlib.util
import ssl
import subprocess
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.conf import settings

from tests.worker.processes import wait_until

DEPLOY = Path(settings.BASE_DIR) / "deploy"
spec = importlib.util.spec_from_file_location("deploy_check", DEPLOY / "check.py")
check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(check)

needs_nginx = pytest.mark.skipif(
    not check.nginx_binary(), reason="nginx not installed (Debian: apt-get install nginx)"
)


def unit(name):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(DEPLOY / "systemd" / name)
    return parser


def test_units_pass_systemd_analyze_verify():
    ok, output = check.units_verify()
    if ok is None:
        pytest.skip(output)

    assert ok, output


@pytest.mark.parametrize(
    "name",
    [
        "aktionsfonds-web.service",
        "aktionsfonds-worker.service",
        "aktionsfonds-beat.service",
        "aktionsfonds-backup.service",
    ],
)
def test_units_run_hardened_as_their_own_user_with_the_environment_file(name):
    service = unit(name)["Service"]

    assert service["User"] == "aktionsfonds"
    assert service["EnvironmentFile"] == "/etc/aktionsfonds/aktionsfonds.env"
    assert service["ProtectSystem"] == "strict"
    assert service["NoNewPrivileges"] == "yes"
    assert service["ProtectHome"] == "yes"
    assert service["PrivateTmp"] == "yes"
    assert service["CapabilityBoundingSet"] == ""
    assert service["ExecStart"].startswith("/opt/aktionsfonds/.venv/bin/")


def test_nginx_body_limit_is_request_max_bytes():
    assert check.nginx_body_limit() == check.request_max_bytes() == 11 * 1024 * 1024


@needs_nginx
def test_nginx_configuration_is_valid():
    ok, output = check.nginx_test()

    assert ok, output


class Backend(BaseHTTPRequestHandler):
    seen = []
    requests = []  # (method, path, X-Original-URI, Content-Length)

    def do_GET(self):
        Backend.seen.append((self.path, self.headers.get("X-Request-ID")))
        Backend.requests.append(
            (
                self.command,
                self.path,
                self.headers.get("X-Original-URI"),
                self.headers.get("Content-Length"),
            )
        )
        body = b"ok"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_POST = do_GET

    def log_message(self, *args):
        pass


@pytest.fixture
def nginx(tmp_path):
    backend = ThreadingHTTPServer(("127.0.0.1", 0), Backend)
    threading.Thread(target=backend.serve_forever, daemon=True).start()
    https_port = check.free_port()
    conf = check.nginx_render(
        tmp_path,
        http_port=check.free_port(),
        https_port=https_port,
        backend_port=backend.server_address[1],
    )
    process = subprocess.Popen(
        [check.nginx_binary(), "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until(
            lambda: _answers(https_port) or process.poll() is not None,
            timeout=30,
            message="nginx to listen",
        )
        assert process.poll() is None, process.stderr.read().decode()
        yield f"https://127.0.0.1:{https_port}", tmp_path / "aktionsfonds.access.log"
    finally:
        process.terminate()
        process.wait(timeout=30)
        backend.shutdown()
        backend.server_close()


def _answers(port):
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def fetch(url, *, data=None, headers=None):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, context=context, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@needs_nginx
def test_nginx_access_log_holds_no_link_token(nginx):
    base, access_log = nginx
    token = "geheim-" + "t0ken" * 8
    Backend.seen.clear()

    link = fetch(f"{base}/mein-antrag/zugang/{token}/?weiter=1")
    after = fetch(
        f"{base}/mein-antrag/", headers={"Referer": f"{base}/mein-antrag/zugang/{token}/"}
    )

    assert (link, after) == (200, 200)
    [(path, request_id), _] = Backend.seen
    assert path == f"/mein-antrag/zugang/{token}/?weiter=1"  # the app still gets the link
    log = wait_until(
        lambda: access_log.exists() and access_log.read_text().count("\n") >= 2 and access_log,
        timeout=30,
        message="two access log lines",
    ).read_text()
    assert token not in log
    first, second = log.splitlines()
    assert '"GET /mein-antrag/zugang/[redacted]/?weiter=1 HTTP/1.1" 200' in first
    assert first.endswith(request_id)  # the app's request id is nginx's: one id in both logs
    assert f'"{base}/mein-antrag/zugang/[redacted]/"' in second


@needs_nginx
def test_nginx_refuses_a_body_over_the_limit_before_the_app(nginx):
    base, _log = nginx
    Backend.requests.clear()

    too_big = fetch(f"{base}/antrag/", data=b"x" * (settings.REQUEST_MAX_BYTES + 1))
    fits = fetch(f"{base}/antrag/", data=b"x" * 1024)

    assert (too_big, fits) == (413, 200)
    # The body never reaches the app; the app's 413 page is asked for with a GET, told the form.
    assert Backend.requests == [
        ("GET", "/fehler/zu-gross/", "/antrag/", None),
        ("POST", "/antrag/", None, "1024"),
    ]


def test_environment_example_loads_in_a_shell_and_every_variable_is_read():
    example = DEPLOY / "aktionsfonds.env.example"
    shell = subprocess.run(
        ["sh", "-c", f'set -a; . "{example}"; env -0'],
        capture_output=True,
        check=True,
        env={"PATH": "/usr/bin:/bin"},
    )
    loaded = dict(item.split("=", 1) for item in shell.stdout.decode().split("\0") if "=" in item)
    keys = [
        line.split("=", 1)[0]
        for line in example.read_text().splitlines()
        if line and not line.startswith("#")
    ]
    readers = "".join(
        (Path(settings.BASE_DIR) / name).read_text()
        for name in (
            "aktionsfonds/settings.py",
            "celeryconfig.py",
            "aktionsfonds/health.py",
            "deploy/gunicorn.conf.py",
            "deploy/systemd/aktionsfonds-worker.service",
        )
    )

    assert loaded["DEFAULT_FROM_EMAIL"] == "Aktionsfonds <aktionsfonds@example.berlin>"
    assert {key: loaded.get(key) is not None for key in keys} == dict.fromkeys(keys, True)
    assert [key for key in keys if f'"{key}"' not in readers and "${" + key not in readers] == []
