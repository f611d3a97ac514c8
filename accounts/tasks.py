"""Work the worker does for the accounts: the password-reset mail.

The reset page only checks the address's form and its limits, then queues
:func:`send_password_reset` for any address, known or not: the page does the same work and
answers in the same time either way, and which addresses have an account shows nowhere.
"""

from django.tasks import task


@task
def send_password_reset(*, email: str) -> int:
    """Mail a reset link to each active account of ``email`` (none for an unknown address);
    how many were mailed."""
    from accounts.forms import PasswordResetForm

    form = PasswordResetForm(data={"email": email})
    if not form.is_valid():
        return 0
    return form.deliver()
