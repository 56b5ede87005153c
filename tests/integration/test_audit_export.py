"""The export for external audit: JSON Lines plus a manifest, re-verified from the files alone."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from cli.audit import audit
from crm.audit.chain import GENESIS
from crm.audit.export import ExportSummary, export_lines, verify_export, write_export
from crm.clock import local_date
from crm.permissions import SYSTEM_ACTOR_ID
from tests.audit_history import build_history


@pytest.fixture
def history_app(sql_database, clock):
    app = sql_database.app(clock=clock)
    return app, build_history(app, clock)


def read_lines(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_whole_log_exports_and_the_files_alone_verify(history_app, tmp_path):
    app, history = history_app
    events_path, manifest_path, manifest = write_export(app, tmp_path / "out", None, None, history.team.auditor)
    lines = read_lines(events_path)

    assert manifest["count"] == len(lines) == app.recorder.max_notification_id()
    assert [line["position"] for line in lines] == list(range(1, len(lines) + 1))
    assert (manifest["head_position"], manifest["head_hash"]) == app.recorder.head()
    assert manifest["last_link"] == manifest["head_hash"] and manifest["previous_link"] == GENESIS.hex()
    assert manifest["software"]["name"] == "workplace-crm" and manifest["software"]["version"]
    # Check a line reads as the event it is, with its state decoded.
    call = next(line for line in lines if line["originator_id"] == str(history.first_attempt))
    assert call["topic"] == "crm.attempts:OutreachAttempt.Logged"
    assert call["state"]["outcome"] == "no_answer" and call["timestamp"].startswith("2026-03-02T")
    assert "state_bytes" not in call

    # Check the files verify on their own, away from the database.
    alone = tmp_path / "elsewhere"
    alone.mkdir()
    shutil.copy(events_path, alone / events_path.name)
    shutil.copy(manifest_path, alone / manifest_path.name)
    app.factory.datastore.engine.dispose()
    check = verify_export(alone / events_path.name, alone / manifest_path.name)
    assert check.ok, check.problems
    assert check.count == manifest["count"]


def test_a_date_range_exports_the_days_events_as_one_run_of_the_chain(history_app, tmp_path):
    app, history = history_app
    # Week 2 runs from the Monday the first week ended to the Sunday before the second ended.
    week_2 = (local_date(history.week_end[1]), local_date(history.week_end[2]) - timedelta(days=1))
    events_path, manifest_path, manifest = write_export(app, tmp_path, week_2[0], week_2[1], SYSTEM_ACTOR_ID)
    lines = read_lines(events_path)

    days = {local_date(datetime.fromisoformat(line["timestamp"])) for line in lines}
    assert lines and all(week_2[0] <= day <= week_2[1] for day in days)
    assert {line["topic"].split(":")[1] for line in lines} >= {
        "PartnershipAgreement.Drafted",
        "PartnershipAgreement.RequirementConfirmed",
    }
    assert manifest["first_position"] == lines[0]["position"] > 1
    assert manifest["previous_link"] == app.recorder.link_before(lines[0]["position"])
    assert (manifest["date_from"], manifest["date_to"]) == (week_2[0].isoformat(), week_2[1].isoformat())
    assert verify_export(events_path, manifest_path).ok


def test_an_edited_line_and_a_removed_line_are_found_in_the_file(history_app, tmp_path):
    app, history = history_app
    events_path, manifest_path, _ = write_export(app, tmp_path, None, None, SYSTEM_ACTOR_ID)
    lines = events_path.read_text(encoding="utf-8").splitlines(keepends=True)
    edited = json.loads(lines[9])
    edited["state"]["reason"] = "ændret bagefter"
    lines[9] = json.dumps(edited, ensure_ascii=False) + "\n"
    removed = json.loads(lines[20])["position"]
    del lines[20]
    events_path.write_text("".join(lines), encoding="utf-8")

    check = verify_export(events_path, manifest_path)

    assert not check.ok
    assert check.first_bad_position == edited["position"]
    assert any(f"position {removed + 1}" in problem for problem in check.problems)
    assert any("SHA-256" in problem for problem in check.problems)


def test_an_event_edited_in_the_database_shows_in_its_export(history_app, tmp_path):
    app, history = history_app
    with app.factory.datastore.engine.begin() as connection:
        state = bytes(connection.execute(text("SELECT state FROM crm_events WHERE id = 7")).scalar_one())
        connection.execute(
            text("UPDATE crm_events SET state = :state WHERE id = 7"),
            {"state": state.replace(b'"reason":null', b'"reason":"x"')},
        )
    events_path, manifest_path, _ = write_export(app, tmp_path, None, None, SYSTEM_ACTOR_ID)

    assert verify_export(events_path, manifest_path).first_bad_position == 7


def test_the_export_records_an_export_access_for_every_contact_exported(history_app, tmp_path):
    app, history = history_app
    week_4 = (local_date(history.week_end[3]), local_date(history.week_end[4]) - timedelta(days=1))
    write_export(app, tmp_path, week_4[0], week_4[1], history.team.auditor, place="test")

    about_pia = app.access_log.entries(contact_id=history.pia)
    about_lars = app.access_log.entries(contact_id=history.lars)
    assert [(e["use"], e["user_id"]) for e in about_pia] == [("export", history.team.auditor)]
    assert about_pia[0]["criterion"].startswith("events ")
    assert about_lars == []  # Lars's events are all from weeks 1 to 3


def test_lines_stream_one_at_a_time(history_app):
    app, _ = history_app
    summary = ExportSummary(None, None)
    lines = export_lines(app, summary, batch_size=5)
    first = next(lines)
    assert json.loads(first)["position"] == 1 and summary.count == 1
    rest = list(lines)
    assert summary.count == 1 + len(rest) == app.recorder.max_notification_id()


def test_the_command_line_exports_with_a_manifest_and_verifies_the_files(
    history_app, sql_database, tmp_path, monkeypatch
):
    app, history = history_app
    monkeypatch.setenv("CRM_DATABASE_URL", sql_database.url)
    result = CliRunner().invoke(
        audit, ["export", "--from", "2026-03-01", "--to", "2026-03-31", "--out", str(tmp_path), "--user", "birgit"]
    )
    assert result.exit_code == 0, result.output
    events_path = tmp_path / "crm-events-2026-03-01-2026-03-31.jsonl"
    manifest_path = tmp_path / "crm-events-2026-03-01-2026-03-31.manifest.json"
    manifest = json.loads(manifest_path.read_text())
    assert f"Wrote {manifest['count']} events" in result.output
    assert app.access_log.entries(contact_id=history.pia)[0]["user_id"] == history.team.auditor

    result = CliRunner().invoke(audit, ["verify-export", str(events_path), str(manifest_path)])
    assert result.exit_code == 0 and "OK" in result.output

    result = CliRunner().invoke(audit, ["export", "--from", "2026-03-31", "--to", "2026-03-01"])
    assert result.exit_code == 2 and "before the first" in result.output


def test_a_state_stored_in_another_json_spelling_is_exported_with_its_exact_bytes(history_app, tmp_path):
    app, history = history_app
    recorder = app.recorder
    spaced = json.dumps(json.loads(recorder.select_events(history.lars)[0].state)).encode()  # ", " and ": "
    events = recorder.events_table
    with app.factory.datastore.engine.begin() as connection:
        position = connection.execute(
            select(events.c.id).where(events.c.originator_id == history.lars, events.c.originator_version == 1)
        ).scalar_one()
    # Rewrite the row and the links after it, so the chain holds the new spelling (no tamper to find here).
    with app.factory.datastore.engine.begin() as connection:
        connection.execute(text("UPDATE crm_events SET state = :s WHERE id = :id"), {"s": spaced, "id": position})
    relink(app)

    events_path, manifest_path, _ = write_export(app, tmp_path, None, None, SYSTEM_ACTOR_ID)
    line = next(json.loads(x) for x in events_path.read_text().splitlines() if json.loads(x)["position"] == position)
    # The name travels as ciphertext under the person's key (crm/sealing.py), never in clear.
    assert line["state"]["role"] == "top_management" and line["state"]["name"]["_type_"] == "sealed"
    assert "state_bytes" in line
    assert verify_export(events_path, manifest_path).ok


def relink(app) -> None:
    from crm.audit.chain import GENESIS, iter_events, next_link

    link = GENESIS
    with app.factory.datastore.engine.begin() as connection:
        for event in list(iter_events(app.factory.datastore, app.recorder.events_table)):
            link = next_link(link, *event)
            connection.execute(
                text("UPDATE crm_event_chain SET link = :l WHERE position = :p"), {"l": link.hex(), "p": event.id}
            )
