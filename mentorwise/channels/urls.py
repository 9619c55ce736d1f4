from django.urls import path

from mentorwise.channels import views

app_name = "channels"
urlpatterns = [
    path("", views.webhook_list_view, name="list"),
    path("<int:endpoint_id>/", views.webhook_detail_view, name="detail"),
    path(
        "<int:endpoint_id>/<slug:action>/",
        views.webhook_action_view,
        name="action",
    ),
    path(
        "<int:endpoint_id>/deliveries/<int:delivery_id>/replay/",
        views.delivery_replay_view,
        name="replay",
    ),
]
