"""The HR admins' Slack page (namespace `slack`), under /people/slack/."""

from django.urls import path

from mentorwise.slack import views

app_name = "slack"
urlpatterns = [
    path("", views.slack_settings_view, name="settings"),
    path("install/", views.slack_install_view, name="install"),
    path("oauth/", views.slack_oauth_view, name="oauth"),
    path("<int:workspace_id>/refresh/", views.slack_refresh_view, name="refresh"),
    path("<int:workspace_id>/uninstall/", views.slack_uninstall_view, name="uninstall"),
]
