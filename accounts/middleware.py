from urllib.parse import quote

from django.shortcuts import redirect

# Everything needs a login except these prefixes (the URL sweep test keeps this honest).
PUBLIC_PREFIXES = ("/accounts/login/", "/static/", "/healthz/", "/i18n/")


class LoginRequiredMiddleware:
    """Anonymous users reach only the login page, static files and the health check.

    API paths are left to DRF, which answers 401/403 instead of redirecting to a form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if request.user.is_authenticated or path.startswith(PUBLIC_PREFIXES) or path.startswith("/api/"):
            return self.get_response(request)
        return redirect(f"/accounts/login/?next={quote(request.get_full_path())}")
