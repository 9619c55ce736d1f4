from django.urls import path

from mentorwise.relationships import formviews, suggested_views, views

app_name = "relationships"
urlpatterns = [
    path("", views.mine_view, name="mine"),
    path("<int:relationship_id>/", views.detail_view, name="detail"),
    path(
        "<int:relationship_id>/agreement/", formviews.agreement_update_view, name="agreement_update"
    ),
    path(
        "<int:relationship_id>/agreement/confirm/",
        views.agreement_confirm_view,
        name="agreement_confirm",
    ),
    path("<int:relationship_id>/goals/", formviews.goal_create_view, name="goal_create"),
    path("goals/<int:goal_id>/", formviews.goal_update_view, name="goal_update"),
    path("goals/<int:goal_id>/progress/", formviews.goal_progress_view, name="goal_progress"),
    path("goals/<int:goal_id>/milestones/", formviews.milestone_add_view, name="milestone_add"),
    path(
        "milestones/<int:milestone_id>/done/", formviews.milestone_done_view, name="milestone_done"
    ),
    path(
        "<int:relationship_id>/meetings/", formviews.meeting_schedule_view, name="meeting_schedule"
    ),
    path(
        "<int:relationship_id>/suggested-times/",
        suggested_views.suggested_times_view,
        name="suggested_times",
    ),
    path("<int:relationship_id>/meetings/log/", formviews.meeting_log_view, name="meeting_log"),
    path(
        "meetings/<int:meeting_id>/reschedule/",
        formviews.meeting_reschedule_view,
        name="meeting_reschedule",
    ),
    path("meetings/<int:meeting_id>/cancel/", views.meeting_cancel_view, name="meeting_cancel"),
    path("meetings/<int:meeting_id>/meeting.ics", views.meeting_ics_view, name="meeting_ics"),
    path(
        "meetings/<int:meeting_id>/private-note/", formviews.private_note_view, name="private_note"
    ),
    path("<int:relationship_id>/check-ins/", formviews.check_in_view, name="check_in"),
    path("<int:relationship_id>/surveys/<str:kind>/", views.survey_view, name="survey"),
    path(
        "<int:relationship_id>/sponsorship/",
        formviews.sponsorship_create_view,
        name="sponsorship_create",
    ),
    path(
        "sponsorship/<int:action_id>/outcome/",
        formviews.sponsorship_outcome_view,
        name="sponsorship_outcome",
    ),
    path("<int:relationship_id>/report/", views.safety_report_view, name="report"),
    path("<int:relationship_id>/close/", formviews.close_view, name="close"),
    path("matches/<int:match_id>/respond/", views.match_respond_view, name="match_respond"),
    path("program/<slug:slug>/", views.program_view, name="program"),
    path("program/<slug:slug>/bulk/", views.program_bulk_view, name="program_bulk"),
    path("program/<slug:slug>/surveys/", views.program_surveys_view, name="program_surveys"),
    path(
        "program/<slug:slug>/surveys/<str:kind>/questions/",
        views.program_survey_edit_view,
        name="program_survey_edit",
    ),
    path("program/<slug:slug>/safety/", views.program_safety_view, name="program_safety"),
    path("safety/<int:report_id>/", views.safety_handle_view, name="safety_report"),
    path("recognition/", views.recognition_mine_view, name="recognition_mine"),
    path("recognition/<int:person_id>/", views.recognition_view, name="recognition"),
    path(
        "recognition/<int:person_id>/contribution.csv",
        views.recognition_view,
        {"fmt": "csv"},
        name="recognition_csv",
    ),
    path(
        "recognition/<int:person_id>/contribution.pdf",
        views.recognition_view,
        {"fmt": "pdf"},
        name="recognition_pdf",
    ),
]
