"""The Charter's signatories (issue 15, part 1), in the survey's namespace: `survey:signatories`."""

from django.urls import URLPattern, path

from citygrow.survey import views_signatories

urlpatterns: list[URLPattern] = [
    path("charter/signatories/", views_signatories.signatories, name="signatories"),
]
