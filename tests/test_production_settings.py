"""Production settings fail closed; personal pages are never cached; request bodies are capped."""

import os
import secrets
import stat
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def run(args, tmp_path, **env):
    unset = {
        "DEBUG",
        "SECRET_KEY",
        "PRODUCTION",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }  # the last: browser suite
    base = {k: v for k, v in os.environ.items() if k not in unset}
    base.update(DJANGO_SETTINGS_MODULE="aktionsfonds.settings", AKTIONSFONDS_VAR_DIR=str(tmp_path))
    base.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="aktionsfonds.example.berlin",
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_turns_on_https_only_settings(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = run(["-c", code], tmp_path, PRODUCTION="1", SECRET_KEY=secrets.token_urlsafe(50))

    assert result.stdout.split(None, 4) == [
        "31536000",
        "True",
        "True",
        "True",
        "('HTTP_X_FORWARDED_PROTO', 'https')\n",
    ]


@pytest.mark.parametrize("entry", ["aktionsfonds.wsgi", "aktionsfonds.celery"])
def test_web_and_worker_refuse_to_start_without_secret_key(tmp_path, entry):
    code = f"import {entry}; import django; django.setup()"
    result = run(["-c", code], tmp_path)

    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_development_gets_a_random_key_under_var_made_once(tmp_path):
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    first = run(["-c", code], tmp_path, DEBUG="1")
    second = run(
        [
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.SECRET_KEY)",
        ],
        tmp_path,
    )

    key = (tmp_path / "secret_key").read_text().strip()
    assert first.stdout.strip() == second.stdout.split()[-1] == key
    assert len(key) >= 50 and key != run(["-c", code], tmp_path / "other", DEBUG="1").stdout.strip()
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_debug_and_production_together_refuse_to_start(tmp_path):
    result = run(["-c", "import django; django.setup()"], tmp_path, DEBUG="1", PRODUCTION="1")

    assert result.returncode != 0 and "DEBUG must be off" in result.stderr


def test_personal_pages_are_never_cached(client, staff_login, antrag, qm_user):
    from antraege.roles import grant_applicant_access

    session = client.session
    grant_applicant_access(session, antrag)
    session.save()
    mein = client.get(reverse("antraege:mein_antrag", args=[antrag.pk]))
    staff_login(client, qm_user)
    qm = client.get(reverse("qm:dashboard"))

    for response in (mein, qm):
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]


def test_request_body_over_the_cap_is_refused_unread(client, settings):
    settings.REQUEST_MAX_BYTES = 1000

    response = client.post(
        reverse("antraege:neuer_link"),
        data="x" * 2000,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
