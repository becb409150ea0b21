"""The key that signs session cookies: from the settings, or generated once and kept in a file.

Generating it on first start (rather than refusing to start) keeps a one-machine install simple; keeping it
in a file (mode 0600) keeps sign-ins valid across restarts. Several instances must share one key: set
``web.secret_key`` (HITMON_WEB__SECRET_KEY) for them.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pipeline.config import WebSettings
from pipeline.errors import HitmonError

MIN_LENGTH = 32


def session_secret(web: WebSettings) -> str:
    if web.secret_key is not None:
        return web.secret_key.get_secret_value()
    return _stored_secret(web.secret_file)


def _stored_secret(path: Path) -> str:
    if path.exists():
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)  # a key others can read lets them forge sign-ins: keep it the owner's alone
        secret = path.read_text(encoding="utf-8").strip()
        if len(secret) < MIN_LENGTH:
            raise HitmonError(f"{path}: the session secret is shorter than {MIN_LENGTH} characters")
        return secret
    secret = secrets.token_urlsafe(48)
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(secret + "\n")
    return secret
