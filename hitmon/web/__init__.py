"""The editor's web app (``hitmon serve``): a thin, server-rendered layer over the pipeline's calls."""

from hitmon.web.app import create_app

__all__ = ["create_app"]
