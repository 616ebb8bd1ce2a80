"""URLs of the communities app (namespace ``communities``), mounted at the site root.

Community screens live in ``urls_community``, posts and comments in ``urls_posts``.
"""

from communities.urls_canvas import urlpatterns as canvas_urlpatterns
from communities.urls_community import urlpatterns as community_urlpatterns
from communities.urls_console import urlpatterns as console_urlpatterns
from communities.urls_health import urlpatterns as health_urlpatterns
from communities.urls_inbox import urlpatterns as inbox_urlpatterns
from communities.urls_moderation import urlpatterns as moderation_urlpatterns
from communities.urls_posts import urlpatterns as post_urlpatterns

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
