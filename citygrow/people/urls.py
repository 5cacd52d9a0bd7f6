from django.contrib.auth import views as auth_views
from django.urls import path

from citygrow.people import accounts, coordination, views

app_name = "people"
urlpatterns = [
    path("cities/", views.city_list, name="city_list"),
    # Accounts
    path("accounts/login/", accounts.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", accounts.account, name="account"),
    path(
        "accounts/password/change/",
        accounts.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/tokens/new/", accounts.token_create, name="token_create"),
    path("accounts/tokens/<int:pk>/revoke/", accounts.token_revoke, name="token_revoke"),
    path("accounts/my-data.json", accounts.my_data, name="my_data"),
    path("accounts/invitation/<str:token>/", accounts.invitation_accept, name="invitation"),
    # Coordination
    path("coordination/invitations/", coordination.invitations, name="invitations"),
    path("coordination/people/", coordination.people, name="people"),
    path("coordination/people/<int:pk>/", coordination.person, name="person"),
    path("coordination/people/<int:pk>/data.json", coordination.person_data, name="person_data"),
    path("coordination/audit/", coordination.audit_trail, name="audit"),
]
