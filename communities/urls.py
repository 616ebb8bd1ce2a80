"""URLs of the communities app (namespace ``communities``), mounted at the site root.

Community screens live in ``urls_community``, posts and comments in ``urls_posts``.
"""

from communities.canvas.urls import urlpatterns as canvas_urlpatterns
from communities.console.urls import urlpatterns as console_urlpatterns
from communities.core.urls import urlpatterns as community_urlpatterns
from communities.health.urls import urlpatterns as health_urlpatterns
from communities.inbox.urls import urlpatterns as inbox_urlpatterns
from communities.moderation.urls import urlpatterns as moderation_urlpatterns
from communities.posts.urls import urlpatterns as post_urlpatterns

app_name = "communities"
urlpatterns = [
    *community_urlpatterns,
    *post_urlpatterns,
    *inbox_urlpatterns,
    *moderation_urlpatterns,
    *canvas_urlpatterns,
    *health_urlpatterns,
    *console_urlpatterns,
]
