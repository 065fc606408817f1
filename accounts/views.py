from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from projects.selectors import home_summary


@login_required
def home(request):
    """Each role's start page: the work waiting for it and the way to it."""
    return render(request, "home.html", {"summary": home_summary(user=request.user)})


@login_required
def profile(request):
    return render(request, "accounts/profile.html")
