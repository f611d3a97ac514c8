"""The OpenAPI schema and its Swagger UI, served from static files (drf-spectacular-sidecar, no
CDN) under the site's CSP: the page loads no inline script nor style (the initialising script is
the same view's ``?script`` answer, drf-spectacular's split view)."""

from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny


class SchemaView(SpectacularJSONAPIView):
    """``/api/v1/openapi.json``: the description, generated from the code, open to all (it holds
    no data)."""

    permission_classes = [AllowAny]
    authentication_classes = []


class DocsView(SpectacularSwaggerSplitView):
    """``/api/v1/docs/``: Swagger UI; "Try it out" uses the signed-in session (with its CSRF
    token) or a token typed into "Authorize"."""

    permission_classes = [AllowAny]
    template_name = "api/docs.html"
    url_name = "api:schema"
