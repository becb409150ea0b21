"""Getting through JavaScript challenges with a real browser (``render`` per source): the challenge test
(``challenge``), Chromium driven by Playwright (``browser``), the cookies it earns per site (``jar``) and
the downloader middleware that sends a request to the browser only when it needs one (``middleware``)."""
