"""The API's one exception handler: a service's error becomes the answer a client can act on.

Views call services and let their errors propagate; this turns them into responses carrying the
same Chinese messages the HTML pages show:

- an error with an int `status_code` and a `payload()` method (`projects.exceptions.ServiceError`:
  `ConflictError` → 409 with `detail` and its extra fields, `ReportRowErrors` → 400 field → messages);
- Django `PermissionDenied` → 403, `Http404` / `ObjectDoesNotExist` → 404, `{"detail": …}`;
- Django `ValidationError` → 400, its `message_dict`, or `{"detail": …}` when it has no fields;
- anything else → DRF's default handler (its own exceptions), or a 500.

Errors are recognised by shape, not imported, so config depends on no app for this.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback


def exception_handler(exc, context):
    if _is_service_error(exc):
        return _answer(exc.payload(), exc.status_code)
    if isinstance(exc, PermissionDenied):
        return drf_exception_handler(exceptions.PermissionDenied(str(exc) or None), context)
    if isinstance(exc, ObjectDoesNotExist):
        # The ORM's message names the model in English; the client only needs to know it is gone.
        return drf_exception_handler(exceptions.NotFound(), context)
    if isinstance(exc, ValidationError):
        if hasattr(exc, "error_dict"):
            return _answer(exc.message_dict, status.HTTP_400_BAD_REQUEST)
        return _answer({"detail": " ".join(exc.messages)}, status.HTTP_400_BAD_REQUEST)
    # Http404 (with the selector's message) and DRF's own exceptions.
    return drf_exception_handler(exc, context)


def _is_service_error(exc) -> bool:
    return (
        not isinstance(exc, exceptions.APIException)
        and isinstance(getattr(exc, "status_code", None), int)
        and callable(getattr(exc, "payload", None))
    )


def _answer(body, code: int) -> Response:
    set_rollback()  # as DRF does: with ATOMIC_REQUESTS the request's other writes are undone too
    return Response(body, status=code)
