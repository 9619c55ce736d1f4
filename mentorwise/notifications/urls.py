from django.urls import path

from mentorwise.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.nudge_list_view, name="list"),
    path("<int:nudge_id>/dismiss/", views.nudge_dismiss_view, name="dismiss"),
    path("settings/", views.nudge_settings_view, name="settings"),
]
