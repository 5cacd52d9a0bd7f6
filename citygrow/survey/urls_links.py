"""A commitment's links to the toolkits (issue 15 part 5), in the survey's namespace."""

from django.urls import URLPattern, path

from citygrow.survey import views_links

urlpatterns: list[URLPattern] = [
    path(
        "charter/commitments/<int:pk>/links/",
        views_links.commitment_links,
        name="commitment_links",
    ),
]
