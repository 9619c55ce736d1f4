"""What Teams itself calls (namespace `teams_public`): the bot's messaging endpoint."""

from django.urls import path

from mentorwise.teams import views

app_name = "teams_public"
urlpatterns = [
    path("messages", views.teams_messages_view, name="messages"),
]
