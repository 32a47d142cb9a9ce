"""Check that every source's URL still answers: `make check-links` (needs a network; not part of the tests).

Prints one line per document that is dead (an error status or no answer) or has moved (redirected to
another address), and exits 1 if any is dead, so a scheduled job can flag it.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import requests

from nato_russia.data import load_dataset

TIMEOUT = 20  # seconds per request
HEADERS = {"User-Agent": "nato-russia-report link check (+https://github.com)"}


def check(url: str) -> tuple[str, str]:
    """('ok' | 'moved' | 'dead', detail) for one URL; HEAD first, GET where a server refuses HEAD."""
    try:
        response = requests.head(url, allow_redirects=True, timeout=TIMEOUT, headers=HEADERS)
        if response.status_code in (403, 405, 501) or response.status_code >= 400:
            response = requests.get(url, allow_redirects=True, timeout=TIMEOUT, headers=HEADERS, stream=True)
    except requests.RequestException as error:
        return "dead", type(error).__name__
    if response.status_code >= 400:
        return "dead", f"HTTP {response.status_code}"
    if response.url.rstrip("/") != url.rstrip("/"):
        return "moved", response.url
    return "ok", ""


def main() -> int:
    sources = load_dataset().sources
    urls = list(zip(sources["source_id"], sources["url"]))
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda item: check(item[1]), urls))
    dead = 0
    for (source_id, url), (state, detail) in zip(urls, results):
        if state != "ok":
            print(f"{state:5}  {source_id}  {url}  {detail}")
            dead += state == "dead"
    print(f"{len(urls)} URLs: {dead} dead, {sum(state == 'moved' for state, _ in results)} moved")
    return 1 if dead else 0


if __name__ == "__main__":
    sys.exit(main())
