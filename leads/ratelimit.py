"""A fixed-window rate limit in the shared cache (Redis in production), against junk submissions.

OWASP ASVS 2.4.1 (anti-automation). Keys hold a hash of the IP address, never the address itself.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

# Generous enough for a school library or an office behind one address.
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "lead": (20, 3600),  # contact step submissions per address per hour
    "stop": (20, 3600),  # stop-contact form submissions per address per hour
}


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is set by the client unless a trusted proxy rewrites it.
    return request.META.get("REMOTE_ADDR") or None


def allow(request: HttpRequest, action: str) -> bool:
    """Count one attempt of `action` from this address; False once the window's limit is passed."""
    limits = getattr(settings, "LEADS_RATE_LIMITS", {}) or {}
    limit, window = limits.get(action, DEFAULT_LIMITS[action])
    ip = client_ip(request) or "unknown"
    bucket = int(time.time() // window)
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()[:32]
    key = f"leads:rl:{action}:{digest}:{bucket}"
    # add() then incr() is atomic in Redis and in the local-memory cache.
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window)
        count = 1
    return count <= limit
