"""Sections that apps above `projects` add to a project's dossier (一项一档).

`projects` must not import those apps, so they register a provider from their `AppConfig.ready()`:
a callable `(user, project) -> {"template": ..., "context": {...}} | None`. The dossier view asks
every provider in registration order (each computes its data there, not in a template tag) and the
page includes each section's template with its context.
"""

from __future__ import annotations

from collections.abc import Callable

SectionProvider = Callable[..., "dict | None"]

_providers: dict[str, SectionProvider] = {}


def register_section(name: str, provider: SectionProvider) -> None:
    """Add (or, under the same name, replace) a dossier section."""
    _providers[name] = provider


def dossier_sections(*, user, project) -> list[dict]:
    """The sections to show for `project` to `user`: `[{"name", "template", "context"}]`."""
    sections = []
    for name, provider in _providers.items():
        section = provider(user, project)
        if section is not None:
            sections.append({"name": name, "template": section["template"], "context": section["context"]})
    return sections
