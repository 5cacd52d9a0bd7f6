"""The mentoring pages. Each area's views module lists its own routes (see their docstrings)."""

from citygrow.mentoring import views_programmes, views_visits, views_workload

app_name = "mentoring"
urlpatterns = [
    *views_programmes.urlpatterns,
    *views_visits.urlpatterns,
    *views_workload.urlpatterns,
]
