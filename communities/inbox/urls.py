"""The managers' inbox, its items, saved replies and the per-community inbox settings."""

from django.urls import path

from communities.inbox import views as inbox

urlpatterns = [
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/counter/", inbox.inbox_counter, name="inbox_counter"),
    path("inbox/bulk/", inbox.inbox_bulk, name="inbox_bulk"),
    path("inbox/messages/", inbox.inbox_messages, name="inbox_messages"),
    path("inbox/messages/<int:pk>/", inbox.inbox_message_action, name="inbox_message_action"),
    path("inbox/<int:pk>/", inbox.inbox_item, name="inbox_item"),
    path("inbox/<int:pk>/claim/", inbox.inbox_item_claim, name="inbox_item_claim"),
    path("inbox/<int:pk>/assign/", inbox.inbox_item_assign, name="inbox_item_assign"),
    path("inbox/<int:pk>/assignees/", inbox.inbox_item_assignees, name="inbox_item_assignees"),
    path("inbox/<int:pk>/status/", inbox.inbox_item_status, name="inbox_item_status"),
    path("inbox/<int:pk>/snooze/", inbox.inbox_item_snooze, name="inbox_item_snooze"),
    path("inbox/<int:pk>/resolve/", inbox.inbox_item_resolve, name="inbox_item_resolve"),
    path("inbox/<int:pk>/escalate/", inbox.inbox_item_escalate, name="inbox_item_escalate"),
    path("inbox/<int:pk>/notes/", inbox.inbox_note_add, name="inbox_note_add"),
    path("inbox/replies/", inbox.saved_reply_list, name="saved_reply_list"),
    path("inbox/replies/picker/", inbox.saved_reply_picker, name="saved_reply_picker"),
    path("inbox/replies/<int:pk>/edit/", inbox.saved_reply_edit, name="saved_reply_edit"),
    path("inbox/replies/<int:pk>/delete/", inbox.saved_reply_delete, name="saved_reply_delete"),
    path("communities/<slug:slug>/settings/inbox/", inbox.inbox_settings, name="inbox_settings"),
]
