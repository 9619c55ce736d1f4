"""The HR admins' Teams page (namespace `teams`), under /people/teams/."""

from django.urls import path

from mentorwise.teams import views

app_name = "teams"
urlpatterns = [
    path("", views.teams_settings_view, name="settings"),
    path("mentorwise-teams.zip", views.teams_package_view, name="package"),
]
