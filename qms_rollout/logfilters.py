"""Logging filters named in ``settings.LOGGING``."""

import logging


class ForbiddenWithoutTraceback(logging.Filter):
    """Keep the line, drop the traceback of a 403: an ordinary refusal (a page outside the
    user's scope, a role that may not write) is worth a warning, not a stack trace in the log.
    Errors (5xx) keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
