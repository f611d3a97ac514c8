"""The client's address behind the reverse proxies named by ``TRUSTED_PROXY_COUNT``.

Each trusted proxy appends the address it received the request from to ``X-Forwarded-For``
(nginx: ``$proxy_add_x_forwarded_for``), so the client is the entry ``TRUSTED_PROXY_COUNT``
places from the right; anything further left was written by the client and is not believed.
With no trusted proxy the address is the connection's (``REMOTE_ADDR``).
"""

from django.conf import settings


def client_ip(request) -> str | None:
    """The address the sign-in lockout counts failures against (``AXES_CLIENT_IP_CALLABLE``)."""
    count = settings.TRUSTED_PROXY_COUNT
    remote = request.META.get("REMOTE_ADDR")
    if count <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
