from django.urls import path

from mentorwise.availability import views

app_name = "availability"
urlpatterns = [
    path("", views.calendar_view, name="calendar"),
    path("caldav/", views.caldav_connect_view, name="caldav"),
    path("connect/<str:provider>/", views.oauth_start_view, name="connect"),
    path("callback/<str:provider>/", views.oauth_callback_view, name="callback"),
    path("<int:connection_id>/test/", views.connection_test_view, name="test"),
    path("<int:connection_id>/disconnect/", views.connection_revoke_view, name="disconnect"),
    path(
        "organisation/<str:provider>/opt-out/",
        views.organisation_opt_out_view,
        name="opt_out",
    ),
]
