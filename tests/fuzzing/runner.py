"""Send hostile requests to one route as every role, and keep what went wrong: a 5xx, an exception, a logged error.

Hypothesis draws the requests (seeded: `derandomize=True`, so a run is repeatable);
nothing is shrunk, and a failure does not stop the run: every failure found is kept,
with the request that caused it, and the caller asserts there are none.

Each drawn request is sent as one visitor the route's rule admits (taking turns, so
every admitted role gets its share) and as one it refuses (taking turns too).
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import hypothesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from crm.permissions import may
from tests.fuzzing.discovery import Target
from tests.fuzzing.site import ANONYMOUS, USERNAMES, VISITORS, LogWatch, Site
from tests.fuzzing.values import Request, draw_request
from web.access import ROUTES

# Requests that can end a visitor's session or change who they are: checked after each.
SESSION_CHANGES = {"auth.logout", "auth.login", "admin.change_user"}


def admitted(endpoint: str, role: str) -> bool:
    rule = ROUTES.get(endpoint)
    if rule is None:
        return False
    if not rule.signed_in:
        return True
    return role != ANONYMOUS and (rule.permission is None or may(role, rule.permission))


@dataclass
class Fuzzer:
    site: Site
    targets: dict[tuple[str, str], Target]
    watch: LogWatch
    failures: list[str] = field(default_factory=list)
    answers: Counter[int] = field(default_factory=Counter)
    by_role: Counter[str] = field(default_factory=Counter)
    slowest: list[tuple[float, str]] = field(default_factory=list)
    turns: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def sent(self) -> int:
        return sum(self.answers.values())

    def names(self) -> list[str]:
        """Every field and query name any page sends: tried as unexpected fields elsewhere."""
        return sorted({name for t in self.targets.values() for name in (*t.fields, *t.query)})

    def fuzz(self, target: Target, examples: int, seed: int | None = None) -> None:
        """Send `examples` drawn requests to `target`, each as an admitted and as a refused visitor.

        Without `seed` the draws are hypothesis's derandomized ones (the same on every run); a long run
        gives each round its own seed.
        """
        admitted_roles = [role for role in VISITORS if admitted(target.endpoint, role)]
        refused_roles = [role for role in VISITORS if role not in admitted_roles]
        names = self.names()

        @settings(
            max_examples=examples,
            derandomize=seed is None,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(st.data())
        def one(data: st.DataObject) -> None:
            turn = self.turns[target.key]
            self.turns[target.key] += 1
            role = admitted_roles[turn % len(admitted_roles)]
            self.send(role, target, draw_request(data, target, self.site.visitors[role].token, names))
            if refused_roles:
                refused = refused_roles[turn % len(refused_roles)]
                self.send(refused, target, draw_request(data, target, self.site.visitors[refused].token, names))

        (one if seed is None else hypothesis.seed(seed)(one))()

    def send(self, role: str, target: Target, request: Request) -> int:
        visitor = self.site.visitors[role]
        headers = {"HX-Request": "true", "HX-Target": request.htmx_target} if request.htmx_target else {}
        environ = {"REMOTE_ADDR": self.site.address()}
        status = 0
        started = time.perf_counter()
        try:
            if request.method == "POST":
                headers["Content-Type"] = "application/x-www-form-urlencoded"
                response = visitor.client.post(request.url, data=request.body, headers=headers, environ_base=environ)
            else:
                response = visitor.client.get(request.url, headers=headers, environ_base=environ)
            status = response.status_code
            response.get_data()  # a download streams: read it to its end, where it could still break off
            response.close()
        except Exception as error:
            self.failures.append(f"{role}: {request.describe()} raised {error!r}")
        self.slowest = sorted([*self.slowest, (time.perf_counter() - started, f"{role}: {request.describe()}")])[-10:]
        self.answers[status] += 1
        self.by_role[role] += 1
        if status >= 500:
            self.failures.append(f"{role}: {request.describe()} answered {status}")
        for record in self.watch.take():
            self.failures.append(f"{role}: {request.describe()} logged:\n{record}")
        if target.endpoint in SESSION_CHANGES and status < 400:
            self._repair(role, request)
        return status

    def _repair(self, role: str, request: Request) -> None:
        """Put back what the request may have changed: the visitor's session, a team member's role or password."""
        affected = {role} - {ANONYMOUS}
        for candidate in USERNAMES:
            if str(getattr(self.site.team, candidate)) in request.path:
                affected.add(candidate)
        if affected:
            self.site.restore(affected)


def every_target(targets: dict[tuple[str, str], Target]) -> list[Target]:
    return [targets[key] for key in sorted(targets)]
