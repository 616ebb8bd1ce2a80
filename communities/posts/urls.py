"""Posts, comments, reactions, attachments, mention autocomplete and Markdown preview."""

from django.urls import path

from communities.posts.views import live, posts

urlpatterns = [
    path("communities/<slug:slug>/posts/", posts.post_stream, name="post_stream"),
    path("communities/<slug:slug>/posts/new/", posts.post_create, name="post_create"),
    # Live updates: what is newer than the open page shows (the websocket only says that it changed).
    path("communities/<slug:slug>/posts/newer/", live.post_stream_newer, name="post_stream_newer"),
    path("feed/newer/", live.feed_newer, name="feed_newer"),
    path("posts/<int:pk>/comments/newer/", live.comment_list_newer, name="comment_list_newer"),
    path("posts/<int:pk>/card/", live.post_card, name="post_card"),
    path("communities/<slug:slug>/mentions/", posts.mention_autocomplete, name="mention_autocomplete"),
    path("posts/preview/", posts.markdown_preview, name="markdown_preview"),
    path("posts/reactions/", posts.reaction_toggle, name="reaction_toggle"),
    path("posts/<int:pk>/", posts.post_detail, name="post_detail"),
    path("posts/<int:pk>/edit/", posts.post_edit, name="post_edit"),
    path("posts/<int:pk>/delete/", posts.post_delete, name="post_delete"),
    path("posts/<int:pk>/pin/", posts.post_pin, name="post_pin"),
    path("posts/<int:pk>/lock/", posts.post_lock, name="post_lock"),
    path("posts/<int:pk>/history/", posts.post_history, name="post_history"),
    path("posts/<int:pk>/comments/", posts.comment_create, name="comment_create"),
    path("posts/<int:pk>/answer/", posts.answer_accept, name="answer_accept"),
    path("comments/<int:pk>/edit/", posts.comment_edit, name="comment_edit"),
    path("comments/<int:pk>/replies/", posts.comment_replies, name="comment_replies"),
    path("comments/<int:pk>/delete/", posts.comment_delete, name="comment_delete"),
    path("attachments/<int:pk>/", posts.attachment_download, name="attachment_download"),
]
