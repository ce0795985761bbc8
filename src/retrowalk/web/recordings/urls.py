from django.urls import path

from retrowalk.web.recordings import views

app_name = "recordings"
urlpatterns = [
    path("clients/<int:client_id>/recordings/", views.recordings, name="list"),
    path("imports/<int:pk>/", views.import_page, name="import"),
    path("imports/<int:pk>/status.json", views.import_status, name="import_status"),
    path("recorded/<int:pk>/", views.walk_page, name="walk"),
    path("sessions/<int:pk>/knee/", views.knee_session, name="knee_session"),
    path("knee/<int:pk>/", views.knee_page, name="knee"),
    path("knee/<int:pk>/status.json", views.knee_status, name="knee_status"),
    path("knee/<int:pk>/picture.png", views.knee_picture, name="knee_picture"),
    path("knee/<int:pk>/delete/", views.knee_delete, name="knee_delete"),
]
