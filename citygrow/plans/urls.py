"""The action plan pages. Each area's views module lists its own routes."""

from citygrow.plans import views_documents, views_followup, views_plans, views_versions

app_name = "plans"
urlpatterns = [
    *views_plans.urlpatterns,
    *views_versions.urlpatterns,
    *views_followup.urlpatterns,
    *views_documents.urlpatterns,
]
