"""The directory (名录库) and the uploads, scoped to the user."""

from __future__ import annotations

from django.db.models import OuterRef, Q, Subquery
from django.http import Http404

from accounts.scoping import project_scope_q
from projects.choices import Stage
from projects.models import Project

from ..models import (
    DirectoryEntry,
    DirectoryUpload,
)

# --- the directory -------------------------------------------------------------------------


def directory_list(*, search: str = ""):
    qs = DirectoryEntry.objects.order_by("credit_code")
    for term in search.split():
        qs = qs.filter(Q(name__contains=term) | Q(credit_code=term.upper()))
    return qs


def directory_unmatched(*, user, limit: int = 200) -> dict:
    """Construction units of the user's started projects whose credit code is not in the directory,
    and those whose directory name differs from the unit's name (two queries)."""
    directory = DirectoryEntry.objects.filter(credit_code=OuterRef("credit_code")).values("name")[:1]
    rows = (
        Project.objects.filter(project_scope_q(user))
        .exclude(stage__in=(Stage.CANCELLED, Stage.RESERVE))
        .exclude(credit_code="")
        .order_by()
        .annotate(directory_name=Subquery(directory))
        .values("construction_unit", "credit_code", "directory_name")
        .distinct()
    )
    from ..rules import name_key

    unmatched, mismatched = [], []
    for r in rows:
        if r["directory_name"] is None:
            unmatched.append(r)
        elif name_key(r["directory_name"]) != name_key(r["construction_unit"]):
            mismatched.append(r)
    unmatched.sort(key=lambda r: r["credit_code"])
    mismatched.sort(key=lambda r: r["credit_code"])
    return {
        "unmatched": unmatched[:limit],
        "unmatched_count": len(unmatched),
        "mismatched": mismatched[:limit],
        "mismatched_count": len(mismatched),
    }


def upload_get_for_user(*, user, pk, kind) -> DirectoryUpload:
    qs = DirectoryUpload.objects.filter(pk=pk, kind=kind)
    if not user.sees_all_projects:
        qs = qs.filter(uploaded_by=user)
    upload = qs.first()
    if upload is None:
        raise Http404("导入批次不存在。")
    return upload


def uploads_for_user(*, user, kind, limit: int = 10):
    qs = DirectoryUpload.objects.filter(kind=kind).select_related("uploaded_by").defer("content")
    if not user.sees_all_projects:
        qs = qs.filter(uploaded_by=user)
    return qs[:limit]
