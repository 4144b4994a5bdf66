"""Checks of deploy/ that CI runs (`make check-deploy`, tests/test_betrieb_deploy.py):

- the systemd units pass ``systemd-analyze verify`` (with /opt/aktionsfonds pointed at this checkout,
  so the programs they start exist),
- the nginx site passes ``nginx -t`` inside a minimal nginx.conf (a throw-away certificate, free
  ports, logs in a temporary folder), when nginx is installed,
- nginx's body limit is the settings' ``REQUEST_MAX_BYTES``.

    .venv/bin/python deploy/check.py
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
ROOT = DEPLOY.parent
PREFIX = "/opt/aktionsfonds"
UNITS = sorted(
    p for p in (DEPLOY / "systemd").iterdir() if p.suffix in {".service", ".timer", ".target"}
)


def units_render(into):
    """The units with /opt/aktionsfonds replaced by this checkout, written into ``into``."""
    paths = []
    for unit in UNITS:
        target = Path(into) / unit.name
        target.write_text(unit.read_text().replace(PREFIX, str(ROOT)))
        paths.append(target)
    return paths


def units_verify():
    """``systemd-analyze verify`` of every unit: (ok, output)."""
    analyze = shutil.which("systemd-analyze")
    if not analyze:
        return None, "systemd-analyze not installed (Debian: apt-get install systemd)"
    with tempfile.TemporaryDirectory() as folder:
        paths = units_render(folder)
        result = subprocess.run(
            [analyze, "verify", *map(str, paths)],
            capture_output=True,
            text=True,
            env={**os.environ, "SYSTEMD_LOG_COLOR": "0"},
        )
    # verify also reports on units it pulls in from the machine (multi-user.target, …); only
    # lines about ours count
    ours = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if "aktionsfonds" in line and "Failed to put bus name" not in line
    ]
    return result.returncode == 0 and not ours, "\n".join(ours) or result.stderr


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def nginx_body_limit():
    text = (DEPLOY / "nginx" / "aktionsfonds.conf").read_text()
    return int(re.search(r"^\s*client_max_body_size (\d+);", text, re.M).group(1))


def nginx_render(folder, *, http_port, https_port, backend_port):
    """A runnable nginx.conf around deploy/nginx/aktionsfonds.conf in ``folder``: throw-away TLS
    certificate, the given ports, logs and pid file inside ``folder``. Returns its path."""
    folder = Path(folder)
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=aktionsfonds.example.berlin",
            "-keyout",
            str(folder / "key.pem"),
            "-out",
            str(folder / "cert.pem"),
        ],
        check=True,
        capture_output=True,
    )
    site = (DEPLOY / "nginx" / "aktionsfonds.conf").read_text()
    replacements = {
        "/etc/letsencrypt/live/aktionsfonds.example.berlin/fullchain.pem": folder / "cert.pem",
        "/etc/letsencrypt/live/aktionsfonds.example.berlin/privkey.pem": folder / "key.pem",
        "/var/log/nginx/": f"{folder}/",
        "/var/www/letsencrypt": folder / "acme",
        "listen [::]:80;": "",
        "listen [::]:443 ssl http2;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{backend_port};",
    }
    for old, new in replacements.items():
        assert old in site, old
        site = site.replace(old, str(new))
    (folder / "site.conf").write_text(site)
    mime = "include /etc/nginx/mime.types;" if Path("/etc/nginx/mime.types").exists() else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        f"pid {folder}/nginx.pid;\n"
        f"error_log {folder}/main-error.log;\n"
        "events { worker_connections 64; }\n"
        "http {\n"
        f"  {mime}\n"
        f"  client_body_temp_path {folder}/body;\n"
        f"  proxy_temp_path {folder}/proxy;\n"
        f"  fastcgi_temp_path {folder}/fastcgi;\n"
        f"  uwsgi_temp_path {folder}/uwsgi;\n"
        f"  scgi_temp_path {folder}/scgi;\n"
        f"  include {folder}/site.conf;\n"
        "}\n"
    )
    return conf


def nginx_binary():
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None
    )


def nginx_test():
    """``nginx -t`` of the site inside a minimal main configuration: (ok, output)."""
    nginx = nginx_binary()
    if not nginx:
        return None, "nginx not installed (Debian: apt-get install nginx)"
    with tempfile.TemporaryDirectory() as folder:
        conf = nginx_render(folder, http_port=free_port(), https_port=free_port(), backend_port=1)
        result = subprocess.run(
            [nginx, "-t", "-p", folder, "-c", str(conf)], capture_output=True, text=True
        )
    return result.returncode == 0, result.stderr


def request_max_bytes():
    """REQUEST_MAX_BYTES of the production settings with the defaults of the environment file."""
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.REQUEST_MAX_BYTES)"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"REQUEST_MAX_BYTES", "UPLOAD_MAX_BYTES", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="aktionsfonds.settings",
        PRODUCTION="1",
        SECRET_KEY="check-" + "x" * 50,
    )
    with tempfile.TemporaryDirectory() as folder:
        env["AKTIONSFONDS_VAR_DIR"] = folder
        out = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True
        )
    return int(out.stdout.strip())


def main():
    failed = False
    for name, (ok, output) in (
        ("systemd-analyze verify", units_verify()),
        ("nginx -t", nginx_test()),
    ):
        if ok is None:
            print(f"skipped {name}: {output}")
        else:
            print(f"{'ok' if ok else 'FAILED'}: {name}" + ("" if ok else f"\n{output}"))
            failed |= not ok
    limit, settings_limit = nginx_body_limit(), request_max_bytes()
    same = limit == settings_limit
    print(
        f"{'ok' if same else 'FAILED'}: nginx client_max_body_size {limit} "
        f"= REQUEST_MAX_BYTES {settings_limit}"
    )
    failed |= not same
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
