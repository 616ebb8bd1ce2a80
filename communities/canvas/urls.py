"""URLs of the communities app's canvas screens (joined into ``communities.urls``)."""

from django.urls import path

from communities.canvas import views as canvas

urlpatterns = [
    path("communities/<slug:slug>/canvas/", canvas.canvas_detail, name="canvas_detail"),
    path("communities/<slug:slug>/canvas/edit/", canvas.canvas_edit, name="canvas_edit"),
    path("communities/<slug:slug>/canvas/history/", canvas.canvas_history, name="canvas_history"),
    path("communities/<slug:slug>/canvas/v<int:number>/", canvas.canvas_version, name="canvas_version"),
    path("communities/<slug:slug>/canvas/diff/", canvas.canvas_diff, name="canvas_diff"),
    path("communities/<slug:slug>/canvas/print/", canvas.canvas_print, name="canvas_print"),
    path("communities/<slug:slug>/canvas/comments/", canvas.canvas_comment_create, name="canvas_comment_create"),
    path(
        "communities/<slug:slug>/canvas/comments/<int:pk>/resolve/",
        canvas.canvas_comment_resolve_view,
        name="canvas_comment_resolve",
    ),
]
