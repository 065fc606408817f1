"""The inclusion services' error and status wording."""

from __future__ import annotations

from projects.exceptions import ServiceError

from ..choices import InclusionStatus


class InclusionError(ServiceError):
    """A move or upload the rules refuse; the message says why, in Chinese."""

    status_code = 400


STATUS_LABEL = dict(InclusionStatus.choices)


def _label(status) -> str:
    return str(STATUS_LABEL[status])
