from django.core.exceptions import ValidationError


class ConflictError(Exception):
    """Someone else saved the record after you read it (stale `version`). Nothing was written."""

    default_message = "该记录已被他人修改，请刷新页面后重新填写。您的修改未保存。"

    def __init__(self, message: str | None = None):
        super().__init__(message or self.default_message)
        self.message = message or self.default_message


class TransitionError(ValidationError):
    """A lifecycle or workflow move that the rules do not allow."""
