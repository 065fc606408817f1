from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def profile(request):
    user = request.user
    return render(
        request,
        "accounts/profile.html",
        {"roles": user.roles.order_by("code"), "organisation": user.organisation},
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page, with wrong old passwords counted by django-axes; at the limit the session ends
    and the lockout page answers (AxesMiddleware turns `request.axes_locked_out` into it)."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_invalid(self, form):
        if getattr(self.request, "axes_locked_out", False):
            logout(self.request)
        return super().form_invalid(form)
