from django.utils.functional import SimpleLazyObject

from .selectors import unread_count


def inbox(request):
    """The bell's unread count, read only when a page shows it (one query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": SimpleLazyObject(lambda: unread_count(user=user))}
