"""Reading bulletins and targets, scoped: the office and city leaders read every bulletin (drafts
too); others read the published city bulletins and those of their own area."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from ..choices import BulletinStatus
from ..models import Bulletin, BulletinTemplate, Target
from .scopes import own_scope


def bulletins_for_user(user):
    qs = Bulletin.objects.select_related("area", "published_by")
    if user.sees_all_projects:
        return qs
    scope = own_scope(user)
    if scope is None:  # an account without unit or role reads nothing
        return qs.none()
    visible = Q(area__isnull=True)
    if scope is not None and scope.kind == "area":
        visible |= Q(area=scope.org)
    return qs.filter(visible, status=BulletinStatus.PUBLISHED)


def bulletin_get_for_user(*, user, pk) -> Bulletin:
    bulletin = bulletins_for_user(user).filter(pk=pk).first()
    if bulletin is None:
        raise Http404("没有找到该通报，或不在您的查看范围内。")
    return bulletin


def bulletin_template_for(*, city: bool) -> BulletinTemplate | None:
    return (
        BulletinTemplate.objects.filter(is_active=True, for_city=city).order_by("-updated_at", "-id").first()
    )


def targets_of_year(year: int) -> dict[int, Target]:
    return {t.organisation_id: t for t in Target.objects.filter(year=year)}
