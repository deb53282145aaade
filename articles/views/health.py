"""/healthz: whether this Newsroom can do its work, for a load balancer or a monitor.

No sign-in, no session, no template: JSON with the database's reachability, the age of
the last heartbeat (`maintenance.health`), the queue and the live workers; 200 when
healthy, 503 when the database cannot be reached or the heartbeat is older than
`maintenance.HEALTHY_WITHIN`. It reads no request parameter, so no input can upset it.
"""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from articles import maintenance


@login_not_required
@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:  # noqa: ARG001 - a view's signature
    report = maintenance.health()
    body = {
        "status": "ok" if report.healthy else "unhealthy",
        "problem": report.problem,
        "database": report.database,
        "heartbeat_age_seconds": (
            None if report.heartbeat_age is None else round(report.heartbeat_age, 1)
        ),
        "heartbeat_max_age_seconds": round(maintenance.HEALTHY_WITHIN.total_seconds()),
        "queue": {"ready": report.queued, "running": report.running},
        "workers": report.workers,
    }
    response = JsonResponse(body, status=200 if report.healthy else 503)
    # A monitor polls every few seconds: an outage is its to report, not one error line
    # per poll in the log (Django logs every 5xx unless told it has been).
    response._has_been_logged = True  # type: ignore[attr-defined]  # noqa: SLF001
    return response
