from django.urls import path

from mentorwise.content import views

app_name = "content"
urlpatterns = [
    path("", views.overview_view, name="overview"),
    path("<str:kind>/<slug:slug>/", views.target_view, name="target"),
    path("<str:kind>/<slug:slug>/<str:language>/", views.edit_view, name="edit"),
    path("<str:kind>/<slug:slug>/<str:language>.po", views.po_download_view, name="po"),
    path("<str:kind>/<slug:slug>/<str:language>/upload/", views.po_upload_view, name="po_upload"),
]
