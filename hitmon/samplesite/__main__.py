"""``python -m hitmon.samplesite [--port N]``: serve the sample site in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import contextlib
import sys
import threading

from hitmon.samplesite.render import serve_sample_site
from hitmon.samplesite.sites import sources_yaml


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m hitmon.samplesite", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: any free port)")
    parser.add_argument("--sources", action="store_true", help="also print a sources file for the site")
    args = parser.parse_args(argv)
    with serve_sample_site(args.host, args.port) as site:
        print(site.base_url, flush=True)
        if args.sources:
            print(sources_yaml(site.base_url), flush=True)
        print("Serving; press Ctrl-C to stop.", file=sys.stderr, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
