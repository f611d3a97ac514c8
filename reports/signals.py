"""Cache invalidation: any change to the data a report shows starts a new data generation.

Connected in :meth:`reports.apps.ReportsConfig.ready` to ``post_save`` and ``post_delete`` of every
model of the apps below (their history models included); a milestone's change starts a new
generation of the milestones' topic only (:mod:`core.generation`). The new generation starts
when the transaction commits, so a report rendered meanwhile cannot be cached under it with the old data.
Bulk ``QuerySet.update()`` and ``bulk_create()`` send no model signal: code that uses them sends
:data:`core.signals.data_bulk_written` (the imports do), which is connected here too, or calls
:func:`core.generation.data_changed` itself.
"""

from functools import partial

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_delete, post_save

from core.signals import data_bulk_written

APPS = ("communes", "procedures", "roadmap", "audits")
# The milestones' maintained sums (roadmap/totals.py) change only with the milestones, whose own
# signals start the new generation; left out, their rows are deleted without being read first.
MAINTAINED = {"roadmap.participationtotals", "roadmap.roadmapday"}


def _changed(sender, **kwargs):
    from core.generation import data_changed, topic_of

    topic = topic_of(sender)
    topics = (topic,) if topic else ()
    transaction.on_commit(partial(data_changed, *topics), using=kwargs.get("using"))


def _milestone_changed(sender, instance, created=True, **kwargs):
    """A milestone saved or deleted: a new generation of the milestones and, when it was added,
    removed or moved to another step or participation, of the roadmaps' shape."""
    from core.generation import MILESTONES, ROADMAPS, data_changed

    moved = created or kwargs.get("signal") is post_delete
    moved = moved or getattr(instance, "loaded_place", None) != instance.place
    instance.loaded_place = instance.place  # saved: where it stands now
    topics = (MILESTONES, ROADMAPS) if moved else (MILESTONES,)
    transaction.on_commit(partial(data_changed, *topics), using=kwargs.get("using"))


def connect() -> None:
    from roadmap.models import Milestone

    data_bulk_written.connect(_changed, dispatch_uid="reports-cache-bulk")
    uid = "reports-cache-roadmap.milestone"
    post_save.connect(_milestone_changed, sender=Milestone, dispatch_uid=f"{uid}-save")
    post_delete.connect(_milestone_changed, sender=Milestone, dispatch_uid=f"{uid}-delete")
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label_lower in MAINTAINED or model is Milestone:
                continue
            uid = f"reports-cache-{model._meta.label_lower}"
            post_save.connect(_changed, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(_changed, sender=model, dispatch_uid=f"{uid}-delete")
