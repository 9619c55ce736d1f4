"""/outbox/: the e-mails the outbox backend kept (HR admins, while it is the backend)."""

from django.urls import path

from mentorwise.notifications import views

app_name = "outbox"
urlpatterns = [
    path("", views.outbox_view, name="list"),
    path("<int:message_id>/", views.outbox_message_view, name="message"),
    path(
        "<int:message_id>/attachments/<int:number>/",
        views.outbox_attachment_view,
        name="attachment",
    ),
]
