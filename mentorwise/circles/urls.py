from django.urls import path

from mentorwise.circles import suggested_views, views

app_name = "circles"
urlpatterns = [
    path("", views.mine_view, name="mine"),
    path("<int:circle_id>/", views.detail_view, name="detail"),
    path("<int:circle_id>/agreement/", views.agreement_view, name="agreement"),
    path(
        "<int:circle_id>/agreement/confirm/",
        views.agreement_confirm_view,
        name="agreement_confirm",
    ),
    path("<int:circle_id>/goals/", views.goal_create_view, name="goal_create"),
    path("goals/<int:goal_id>/", views.goal_update_view, name="goal_update"),
    path("<int:circle_id>/meetings/", views.meeting_schedule_view, name="meeting_schedule"),
    path(
        "<int:circle_id>/suggested-times/",
        suggested_views.suggested_times_view,
        name="suggested_times",
    ),
    path(
        "meetings/<int:meeting_id>/reschedule/",
        views.meeting_reschedule_view,
        name="meeting_reschedule",
    ),
    path("meetings/<int:meeting_id>/cancel/", views.meeting_cancel_view, name="meeting_cancel"),
    path("meetings/<int:meeting_id>/record/", views.meeting_record_view, name="meeting_record"),
    path("meetings/<int:meeting_id>/meeting.ics", views.meeting_ics_view, name="meeting_ics"),
    path("meetings/<int:meeting_id>/private-note/", views.private_note_view, name="private_note"),
    path("<int:circle_id>/check-ins/", views.check_in_view, name="check_in"),
    path("<int:circle_id>/survey/", views.survey_view, name="survey"),
    path("<int:circle_id>/close/", views.close_view, name="close"),
    path("<int:circle_id>/facilitators/", views.facilitators_view, name="facilitators"),
    path("<int:circle_id>/move/", views.move_view, name="move"),
    path("program/<slug:slug>/", views.program_view, name="program"),
    path("program/<slug:slug>/runs/", views.run_create_view, name="run_create"),
    path("program/<slug:slug>/runs/latest/", views.run_latest_view, name="run_latest"),
    path("runs/<int:run_id>/", views.run_view, name="run"),
    path("runs/<int:run_id>/publish/", views.run_publish_view, name="run_publish"),
]
