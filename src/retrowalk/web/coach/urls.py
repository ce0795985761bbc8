from django.urls import path

from retrowalk.web.coach import views

app_name = "coach"
urlpatterns = [path("", views.dashboard, name="dashboard")]
