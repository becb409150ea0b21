"""Where a person may point hitmon: a URL typed into the web app must pass the URL policy and, unless
``web.allow_private_targets``, must not reach this machine or its network (loopback, link-local cloud
metadata, private ranges): whoever signs in must not be able to make the server fetch them."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool

from pipeline.config import WebSettings
from pipeline.urls import private_target_problem, url_problem


async def target_refused(web: WebSettings, url: str) -> str | None:
    """Why ``url`` is refused, in Chinese for the form; None when it may be fetched."""
    problem = url_problem(url)
    if problem:
        return f"链接不可用：{problem}"
    if web.allow_private_targets:
        return None
    private = await run_in_threadpool(private_target_problem, url)  # DNS resolution blocks
    return f"不能指向本机或内网地址：{private}" if private else None
