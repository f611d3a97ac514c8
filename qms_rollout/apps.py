from django.apps import AppConfig


class QmsRolloutConfig(AppConfig):
    """The project package as an app: its management commands (backup, restore) and the
    sign-in hook of the idle session timeout."""

    name = "qms_rollout"
    verbose_name = "QMS rollout"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from qms_rollout.middleware import session_renewed_at_login

        user_logged_in.connect(session_renewed_at_login, dispatch_uid="qms-session-renewed")
