"""The strings of Django's admin and of django-tasks that their Vietnamese catalogues lack.

Marked here (never called) so that ``makemessages`` keeps them (with django-axes' model names) in our catalogue, which Django
reads before the apps' own (``LOCALE_PATHS``): the admin speaks Vietnamese throughout. Exact
copies of the msgids of django/contrib/admin/templates and django_tasks_db/models.py and
django_tasks/base.py; when an upgrade changes one, the admin shows it in English again and
``qms_rollout/tests/test_admin_vietnamese.py`` fails.
"""

from django.utils.translation import gettext_noop, pgettext_lazy

ADMIN = [
    gettext_noop("Add link"),
    gettext_noop("Added:"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("Breadcrumbs"),
    gettext_noop("Change or view list link"),
    gettext_noop("Changed:"),
    gettext_noop("Deleted:"),
    gettext_noop("Disable password-based authentication"),
    gettext_noop("Enable password-based authentication"),
    gettext_noop("Error:"),
    gettext_noop("Filter navigation items"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("Hide counts"),
    gettext_noop("In case you’ve forgotten, you are:"),
    gettext_noop("Logout"),
    gettext_noop("Model name"),
    gettext_noop("Run"),
    gettext_noop("Set password"),
    gettext_noop("Show counts"),
    gettext_noop("Sidebar"),
    gettext_noop("Skip to main content"),
    gettext_noop("Toggle navigation"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: dark)"),
    gettext_noop("Toggle theme (current theme: light)"),
]
AXES = [
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
]
TASKS = [
    gettext_noop("Task Result"),
    gettext_noop("Task Results"),
    gettext_noop("enqueued at"),
    gettext_noop("started at"),
    gettext_noop("finished at"),
    gettext_noop("args kwargs"),
    gettext_noop("priority"),
    gettext_noop("task path"),
    gettext_noop("worker id"),
    gettext_noop("queue name"),
    gettext_noop("backend name"),
    gettext_noop("run after"),
    gettext_noop("return value"),
    gettext_noop("exception class path"),
    gettext_noop("traceback"),
    pgettext_lazy("Task", "Ready"),
    pgettext_lazy("Task", "Running"),
    pgettext_lazy("Task", "Failed"),
    pgettext_lazy("Task", "Successful"),
]
