"""People pages (placeholder until the people pages land)."""

from django.http import HttpRequest, HttpResponse


def person_list_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("People")


def person_detail_view(request: HttpRequest, person_id: int) -> HttpResponse:
    return HttpResponse("Person")


def import_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Import")
