"""Errors the dispatch services raise for the user to read.

Duck-typed like `projects.exceptions.ServiceError` (an int `status_code` and `payload()`), which
config/api_errors.py answers as is; scheduling sits below projects and cannot import it."""


class DispatchError(Exception):
    status_code = 400

    def payload(self) -> dict:
        return {"detail": str(self)}
