from django.urls import path

from mentorwise.matches import views

app_name = "matches"
urlpatterns = [
    path("programs/<slug:slug>/", views.program_matching_view, name="program"),
    path("programs/<slug:slug>/run/", views.run_create_view, name="run_create"),
    path("programs/<slug:slug>/approve-all/", views.approve_all_view, name="approve_all"),
    path("programs/<slug:slug>/publish/", views.publish_view, name="publish"),
    path("programs/<slug:slug>/manual/preview/", views.manual_preview_view, name="manual_preview"),
    path("programs/<slug:slug>/manual/", views.manual_create_view, name="manual_create"),
    path("programs/<slug:slug>/find/", views.find_mentor_view, name="find"),
    path("programs/<slug:slug>/mentees/", views.mentee_list_view, name="mentees"),
    path(
        "programs/<slug:slug>/request/<int:mentor_id>/", views.request_mentor_view, name="request"
    ),
    path(
        "programs/<slug:slug>/preference/<int:other_id>/", views.preference_view, name="preference"
    ),
    path("runs/<int:run_id>/status/", views.run_status_view, name="run_status"),
    path("<int:match_id>/<str:action>/", views.match_action_view, name="action"),
]
