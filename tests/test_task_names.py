"""Every task is named once, in ``antraege.task_names``: each constant is a task the Celery app
has registered, and each task of the project the app registered has its constant."""

from aktionsfonds.celery import app
from antraege import task_names


def project_tasks():
    app.loader.import_default_modules()  # autodiscovery, as the worker does
    return {name for name in app.tasks if name.split(".")[0] in {"antraege", "jury", "workflow"}}


def test_every_task_name_constant_is_a_registered_task():
    registered = project_tasks()

    assert sorted(set(task_names.task_names_all().values()) - registered) == []


def test_every_registered_task_of_the_project_has_a_constant():
    named = set(task_names.task_names_all().values())

    assert sorted(project_tasks() - named) == []
    assert len(named) == len(task_names.task_names_all())  # no two constants for one task


def test_beat_schedules_only_named_tasks():
    named = set(task_names.task_names_all().values())

    assert {entry["task"] for entry in app.conf.beat_schedule.values()} <= named
