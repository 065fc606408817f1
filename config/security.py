"""Content-Security-Policy header, until Django 6.0's own (`django.middleware.csp`) can replace it.

The policy is fixed, so a header is all it takes: no nonces, no per-view policies. It is read from
`SECURE_CSP`, a dict shaped like Django 6.0's setting of that name ({"script-src": ["'self'"], …}),
so moving to 6.0 is swapping this middleware for Django's. (django-csp would add a dependency and its
own settings format for the same header.)

Scripts come only from our own static files (the vendored Bootstrap and ECharts, our js/): the
templates carry no inline script and no event-handler attributes. Inline *styles* stay allowed:
ECharts writes styled HTML into its tooltips and a few templates size elements inline.
"""

from __future__ import annotations

from django.conf import settings


def policy_header(policy: dict) -> str:
    return "; ".join(f"{directive} {' '.join(sources)}".strip() for directive, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = policy_header(getattr(settings, "SECURE_CSP", {}) or {})

    def __call__(self, request):
        response = self.get_response(request)
        if self.header and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.header
        return response
