"""The jury's state machines: a meeting (Sitzung) and an online vote (Abstimmung) move only
through their machines, once, logged; a refused move leaves no trace."""

import datetime
import importlib
import logging
import pathlib
import re

import pytest
from django.apps import apps
from django.utils import timezone

from antraege.factories import AntragFactory
from antraege.models import AntragStatus, Benachrichtigung, Statuswechsel
from antraege.roles import Akteur
from jury.abstimmungen import services
from jury.abstimmungen.models import Abstimmung, AbstimmungStatus
from jury.abstimmungen.services import JuryRefused
from jury.factories import antrag_zur_jury, jury_fuer, sitzung_fuer
from jury.sitzungen import services as sitzungen
from jury.sitzungen.models import Sitzung, SitzungStatus
from workflow.jury_flow import AbstimmungFlow, SitzungFlow
from workflow.machine import MoveRefused, machine_edges, machine_move
from workflow.moves import abstimmung_move, sitzung_move

pytestmark = pytest.mark.django_db


def test_the_meeting_machine_lists_every_state_and_move():
    assert [(move, von, nach) for move, von, nach, _label in machine_edges(SitzungFlow)] == [
        ("attendance_record", "held", "held"),
        ("attendance_record", "papers_sent", "held"),
        ("attendance_record", "planned", "held"),
        ("close", "held", "closed"),
        ("papers_send", "planned", "papers_sent"),
    ]


def test_the_vote_machine_lists_every_state_and_move():
    assert [(move, von, nach) for move, von, nach, _label in machine_edges(AbstimmungFlow)] == [
        ("close", "open", "closed"),
    ]


def test_no_private_viewflow_api_in_the_project():
    root = pathlib.Path(__file__).resolve().parent.parent
    private = re.compile(r"_descriptor|TransitionMethod|TransitionBoundMethod|fsm\.base|viewflow\.")
    offenders = [
        str(path.relative_to(root))
        for package in ("aktionsfonds", "antraege", "jury", "workflow")
        for path in (root / package).rglob("*.py")
        if private.search(path.read_text())
    ]
    assert offenders == []
    uses_viewflow = {
        str(path.relative_to(root))
        for package in ("aktionsfonds", "antraege", "jury", "workflow")
        for path in (root / package).rglob("*.py")
        if "from viewflow" in path.read_text() or "import viewflow" in path.read_text()
    }
    assert uses_viewflow == {"workflow/machine.py"}


# --- The meeting ---


def meeting_with_item(fonds, qm_user):
    antrag_zur_jury(AntragFactory(fonds=fonds), qm_user)
    return sitzung_fuer(fonds.quartier, qm_user)


def stamps(sitzung):
    row = Sitzung.objects.get(pk=sitzung.pk)
    return (
        row.status,
        row.unterlagen_versandt_am,
        row.anwesenheit_erfasst_am,
        row.geschlossen_am,
        row.geschlossen_von_id,
        row.quorum_anteil,
        row.teilnahmen.count(),
        Benachrichtigung.objects.count(),
    )


class Lines(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def move_lines():
    """The move lines of the ``workflow`` logger (its own handler: a task run in a callback may
    configure logging again and drop pytest's handler from the root)."""
    handler, logger = Lines(), logging.getLogger("workflow")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.setLevel(level)


def moves_logged(move_lines, kind, pk):
    return [
        r.getMessage().split(" (")[0]
        for r in move_lines.records
        if r.getMessage().startswith(f"{kind} {pk}:")
    ]


def test_a_meeting_walks_its_real_moves_and_each_is_logged(
    fonds, qm_user, move_lines, django_capture_on_commit_callbacks
):
    jury = jury_fuer(fonds.quartier, 3)
    sitzung = meeting_with_item(fonds, qm_user)
    akteur = Akteur(qm_user)

    with django_capture_on_commit_callbacks(execute=True):
        sitzungen.sitzung_einladungen_send(sitzung, akteur=akteur)
        sitzungen.anwesenheit_record(
            sitzung, akteur=akteur, anwesende=[m.pk for m in jury], vertretungen={}
        )
        punkt = sitzung.punkte.get()
        sitzungen.top_decide(
            punkt,
            akteur=akteur,
            praesentiert=True,
            betrag=punkt.antrag.betrag_beantragt,
            ja=3,
            nein=0,
            enthaltung=0,
        )
        sitzungen.sitzung_close(sitzung, akteur=akteur)

    row = Sitzung.objects.get(pk=sitzung.pk)
    assert row.status == SitzungStatus.GESCHLOSSEN
    assert row.geschlossen_von == qm_user
    assert None not in (row.unterlagen_versandt_am, row.anwesenheit_erfasst_am, row.geschlossen_am)
    assert moves_logged(move_lines, "sitzung", sitzung.pk) == [
        f"sitzung {sitzung.pk}: planned → papers_sent",
        f"sitzung {sitzung.pk}: papers_sent → held",
        f"sitzung {sitzung.pk}: held → closed",
    ]
    punkt.antrag.refresh_from_db()
    assert punkt.antrag.status == AntragStatus.APPROVED


def test_closing_a_planned_meeting_is_refused_and_leaves_no_trace(
    fonds, qm_user, move_lines, django_capture_on_commit_callbacks
):
    sitzung = meeting_with_item(fonds, qm_user)
    before = stamps(sitzung)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(JuryRefused) as refused:
        sitzungen.sitzung_close(sitzung, akteur=Akteur(qm_user))

    assert (refused.value.code, refused.value.message) == (
        "invalid",
        "Bitte erfassen Sie zuerst die Anwesenheit.",
    )
    assert stamps(sitzung) == before
    assert moves_logged(move_lines, "sitzung", sitzung.pk) == []


def test_attendance_refused_by_its_input_undoes_the_move(
    fonds, qm_user, move_lines, django_capture_on_commit_callbacks
):
    jury_fuer(fonds.quartier, 3)
    sitzung = meeting_with_item(fonds, qm_user)
    before = stamps(sitzung)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(JuryRefused):
        sitzungen.anwesenheit_record(
            sitzung, akteur=Akteur(qm_user), anwesende=[999_999], vertretungen={}
        )

    assert moves_logged(move_lines, "sitzung", sitzung.pk) == []
    assert stamps(sitzung) == before


def test_qm_of_another_area_and_jury_members_cannot_move_a_meeting(fonds, qm_user, qm_other_user):
    jury = jury_fuer(fonds.quartier, 1)
    sitzung = meeting_with_item(fonds, qm_user)
    before = stamps(sitzung)

    for user in (qm_other_user, jury[0].user):
        with pytest.raises(MoveRefused) as refused:
            sitzung_move(sitzung, "papers_send", akteur=Akteur(user))
        assert refused.value.code == "forbidden"
    with pytest.raises(MoveRefused) as unknown:
        sitzung_move(sitzung, "reopen", akteur=Akteur(qm_user))
    assert unknown.value.code == "unknown"
    assert stamps(sitzung) == before


def test_two_tabs_closing_a_meeting_only_one_wins(fonds, qm_user):
    jury = jury_fuer(fonds.quartier, 3)
    sitzung = meeting_with_item(fonds, qm_user)
    akteur = Akteur(qm_user)
    sitzung = sitzungen.anwesenheit_record(
        sitzung, akteur=akteur, anwesende=[m.pk for m in jury], vertretungen={}
    )
    punkt = sitzung.punkte.get()
    sitzungen.top_defer(punkt, akteur=akteur, grund="Später")
    tab_one = Sitzung.objects.get(pk=sitzung.pk)
    tab_two = Sitzung.objects.get(pk=sitzung.pk)

    sitzungen.sitzung_close(tab_one, akteur=akteur)
    closed = stamps(sitzung)
    # the second tab's page still shows "held": its conditional update finds no row
    with pytest.raises(MoveRefused) as stale:
        machine_move(
            SitzungFlow(tab_two),
            "close",
            akteur=akteur,
            state_label="",
            queryset=Sitzung.objects.filter(pk=tab_two.pk),
            felder={"geschlossen_am": timezone.now()},
            conflict="someone was faster",
        )
    with pytest.raises(JuryRefused) as again:
        sitzungen.sitzung_close(tab_two, akteur=akteur)

    assert (stale.value.code, stale.value.message) == ("conflict", "someone was faster")
    assert (again.value.code, again.value.message) == (
        "conflict",
        "Die Sitzung ist bereits abgeschlossen.",
    )
    assert stamps(sitzung) == closed


# --- The online vote ---


@pytest.fixture
def abstimmung(antrag, qm_user):
    jury_fuer(antrag.fonds.quartier, 3)
    antrag = antrag_zur_jury(antrag, qm_user)
    return services.abstimmung_open(antrag, akteur=Akteur(qm_user), betrag=antrag.betrag_beantragt)


def vote_row(abstimmung):
    row = Abstimmung.objects.get(pk=abstimmung.pk)
    return (
        row.status,
        row.geschlossen_am,
        row.ergebnis,
        Statuswechsel.objects.filter(antrag=row.antrag).count(),
    )


def test_a_vote_opens_open_and_closes_once_through_its_machine(
    abstimmung, move_lines, django_capture_on_commit_callbacks
):
    assert Abstimmung.objects.get(pk=abstimmung.pk).status == AbstimmungStatus.OFFEN
    nach_frist = abstimmung.frist + datetime.timedelta(seconds=1)

    with django_capture_on_commit_callbacks(execute=True):
        first = services.abstimmung_close(abstimmung.pk, now=nach_frist)
        second = services.abstimmung_close(abstimmung.pk, now=nach_frist)

    assert first is not None and second is None
    row = Abstimmung.objects.get(pk=abstimmung.pk)
    assert (row.status, row.geschlossen_am) == (AbstimmungStatus.GESCHLOSSEN, nach_frist)
    assert not row.ist_offen
    assert moves_logged(move_lines, "abstimmung", abstimmung.pk) == [
        f"abstimmung {abstimmung.pk}: open → closed"
    ]


def test_only_the_system_closes_a_vote_and_a_refusal_leaves_no_trace(abstimmung, qm_user):
    before = vote_row(abstimmung)

    with pytest.raises(MoveRefused) as refused:
        abstimmung_move(abstimmung, "close", akteur=Akteur(qm_user), geschlossen_am=timezone.now())

    assert refused.value.code == "forbidden"
    assert vote_row(abstimmung) == before


def test_a_stale_copy_of_a_vote_cannot_close_it_twice(abstimmung):
    stale = Abstimmung.objects.get(pk=abstimmung.pk)
    system = Akteur.system_akteur()
    abstimmung_move(abstimmung, "close", akteur=system, geschlossen_am=timezone.now())
    closed = vote_row(abstimmung)

    with pytest.raises(MoveRefused) as refused:
        abstimmung_move(stale, "close", akteur=system, geschlossen_am=timezone.now())

    assert refused.value.code == "conflict"
    assert vote_row(abstimmung) == closed


def test_the_data_migration_takes_the_status_from_the_timestamp(abstimmung):
    Abstimmung.objects.filter(pk=abstimmung.pk).update(geschlossen_am=timezone.now())
    migration = importlib.import_module("jury.migrations.0005_abstimmung_status")

    migration.status_from_timestamp(apps, None)

    assert Abstimmung.objects.get(pk=abstimmung.pk).status == AbstimmungStatus.GESCHLOSSEN


# --- Not before the meeting's day (issue 20) ---


def berlin(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


@pytest.fixture
def clock(monkeypatch):
    """Set the clock: ``clock(moment)``; ``timezone.localdate()`` follows (Europe/Berlin)."""

    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


def test_attendance_for_tomorrows_meeting_is_refused_and_leaves_no_trace(
    fonds, qm_user, clock, move_lines, django_capture_on_commit_callbacks
):
    jury = jury_fuer(fonds.quartier, 3)
    sitzung = meeting_with_item(fonds, qm_user)
    # the evening before, 23:59 in Berlin (22:59 UTC in winter)
    clock(berlin(sitzung.datum - datetime.timedelta(days=1), 23, 59))
    before = stamps(sitzung)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(JuryRefused) as refused:
        sitzungen.anwesenheit_record(
            sitzung, akteur=Akteur(qm_user), anwesende=[m.pk for m in jury], vertretungen={}
        )

    assert refused.value.code == "too_early"
    assert refused.value.message == (
        f"Die Anwesenheit können Sie erst am Tag der Sitzung erfassen ({sitzung.datum:%d.%m.%Y})."
    )
    assert stamps(sitzung) == before
    assert moves_logged(move_lines, "sitzung", sitzung.pk) == []


def test_attendance_from_midnight_of_the_meeting_day_in_berlin(fonds, qm_user, clock):
    jury = jury_fuer(fonds.quartier, 3)
    sitzung = meeting_with_item(fonds, qm_user)
    # 00:05 in Berlin is still the day before in UTC
    moment = berlin(sitzung.datum, 0, 5)
    assert moment.astimezone(datetime.UTC).date() < sitzung.datum
    clock(moment)

    gehalten = sitzungen.anwesenheit_record(
        sitzung, akteur=Akteur(qm_user), anwesende=[m.pk for m in jury], vertretungen={}
    )

    assert gehalten.status == SitzungStatus.GEHALTEN
    assert gehalten.teilnahmen.filter(anwesend=True).count() == 3


def test_closing_before_the_meeting_day_is_refused_and_changes_nothing(fonds, qm_user, clock):
    jury = jury_fuer(fonds.quartier, 3)
    sitzung = meeting_with_item(fonds, qm_user)
    akteur = Akteur(qm_user)
    sitzung = sitzungen.anwesenheit_record(
        sitzung, akteur=akteur, anwesende=[m.pk for m in jury], vertretungen={}
    )
    sitzungen.top_defer(sitzung.punkte.get(), akteur=akteur, grund="Später")
    # the meeting was moved to next week after attendance was taken by mistake
    Sitzung.objects.filter(pk=sitzung.pk).update(datum=sitzung.datum + datetime.timedelta(days=7))
    sitzung = Sitzung.objects.get(pk=sitzung.pk)
    before = stamps(sitzung)

    with pytest.raises(JuryRefused) as refused:
        sitzungen.sitzung_close(sitzung, akteur=akteur)

    assert refused.value.code == "too_early"
    assert refused.value.message == (
        f"Die Sitzung können Sie erst an ihrem Tag abschließen ({sitzung.datum:%d.%m.%Y})."
    )
    assert stamps(sitzung) == before

    clock(berlin(sitzung.datum, 21))
    sitzungen.sitzung_close(sitzung, akteur=akteur)
    assert Sitzung.objects.get(pk=sitzung.pk).status == SitzungStatus.GESCHLOSSEN


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Attendance can only be recorded on the day of the meeting"),
        ("tr", "Katılımı ancak toplantı günü kaydedebilirsiniz"),
        ("ar", "لا يمكنكم تسجيل الحضور إلا في يوم الجلسة"),
    ],
)
def test_the_too_early_refusal_speaks_the_users_language(fonds, qm_user, language, expected):
    from django.utils import translation

    jury = jury_fuer(fonds.quartier, 1)
    sitzung = meeting_with_item(fonds, qm_user)
    Sitzung.objects.filter(pk=sitzung.pk).update(datum=sitzung.datum + datetime.timedelta(days=2))

    with translation.override(language), pytest.raises(JuryRefused) as refused:
        sitzungen.anwesenheit_record(
            sitzung, akteur=Akteur(qm_user), anwesende=[jury[0].pk], vertretungen={}
        )

    assert refused.value.message.startswith(expected)
