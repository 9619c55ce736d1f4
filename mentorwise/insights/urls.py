from django.urls import path

from mentorwise.insights import views, views_equity, views_outcomes

app_name = "insights"
urlpatterns = [
    path("", views.overview_view, name="overview"),
    path("programs/<slug:slug>/", views.program_view, name="program"),
    path("programs/<slug:slug>/health.csv", views.program_csv_view, name="program_csv"),
    path(
        "programs/<slug:slug>/activity.csv",
        views.activity_csv_view,
        name="program_activity_csv",
    ),
    path("programs/<slug:slug>/report.pdf", views.program_report_view, name="program_report"),
    path("programs/<slug:slug>/equity/", views_equity.equity_view, name="program_equity"),
    path(
        "programs/<slug:slug>/equity.csv",
        views_equity.equity_csv_view,
        name="program_equity_csv",
    ),
    path("pipeline/", views_equity.pipeline_view, name="pipeline"),
    path("pipeline.csv", views_equity.pipeline_csv_view, name="pipeline_csv"),
    path(
        "programs/<slug:slug>/outcomes/",
        views_outcomes.program_outcomes_view,
        name="program_outcomes",
    ),
    path(
        "programs/<slug:slug>/outcomes.csv",
        views_outcomes.program_outcomes_csv_view,
        name="program_outcomes_csv",
    ),
]
