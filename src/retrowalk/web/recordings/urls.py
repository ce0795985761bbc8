from django.urls import path

from retrowalk.web.recordings import views

app_name = "recordings"
urlpatterns = [
    path("clients/<int:client_id>/recordings/", views.recordings, name="list"),
    path("imports/<int:pk>/", views.import_page, name="import"),
    path("imports/<int:pk>/status.json", views.import_status, name="import_status"),
    path("recorded/<int:pk>/", views.walk_page, name="walk"),
]
