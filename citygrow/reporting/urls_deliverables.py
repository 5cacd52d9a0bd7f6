"""The page where a coordinator records what a programme promised (issue 14, part 4). Included
by citygrow/reporting/urls.py inside the "reporting" namespace: `reporting:deliverables`."""

from django.urls import path

from citygrow.reporting import views_deliverables

urlpatterns = [
    path(
        "programmes/<slug:slug>/deliverables/",
        views_deliverables.deliverables_edit,
        name="deliverables",
    ),
]
