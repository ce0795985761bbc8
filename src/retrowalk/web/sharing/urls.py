from django.urls import path

from retrowalk.web.sharing import views

app_name = "sharing"
urlpatterns = [
    path("clients/<int:client_id>/privacy/", views.privacy, name="privacy"),
    path("plans/<int:pk>/share/", views.share_new, name="share_new"),
    path("shares/<int:pk>/revoke/", views.share_revoke, name="share_revoke"),
    path("clients/<int:client_id>/my-data/", views.my_data, name="my_data"),
    path("clients/<int:client_id>/my-data.zip", views.my_data_zip, name="my_data_zip"),
    path("clients/<int:client_id>/delete-account/", views.delete_account, name="delete_account"),
    path("deletions/<int:pk>/confirm/", views.deletion_confirm, name="deletion_confirm"),
    path("s/<str:token>/", views.shared, name="shared"),
    path("s/<str:token>/profile.svg", views.shared_profile, name="shared_profile"),
    path("s/<str:token>/route.gpx", views.shared_gpx, name="shared_gpx"),
]
