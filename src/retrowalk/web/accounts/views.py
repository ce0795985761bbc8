"""Log in: django-axes counts the failures (see :mod:`retrowalk.web.accounts.throttle`)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import method_decorator

from retrowalk.web.accounts.throttle import one_at_a_time


@method_decorator(one_at_a_time, name="post")
class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:  # the form came back: the name and password did not match
            response.status_code = 400
        return response
