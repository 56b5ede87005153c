"""A redaction owes a rebuild of every view until one is done (projections/redactions.py): noted by the catch-up
before any view applies it, paid by a rebuild of every view that began after it, by the projection worker even
after a restart, and shown by `crm projections status`."""

from __future__ import annotations

from click.testing import CliRunner

from cli import main
from crm.application import CrmApplication
from projections import texts_naming
from projections.runner import Projector
from projections.worker import RedactionRebuild, run_forever
from tests.privacy.test_redaction import history

TERMS = ["birthe"]


def redact_birthe(app, team, projector, containing: str = "") -> int:
    """Redact the (first) note naming Birthe, that contains `containing`; the position of the TextRedacted event."""
    position = next(h["position"] for h in texts_naming(projector["timeline"], TERMS) if containing in h["text"])
    app.redact_text(team.project_lead, position, "note", reason="Navn i note")
    return app.recorder.max_notification_id()


def test_a_catch_up_notes_the_redaction_and_a_rebuild_of_every_view_settles_it(sql_database, clock):
    app = sql_database.app(clock=clock)
    team, _, _, _, _, projector = history(app)
    redacted_at = redact_birthe(app, team, projector)
    assert projector.rebuild_owed() is None  # no catch-up has read it yet

    projector.catch_up()
    assert projector.rebuild_owed() == redacted_at
    assert texts_naming(projector["timeline"], TERMS) != []  # the live views keep their copy until rebuilt

    assert projector.rebuild_for_redactions() == []
    assert texts_naming(projector["timeline"], TERMS) == []
    assert projector.rebuild_owed() is None
    assert projector.rebuild_for_redactions() is None  # nothing owed: nothing rebuilt


def test_a_redaction_stored_while_the_rebuild_runs_stays_owed(sql_database, clock):
    app = sql_database.app(clock=clock)
    team, company, _, _, _, projector = history(app)
    app.log_attempt(team.recruiter, company, "call", "no_answer", note="Birthe igen, efter frokost")
    projector.catch_up()
    first = redact_birthe(app, team, projector, containing="ringe tilbage")
    projector.catch_up()
    elsewhere = Projector(app)  # another process, catching up while the rebuild runs
    during: list[int] = []

    def redact_again(stop: int, head: int) -> None:
        if not during:
            during.append(redact_birthe(app, team, elsewhere, containing="igen"))
            elsewhere.catch_up()

    assert projector.rebuild_together(batch_size=2, progress=redact_again) == []
    assert first < during[0] and projector.rebuild_owed() == during[0]
    assert projector.rebuild_for_redactions() == []
    assert projector.rebuild_owed() is None and texts_naming(projector["timeline"], TERMS) == []


def test_the_projection_worker_pays_a_rebuild_owed_before_it_restarted(sql_database, clock):
    app = sql_database.app(clock=clock)
    team, _, _, _, _, projector = history(app)
    redact_birthe(app, team, projector)
    projector.catch_up()  # noted; then the process that would have rebuilt died

    restarted = Projector(app)
    rebuild = RedactionRebuild(lambda: Projector(app))
    turns = iter(range(2))
    run_forever(restarted, lambda: next(turns, None) is None, wake_every=0.01, redaction=rebuild)
    rebuild.join(timeout=60)

    assert restarted.rebuild_owed() is None
    assert texts_naming(restarted["timeline"], TERMS) == []


def test_the_status_says_when_a_rebuild_is_owed(tmp_path, monkeypatch, clock):
    url = f"sqlite:///{tmp_path / 'status.sqlite3'}"
    monkeypatch.setenv("CRM_DATABASE_URL", url)
    app = CrmApplication.for_database(url, clock=clock)
    team, _, _, _, _, projector = history(app)
    redacted_at = redact_birthe(app, team, projector)
    projector.catch_up()

    owed = CliRunner().invoke(main, ["projections", "status"], catch_exceptions=False)
    assert f"A rebuild of every view is owed: the text redacted at position {redacted_at}" in owed.output
    assert CliRunner().invoke(main, ["projections", "rebuild"], catch_exceptions=False).exit_code == 0
    settled = CliRunner().invoke(main, ["projections", "status"], catch_exceptions=False)
    assert settled.exit_code == 0 and "owed" not in settled.output


def test_a_rebuild_reads_every_key_afresh_so_a_key_another_process_destroyed_moments_ago_is_not_used(
    sql_database, clock
):
    worker = sql_database.app(clock=clock)
    team, _, _, _, _, projector = history(worker)  # the worker's process decoded the notes: their keys are cached
    web = sql_database.app(clock=clock)  # another process, where the project lead redacts
    redact_birthe(web, team, Projector(web))

    projector.catch_up()
    assert projector.rebuild_for_redactions() == []
    assert texts_naming(projector["timeline"], TERMS) == []
    assert projector.rebuild_owed() is None
