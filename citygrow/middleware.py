"""A Content Security Policy on every response.

Pages load scripts, styles, images and fonts from this site only; nothing may frame them. The
admin and the API's interactive documentation set inline styles, so they also allow those.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
WITH_INLINE_STYLES = POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
INLINE_STYLE_PATHS = ("/admin/", "/api/v1/docs")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            inline = request.path.startswith(INLINE_STYLE_PATHS)
            response["Content-Security-Policy"] = WITH_INLINE_STYLES if inline else POLICY
        return response
