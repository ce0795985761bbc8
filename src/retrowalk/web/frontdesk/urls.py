from django.urls import path

from retrowalk.web.frontdesk import views

app_name = "frontdesk"
urlpatterns = [
    path("intro/", views.intro, name="intro"),
    path("questions/", views.answers, name="answers"),
    path("sms/inbound/", views.sms_inbound, name="sms_inbound"),
    path("desk/", views.inbox, name="inbox"),
    path("desk/intros/<int:pk>/", views.intro_detail, name="intro"),
    path("desk/sessions/", views.coach_sessions, name="coach_sessions"),
    path("desk/sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("desk/questions/<int:pk>/", views.answer, name="answer"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/<int:pk>/book/", views.book, name="book"),
    path("bookings/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("bookings/<int:pk>/calendar.ics", views.booking_ics, name="booking_ics"),
    path("ask/", views.ask, name="ask"),
]
