"""The words of a message, filled from its template."""

from __future__ import annotations

import re

# --- messages ---------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def render_message(template: str, context: dict) -> str:
    """Fill `{name}` placeholders from `context`; unknown names stay as typed (no attribute access,
    so an admin-edited template can only print what the job offers)."""

    def fill(match):
        name = match.group(1)
        return str(context[name]) if name in context else match.group(0)

    return _PLACEHOLDER.sub(fill, template)
