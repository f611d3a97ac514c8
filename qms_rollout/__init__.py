"""Project package: settings, URLs, WSGI/ASGI entry points, formats and the clock."""
