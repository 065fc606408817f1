"""Log filters (settings.LOGGING)."""

from __future__ import annotations

import logging


class RefusalWithoutTraceback(logging.Filter):
    """A 403 is an answer, not a fault: keep django.request's one line ("Forbidden (Permission denied):
    /path"), drop the traceback of the PermissionDenied behind it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
