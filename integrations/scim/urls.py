from django.urls import path, re_path

from . import views

app_name = "scim"

urlpatterns = [
    path("ServiceProviderConfig", views.service_provider_config, name="service_provider_config"),
    path("Schemas", views.schemas, name="schemas"),
    path("Schemas/<str:pk>", views.schemas, name="schema_detail"),
    path("ResourceTypes", views.resource_types, name="resource_types"),
    path("ResourceTypes/<str:pk>", views.resource_types, name="resource_type_detail"),
    path("Users", views.users, name="users"),
    path("Users/.search", views.users_search, name="users_search"),
    path("Users/<str:pk>", views.user_detail, name="user_detail"),
    path("Groups", views.groups, name="groups"),
    path("Groups/.search", views.groups_search, name="groups_search"),
    path("Groups/<str:pk>", views.group_detail, name="group_detail"),
    path(".search", views.root_search, name="root_search"),
    re_path(r"^(?P<rest>.*)$", views.not_found, name="not_found"),
]
