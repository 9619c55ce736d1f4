from django.urls import path

from mentorwise.communications import views

app_name = "communications"
urlpatterns = [
    path("programs/<slug:slug>/", views.program_view, name="program"),
    path("programs/<slug:slug>/templates/new/", views.template_new_view, name="template_new"),
    path(
        "programs/<slug:slug>/templates/<slug:key>/<str:language>/",
        views.template_view,
        name="template",
    ),
    path("programs/<slug:slug>/broadcasts/new/", views.broadcast_new_view, name="broadcast_new"),
    path(
        "programs/<slug:slug>/broadcasts/<int:broadcast_id>/",
        views.broadcast_view,
        name="broadcast",
    ),
    path("unsubscribe/<str:token>/", views.unsubscribe_view, name="unsubscribe"),
]
