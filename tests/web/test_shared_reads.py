"""A request's reads share one database session: a screen's dozen statements check out one connection."""

from __future__ import annotations

from sqlalchemy import event

from tests.support import hansen_transport, statements_on


def test_a_page_reads_through_one_connection_and_shows_what_was_just_written(as_role, app, crm, team):
    recruiter = as_role("recruiter")
    hansen = hansen_transport(crm, team.recruiter, owner_id=team.recruiter)
    recruiter.get("/my-day")  # learns what My day reads and brings the views up to date
    engine = crm.factory.datastore.engine
    checkouts: list[object] = []

    def checked_out(*_args: object) -> None:
        checkouts.append(_args[0])

    event.listen(engine.pool, "checkout", checked_out)
    try:
        with statements_on(engine) as statements:
            page = recruiter.get("/my-day")
    finally:
        event.remove(engine.pool, "checkout", checked_out)
    assert page.status_code == 200
    reads = [s for s in statements if s.startswith("select")]
    # The reads on one connection; the others are writes (the access log, and the session's own when due).
    assert len(reads) >= 10
    assert len(checkouts) <= 1 + len(statements) - len(reads)
    # A command in the request, then its page: the page's reads see it.
    answer = recruiter.post(
        f"/companies/{hansen}/attempts",
        data={"channel": "call", "outcome": "no_answer", "note": "ringede forgæves"},
        headers={"HX-Request": "true", "HX-Target": "company-attempts"},
    )
    assert answer.status_code == 200
    assert "ringede forgæves" in answer.get_data(as_text=True)
