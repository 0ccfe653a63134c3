"""A crawler that walks the site as one person and checks every page it reaches.

It starts from a few addresses, follows every link on every page that stays on the site, and
visits each *kind* of page once: addresses that differ only in an id (``/admin/…/42/change/``)
or in a query's values (``?page=2``) are one kind. Each page is checked at a laptop's and a
phone's width, and every problem is reported with the page it was seen on.

The checks, at both widths: the page answers 200 (or the 404 the crawl asked for); it is not
wider than the screen; the browser logs no error; it asks nothing of another machine (every
request to another host is blocked and counted); every form field has a label. A link that
downloads a file must say so with ``download``; it is not opened.
"""

from __future__ import annotations

import re
import shutil
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

from tests.browser.conftest import SCREENSHOTS, VIEWPORTS

# Ids in addresses: numbers, uuids, tokens and keys (long runs of letters, digits, - and _).
ID_SEGMENT = re.compile(r"^(\d+|[0-9a-f-]{32,36}|[A-Za-z0-9_:-]{24,})$")
ADMIN_OBJECT_PAGE = re.compile(r"^/admin/[^/]+/[^/]+/\*/(history|delete)/$")
# Addresses that are not pages: files, the API's JSON, the service's own machinery.
NOT_PAGES = re.compile(r"^/(static|media)/|^/api/(?!docs/|redoc/)|/export\.(csv|zip)$")

# What a screen reader calls a form field (Chromium's accessibility tree: a field named by a
# label, aria-label, aria-labelledby or title has a name there; one named by nothing has none).
FIELD_ROLES = {
    "textbox",
    "searchbox",
    "combobox",
    "listbox",
    "checkbox",
    "radio",
    "spinbutton",
    "slider",
    "switch",
}

SHOT_HEIGHT = 6000

LINKS = """() => [...document.querySelectorAll('a[href]')].map(a => ({
  href: a.href, download: a.hasAttribute('download'), text: a.textContent.trim().slice(0, 40)}))"""

TOO_WIDE = """(limit) => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > limit + 1)
  .slice(0, 5)
  .map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}`
            + ` ${Math.round(e.getBoundingClientRect().right)}px`)"""


def page_kind(url: str) -> str:
    """One key per kind of page: ids in the path do not count, and a query counts once.

    A page with a query (a filter, a sort, the next page) is the same page with other rows; the
    admin's filters alone would give hundreds of combinations of the same list.
    """
    parts = urlsplit(url)
    path = "/".join("*" if ID_SEGMENT.match(segment) else segment for segment in parts.path.split("/"))
    # An object's history and its delete confirmation are one template for every model of the
    # admin, and list nothing of the model's own: one of each stands for all.
    path = ADMIN_OBJECT_PAGE.sub(r"/admin/*/*/*/\1/", path)
    return path + ("?" if parts.query else "")


def screenshot_name(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


@dataclass
class Visit:
    url: str
    status: int
    screenshots: list[Path] = field(default_factory=list)


@dataclass
class Crawl:
    """One person's walk through the site."""

    browser: object
    base_url: str
    person: str
    # Pages this crawl opens on purpose to see them answer 404.
    missing: tuple[str, ...] = ()
    # Pages a person reaches without a link: addresses they are given (a public profile).
    also: tuple[str, ...] = ()
    # Stop at this many kinds of page, so that a loop in links fails instead of running forever.
    limit: int = 400
    visits: list[Visit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)
    _cdp: object = None

    def run(self, *, start: str, sign_in=None) -> Crawl:
        context = self.browser.new_context(base_url=self.base_url, viewport=VIEWPORTS["laptop"])
        context.set_default_timeout(15_000)
        page = context.new_page()
        self._cdp = context.new_cdp_session(page)
        # The person's folder holds this crawl's pages only, not those of an earlier one.
        shutil.rmtree(SCREENSHOTS / "crawl" / self.person, ignore_errors=True)
        current = {"url": ""}
        origin = urlsplit(self.base_url).netloc

        def route(route):
            request = route.request
            if urlsplit(request.url).netloc == origin or request.url.startswith(("data:", "blob:")):
                return route.continue_()
            if not request.is_navigation_request():
                self.problems.append(f"{current['url']}: asks another machine for {request.url}")
            return route.abort()

        context.route("**/*", route)
        page.on("console", lambda m: self._console(current["url"], m))
        page.on("pageerror", lambda e: self.problems.append(f"{current['url']}: script error {e}"))
        try:
            if sign_in is not None:
                sign_in(page)
            queue = deque([start, *self.also, *self.missing])
            while queue:
                url = queue.popleft()
                kind = page_kind(url)
                if kind in self._seen:
                    continue
                self._seen.add(kind)
                if len(self._seen) > self.limit:
                    self.problems.append(f"more than {self.limit} kinds of page: is a link looping?")
                    break
                current["url"] = urlsplit(url).path + (
                    f"?{urlsplit(url).query}" if urlsplit(url).query else ""
                )
                queue.extend(self._visit(page, url))
        finally:
            context.close()
        return self

    def _console(self, url: str, message) -> None:
        if message.type != "error":
            return
        if url in self.missing and "404" in message.text:
            return  # the browser logs the 404 the crawl asked for
        self.problems.append(f"{url}: console error {message.text}")

    def _unlabelled_fields(self) -> list[str]:
        nodes = self._cdp.send("Accessibility.getFullAXTree")["nodes"]
        unnamed = []
        for node in nodes:
            role = node.get("role", {}).get("value")
            if node.get("ignored") or role not in FIELD_ROLES:
                continue
            if str(node.get("name", {}).get("value") or "").strip():
                continue
            described = self._cdp.send("DOM.describeNode", {"backendNodeId": node["backendDOMNodeId"]})[
                "node"
            ]
            attributes = dict(zip(described["attributes"][::2], described["attributes"][1::2], strict=True))
            unnamed.append(attributes.get("name") or attributes.get("id") or f"a {role}")
        return unnamed

    def _visit(self, page, url: str) -> list[str]:
        path = urlsplit(url).path + (f"?{urlsplit(url).query}" if urlsplit(url).query else "")
        try:
            response = page.goto(url, wait_until="load")
        except Exception as error:  # a download, a refused request: say which page
            self.problems.append(f"{path}: could not be opened ({str(error).splitlines()[0]})")
            return []
        if urlsplit(page.url).netloc != urlsplit(self.base_url).netloc:
            return []  # a link that leaves the site on purpose (a network's sign-in)
        status = response.status if response else 0
        wanted = 404 if path in self.missing else 200
        if status != wanted:
            self.problems.append(f"{path}: answered {status}, not {wanted}")
        visit = Visit(url=path, status=status)
        self.visits.append(visit)
        landed = urlsplit(page.url).path
        unlabelled = self._unlabelled_fields()
        if unlabelled:
            self.problems.append(f"{path}: fields without a label: {unlabelled}")
        charts = page.evaluate("document.querySelectorAll('canvas').length")
        for width in ("laptop", "phone"):
            page.set_viewport_size(VIEWPORTS[width])
            if width == "phone" and charts:
                page.wait_for_timeout(150)  # charts redraw for the new width
            limit = VIEWPORTS[width]["width"]
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            if scroll_width > limit:
                wide = page.evaluate(TOO_WIDE, limit)
                self.problems.append(f"{path}: {scroll_width}px wide at {limit}px; runs over: {wide}")
            shot = SCREENSHOTS / "crawl" / self.person / f"{screenshot_name(landed)}-{width}.jpg"
            shot.parent.mkdir(parents=True, exist_ok=True)
            # JPEG, and no taller than SHOT_HEIGHT: a long page's full PNG at phone width takes
            # seconds to encode, and its top screens are what a reviewer looks at.
            height = min(page.evaluate("document.documentElement.scrollHeight"), SHOT_HEIGHT)
            clip = {"x": 0, "y": 0, "width": limit, "height": height}
            page.screenshot(path=str(shot), full_page=True, clip=clip, type="jpeg", quality=70)
            visit.screenshots.append(shot)
        page.set_viewport_size(VIEWPORTS["laptop"])
        links = []
        for link in page.evaluate(LINKS):
            href, _ = urldefrag(link["href"])
            parts = urlsplit(href)
            if parts.netloc != urlsplit(self.base_url).netloc or parts.scheme not in ("http", "https"):
                continue
            if NOT_PAGES.search(parts.path):
                continue
            if link["download"]:
                continue
            links.append(href)
        return links
