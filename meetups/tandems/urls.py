"""URLs of inspiration tandems (included by ``meetups.urls``)."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path("tandems/", views.tandem_list, name="tandem_list"),
    path("tandems/suggestions/", views.tandem_bulk, name="tandem_bulk"),
    path("tandems/partners/new/", views.partner_create, name="partner_create"),
    path("tandems/for/<slug:slug>/", views.tandem_suggestions, name="tandem_suggestions"),
    path("tandems/for/<slug:slug>/propose/", views.tandem_propose, name="tandem_propose"),
    path("tandems/for/<slug:slug>/partners/", views.tandem_partner_options, name="tandem_partner_options"),
    path("tandems/for/<slug:slug>/partner/", views.tandem_propose_partner, name="tandem_propose_partner"),
    path("tandems/<int:pk>/", views.tandem_detail, name="tandem_detail"),
    path("tandems/<int:pk>/accept/", views.tandem_accept, name="tandem_accept"),
    path("tandems/<int:pk>/decline/", views.tandem_decline, name="tandem_decline"),
    path("tandems/<int:pk>/withdraw/", views.tandem_withdraw, name="tandem_withdraw"),
    path("tandems/<int:pk>/close/", views.tandem_close, name="tandem_close"),
    path("tandems/<int:pk>/meetings/", views.tandem_meeting_create, name="tandem_meeting_create"),
    path("tandems/<int:pk>/learnings/", views.tandem_learnings, name="tandem_learnings"),
]
