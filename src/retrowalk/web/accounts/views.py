"""Log in with a throttle: too many failures for one address and one name lock that pair out for a while."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

THROTTLED = "Too many failed log-ins. Wait 15 minutes and try again, or reset your password."


def _key(request: HttpRequest, username: str) -> str:
    # Behind a proxy REMOTE_ADDR is the proxy's; the deployment guide sets it from X-Forwarded-For there.
    raw = f"{request.META.get('REMOTE_ADDR', '')}|{username.strip().lower()}"
    return "login-fail:" + hashlib.sha256(raw.encode()).hexdigest()


class ThrottledLoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = _key(request, request.POST.get("username", ""))
        if cache.get(key, 0) >= settings.LOGIN_ATTEMPTS:
            form = self.get_form()
            form.errors.clear()
            return self.render_to_response(self.get_context_data(form=form, throttled=THROTTLED), status=429)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:  # the form came back: a failed attempt
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, settings.LOGIN_WINDOW_S)
            response.status_code = 400
        else:
            cache.delete(key)
        return response
