"""What there is to fuzz, found the way a visitor finds it: the URL map, and the pages' forms and links.

Every role opens every page it can reach (the URL map's GET routes, with the ids
the pages themselves link to), and each page's HTML is read for its forms
(`action`, `hx-post`, `hx-get`; every `input`, `select`, `textarea` and `button`
name with the values the page offers), its links' query parameters and its
`hx-get` controls. Each is matched to its route through the URL map. A route no
page links to is still fuzzed, with its URL variables and the names any page sends,
so a new route or a new field is fuzzed without touching this module.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from werkzeug.exceptions import HTTPException
from werkzeug.routing import Rule

from crm.permissions import PERMISSIONS, may
from tests.fuzzing.site import ANONYMOUS, USERNAMES, Site

# How many pages of one kind (one path, the same query names) a role opens while looking for forms.
PAGES_PER_KIND = 3


@dataclass
class Target:
    """One route and method, with what the pages were seen to send it."""

    endpoint: str
    method: str
    rule: Rule
    fields: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    query: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    path_values: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    hx_targets: set[str] = field(default_factory=set)
    seen_on_a_page: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return self.endpoint, self.method


@dataclass
class Found:
    """A form, a link or an htmx control on a page."""

    method: str
    url: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    hx_target: str | None = None


class _PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Found] = []
        self._form: Found | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "form":
            method = "post" if "hx-post" in a else a.get("method", "get").lower()
            url = a.get("hx-post") or a.get("hx-get") or a.get("action") or ""
            self._form = Found(method.upper(), url, hx_target=a.get("hx-target"))
            self.found.append(self._form)
            return
        for attribute, method in (("hx-get", "GET"), ("hx-post", "POST")):
            if attribute in a and tag != "form":
                self.found.append(Found(method, a[attribute], hx_target=a.get("hx-target")))
        if tag == "a" and "href" in a:
            self.found.append(Found("GET", a["href"]))
        if self._form is None or not a.get("name"):
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text").lower()
            default = "on" if kind in ("checkbox", "radio") else ""
            self._form.fields.append((name, a.get("value", default)))
        elif tag == "button":
            self._form.fields.append((name, a.get("value", "")))
        elif tag in ("select", "textarea"):
            self._form.fields.append((name, ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None


def read_page(html: str) -> list[Found]:
    reader = _PageReader()
    reader.feed(html)
    return reader.found


class _OptionReader(HTMLParser):
    """The choices of every select, by the select's name."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.choices: dict[str, set[str]] = defaultdict(set)
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {name: value or "" for name, value in attrs}
        if tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select:
            self.choices[self._select].add(a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None


def discover(site: Site) -> dict[tuple[str, str], Target]:
    """Every route and method of the URL map, with what every role's pages send it."""
    app = site.app
    targets: dict[tuple[str, str], Target] = {}
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            targets[(rule.endpoint, method)] = Target(rule.endpoint, method, rule)
    adapter = app.url_map.bind("localhost")
    deep = crawlers()
    for role, visitor in site.visitors.items():
        # The roles that together may do everything open every page and follow the links; the others open
        # their start page, where what is theirs differs (their own queue, their own leads), and what it
        # links to (a queue row's form, call mode).
        queue = [rule.rule for rule in app.url_map.iter_rules() if "GET" in rule.methods and not rule.arguments]
        queue = queue if role in deep else ["/"]
        depth = dict.fromkeys(queue, 0)
        opened: set[str] = set()
        kinds: dict[tuple[str, ...], int] = defaultdict(int)
        pages = [(url, page) for role_of, url, page in site.answers if role_of == role]
        while queue or pages:
            if pages:  # pages that answer a POST (an import's preview): read, not opened
                url, html = pages.pop()
            else:
                url = queue.pop(0)
                if url in opened or url.startswith("/static"):
                    continue
                opened.add(url)
                response = visitor.client.get(url, environ_base={"REMOTE_ADDR": site.address()})
                if response.status_code in (301, 302, 303) and role not in deep:
                    queue.append(urlsplit(response.headers["Location"]).path)
                    depth[queue[-1]] = depth.get(url, 0)
                html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
                response.close()
            choices = _OptionReader()
            choices.feed(html)
            for found in read_page(html):
                found.url = found.url or url  # a form without an action posts to its own page
                target = _note(targets, adapter, found, choices.choices)
                # A few pages of each kind: every company, agreement, ... in a few ways of showing it.
                follows = role in deep or depth.get(url, 0) < 1
                if follows and target is not None and target.method == "GET" and found.url not in opened:
                    kind = _kind(found.url)
                    if kinds[kind] < PAGES_PER_KIND:
                        kinds[kind] += 1
                        queue.append(found.url)
                        depth.setdefault(found.url, depth.get(url, 0) + 1)
    return targets


def crawlers() -> list[str]:
    """The fewest visitors who together may open every page (and see every form): the others see less of them."""
    chosen, covered = [ANONYMOUS], set()
    # A permission no role holds (one only the system actor uses, as the access log's purge) opens no page.
    wanted = {p for p in PERMISSIONS if any(may(role, p) for role in USERNAMES)}
    while covered != wanted:
        best = max(USERNAMES, key=lambda role: len({p for p in wanted - covered if may(role, p)}))
        chosen.append(best)
        covered |= {p for p in wanted if may(best, p)}
    return chosen


def _kind(url: str) -> tuple[str, ...]:
    """A page's kind: its path (so each company, each agreement) and the names in its query."""
    parts = urlsplit(url)
    return (parts.path, *sorted({name for name, _ in parse_qsl(parts.query, keep_blank_values=True)}))


def _note(targets: dict[tuple[str, str], Target], adapter: Any, found: Found, choices: dict[str, set[str]]):
    parts = urlsplit(found.url)
    found.url = parts._replace(fragment="").geturl()
    if parts.netloc or not parts.path.startswith("/"):
        return None
    try:
        endpoint, view_args = adapter.match(parts.path, method=found.method)
    except HTTPException:
        return None
    target = targets.get((endpoint, found.method))
    if target is None:
        return None
    target.seen_on_a_page = True
    for name, value in view_args.items():
        target.path_values[name].add(str(value))
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        target.query[name].add(value)
    values = target.query if found.method == "GET" else target.fields
    for name, value in found.fields:
        values[name].add(value)
        values[name].update(choices.get(name, ()))
    if found.hx_target:
        target.hx_targets.add(found.hx_target)
    return target
