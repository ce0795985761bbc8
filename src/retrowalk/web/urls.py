from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from retrowalk.web.accounts.throttle import one_at_a_time
from retrowalk.web.accounts.views import LoginView
from retrowalk.web.api.api import api
from retrowalk.web.frontdesk.sitemaps import SITEMAPS, robots
from retrowalk.web.walks import live
from retrowalk.web.walks import views as walks

urlpatterns = [
    path("", walks.home, name="home"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots, name="robots"),
    path("walk-sw.js", live.service_worker, name="service_worker"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the footer's choice for visitors
    path("coach/", include("retrowalk.web.coach.urls")),
    path("", include("retrowalk.web.frontdesk.urls")),
    path("", include("retrowalk.web.walks.urls")),
    path("", include("retrowalk.web.recordings.urls")),
    path("", include("retrowalk.web.sharing.urls")),
    path("api/", api.urls),
    path("admin/login/", one_at_a_time(admin.site.login)),  # the admin's own login, taking turns like the site's
    path("admin/", admin.site.urls),
]

handler500 = "retrowalk.web.errors.server_error"
