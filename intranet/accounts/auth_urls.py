"""Sign-in extras around django-allauth. Included before ``allauth.urls``, so ``login/`` here wins."""

from django.urls import include, path

from . import auth_views

urlpatterns = [
    # allauth's sign-in view, told whether sign-up is open (the page hides the prompt when closed).
    path("login/", auth_views.login, name="account_login"),
    path("invitation/<str:token>/", auth_views.invitation_accept, name="account_invitation_accept"),
    path("invitations/", auth_views.invitation_list, name="account_invitations"),
    path("invitations/<int:pk>/revoke/", auth_views.invitation_revoke_view, name="account_invitation_revoke"),
    path("invitations/<int:pk>/resend/", auth_views.invitation_resend_view, name="account_invitation_resend"),
    path("", include("intranet.accounts.erasure.urls")),
]
