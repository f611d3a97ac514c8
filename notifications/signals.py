"""Receivers of the notifications app: a report or an export finished by the background worker
becomes a :class:`~notifications.models.FileReady` for the user who asked it (shown once in the
page they are on, then listed on the notifications page)."""

from django.tasks import TaskResultStatus
from django.tasks.signals import task_finished

from notifications.files import file_recorded
from notifications.models import FileReady
from reports import tasks


def file_ready(sender, task_result, **kwargs) -> None:
    """Record that the worker finished (or failed) a report or an export."""
    if task_result.task.module_path not in tasks.task_paths():
        return
    failed = task_result.status != TaskResultStatus.SUCCESSFUL
    value = {} if failed else (task_result.return_value or {})
    FileReady.objects.update_or_create(
        task_id=task_result.id,
        defaults={
            "user_id": task_result.kwargs["user_id"],
            "filename": value.get("filename", "")[:200],
            "url": tasks.task_page_url(task_result),
            "failed": failed,
        },
    )
    file_recorded(task_result.kwargs["user_id"])


def connect() -> None:
    task_finished.connect(file_ready, dispatch_uid="notifications.file_ready")
