from django.urls import path

from retrowalk.web.walks import live, views

app_name = "walks"
urlpatterns = [
    path("clients/<int:client_id>/", views.dashboard, name="dashboard"),
    path("clients/<int:client_id>/plans/new/", views.plan_new, name="plan_new"),
    path("clients/<int:client_id>/sessions/new/", views.session_new, name="session_new"),
    path("clients/<int:client_id>/profile/", views.profile_edit, name="profile"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/profile.svg", views.plan_profile, name="plan_profile"),
    path("plans/<int:pk>/again/", views.plan_again, name="plan_again"),
    path("plans/<int:pk>/walk/", live.walk_page, name="walk"),
    path("plans/<int:pk>/export/<str:fmt>/", views.plan_export, name="plan_export"),
    path("routes/<int:pk>/plan/", views.route_replan, name="route_replan"),
    path("sessions/<int:pk>/morning/", views.session_morning, name="session_morning"),
    path("sessions/<int:pk>/rate/", views.session_rate, name="session_rate"),
]
