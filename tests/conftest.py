"""Shared fixtures. The suite talks to the real database of the run (SQLite file or PostgreSQL) and,
for asynchronous behaviour, to a real Celery worker over the real broker (Redis where REDIS_URL is set,
the in-memory transport otherwise)."""

import os
import uuid

import pytest

# A dedicated Redis database and a queue of our own, so a running dev worker cannot steal messages.
if os.environ.get("REDIS_URL"):
    _redis = os.environ["REDIS_URL"].rsplit("/", 1)[0]
    os.environ.setdefault("CELERY_BROKER_URL", f"{_redis}/15")
else:
    os.environ.setdefault("CELERY_BROKER_URL", "memory://")
os.environ.setdefault("CELERY_QUEUE", f"aktionsfonds-test-{uuid.uuid4().hex[:8]}")
os.environ["CELERY_SKIP_CHECKS"] = "1"

pytest_plugins = ("celery.contrib.pytest", "tests.worker.embedded")


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "http://testserver"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    # The configured shared cache (Redis or files), with keys of this test only: rate limits
    # counted by one test never reach another, nor another engineer's run on the same Redis.
    caches = {name: dict(config) for name, config in settings.CACHES.items()}
    for config in caches.values():
        config["KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
    settings.CACHES = caches
    yield
    # the outbox's marker thread keeps its database connection across tasks: closed after each
    # test, so the test database can be flushed and dropped
    from antraege.mail import outbox

    outbox.marker_thread_stop()


@pytest.fixture
def staff_login(db):
    """``staff_login(client, user)``: ``client`` signed in as ``user`` with a confirmed second factor
    (a TOTP device, as after the set-up), so QM, jury and admin pages open as after a real sign-in.

    The one way tests sign staff in; the sign-in itself (password, code, lockout) is tested in
    ``test_anmeldung.py``."""
    import time

    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from aktionsfonds.anmeldung import STAFF_SEIT_KEY, STAFF_ZULETZT_KEY

    def _login(client, user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Test-App", confirmed=True)
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        # signed in now, as the sign-in pages' requests record it (the session's 30 minutes idle
        # and 10 hours at most count from here: aktionsfonds.anmeldung.staff_session_check)
        session[STAFF_SEIT_KEY] = session[STAFF_ZULETZT_KEY] = time.time()
        session.save()
        return client

    return _login


@pytest.fixture(scope="session")
def celery_config():
    return {
        "broker_url": os.environ["CELERY_BROKER_URL"],
        "task_default_queue": os.environ["CELERY_QUEUE"],
        "task_ignore_result": True,
        "result_backend": None,
    }


@pytest.fixture(scope="session")
def celery_session_app():
    """The embedded worker runs the project's own Celery app: its tasks (autodiscovered) and its
    settings from ``celeryconfig.py`` (acks late, JSON, time limits), on the broker and queue above."""
    from aktionsfonds.celery import app

    return app


@pytest.fixture(scope="session")
def celery_worker_parameters():
    return {"queues": (os.environ["CELERY_QUEUE"],), "perform_ping_check": False}


@pytest.fixture
def quartier(db):
    from antraege.factories import QuartierFactory

    return QuartierFactory(name="Soldiner Kiez", code="SOL")


@pytest.fixture
def anderes_quartier(db):
    from antraege.factories import QuartierFactory

    return QuartierFactory(name="Schillerkiez", code="SHK")


@pytest.fixture
def fonds(quartier):
    from antraege.factories import (
        AktionsfondsFactory,
        HandlungsfeldFactory,
        KostenkategorieFactory,
    )

    HandlungsfeldFactory()  # seeded by migration, but flushed by transactional tests
    fonds = AktionsfondsFactory(quartier=quartier)
    KostenkategorieFactory(quartier=quartier, name="Sachkosten")
    KostenkategorieFactory(quartier=quartier, name="Personalkosten", foerderung="excluded")
    return fonds


@pytest.fixture
def qm_user(quartier):
    from antraege.factories import UserFactory

    user = UserFactory(username="qm-sol")
    quartier.qm_staff.add(user)
    return user


@pytest.fixture
def qm_other_user(anderes_quartier):
    from antraege.factories import UserFactory

    user = UserFactory(username="qm-shk")
    anderes_quartier.qm_staff.add(user)
    return user


@pytest.fixture
def admin_user(db):
    from antraege.factories import UserFactory

    user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    return user


@pytest.fixture
def jury_user(quartier):
    from jury.factories import JurymitgliedFactory

    return JurymitgliedFactory(quartier=quartier).user


@pytest.fixture
def antrag(fonds):
    from antraege.factories import AntragFactory

    return AntragFactory(fonds=fonds)


@pytest.fixture
def eingereicht(antrag):
    """``antrag`` submitted by its applicant. Tests bring an Antrag to any state the same way,
    through the real moves: ``workflow.wege.antrag_walk_to(antrag, "paid", qm_user=qm_user)``."""
    from workflow.wege import antrag_walk_to

    return antrag_walk_to(antrag, "submitted")


@pytest.fixture
def akteure(antrag, qm_user, qm_other_user, admin_user, jury_user):
    """Every role of the permission matrix, as ``Akteur`` objects for ``antrag``."""
    from antraege.factories import AntragFactory
    from antraege.roles import Akteur

    fremder_antrag = AntragFactory(fonds=antrag.fonds)
    return {
        "anonymous": Akteur(None),
        "applicant": Akteur(None, antrag_ids=[antrag.pk]),
        "other_applicant": Akteur(None, antrag_ids=[fremder_antrag.pk]),
        "qm": Akteur(qm_user),
        "qm_other_area": Akteur(qm_other_user),
        "jury": Akteur(jury_user),
        "admin": Akteur(admin_user),
        "system": Akteur.system_akteur(),
    }
