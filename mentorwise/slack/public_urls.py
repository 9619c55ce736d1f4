"""What Slack itself calls (namespace `slack_public`): the signed interactions and events
endpoints."""

from django.urls import path

from mentorwise.slack import views

app_name = "slack_public"
urlpatterns = [
    path("interactions/", views.slack_interactions_view, name="interactions"),
    path("events/", views.slack_events_view, name="events"),
]
