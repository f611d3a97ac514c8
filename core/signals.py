"""Signals that let an app say what it did without importing the apps that care.

``data_bulk_written``: rows were written in bulk (``bulk_create``, ``QuerySet.update()``, an
import), which sends no ``post_save``; ``sender`` is what wrote them. The reports app listens to
start a new report-cache generation.
"""

from django.dispatch import Signal

data_bulk_written = Signal()
