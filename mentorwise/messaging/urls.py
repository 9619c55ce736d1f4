from django.urls import path

from mentorwise.messaging import views

app_name = "messaging"
urlpatterns = [
    path("", views.preferences_view, name="preferences"),
]
