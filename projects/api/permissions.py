"""DRF permission classes for project endpoints, built on the plain functions of `projects.permissions`.

Visibility (which projects exist for a user) is the scoped selector's job, so an out-of-scope
project answers 404, never 403. These classes decide what a user may *do*.
"""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, BasePermission

from .. import permissions


class ProjectAccess(BasePermission):
    """Any signed-in user reads what its scope holds; changing a project needs a writing role."""

    message = "您没有修改该项目的权限。"

    def has_permission(self, request, view) -> bool:
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        return permissions.can_edit_project(request.user, obj)
