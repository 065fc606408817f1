from django.core.exceptions import ValidationError


class ServiceError(Exception):
    """An error a service raises for the user to read, with the API answer it deserves.

    The API's exception handler (config/api_errors.py) answers any exception that has an int
    `status_code` and a `payload()` method with exactly that, so an app's own errors need no
    entry there. HTML views catch the same exceptions and show the same message.
    """

    status_code = 400

    def payload(self) -> dict:
        return {"detail": str(self)}


class ConflictError(ServiceError):
    """Someone else saved the record after you read it (stale `version`). Nothing was written.

    `extra` holds fields the API adds beside `detail` (e.g. `project_ids`, or the `id` of the row
    that already exists) so a client can act without parsing the message.
    """

    status_code = 409
    default_message = "该记录已被他人修改，请刷新页面后重新填写。您的修改未保存。"

    def __init__(self, message: str | None = None, **extra):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message
        self.extra = extra

    def payload(self) -> dict:
        return {"detail": self.message, **self.extra}


class TransitionError(ValidationError):
    """A lifecycle or workflow move that the rules do not allow."""
