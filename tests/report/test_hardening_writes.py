"""Writing files on a full disk, to /dev/full, over existing files and through links (issue 13, defects 2 and 3).

Never report a write that did not complete, never leave a partial file, never replace a file without --force, never
follow a symlink. The full disk is real where the machine allows mounting a tiny tmpfs (root); the ENOSPC fault at
the os.write boundary covers the same path everywhere.
"""

import errno
import os

import pytest

from hardening_helpers import assert_clean_error, cli, fill, tiny_tmpfs
from rehearse import fileio
from rehearse.errors import UserError
from rehearse.paths import SCENARIOS
from rehearse.store import Store

EXAMPLE = SCENARIOS / "example-senior-engineer.toml"


@pytest.fixture
def home_with_a_run(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    with Store(home / "history.sqlite3") as store:
        run_id = store.create_run(scenario_path=str(EXAMPLE), scenario_title="Example", target_role="Senior Engineer",
                                  mode="pitch", persona="busy", seed=1, engine="whisper")
        store.add_turn(run_id, index=0, role="manager", text="What's on your mind? " * 200)
        store.add_turn(run_id, index=1, role="user", text="I am asking for a promotion. " * 200,
                       feedback={"score": 50, "tip": "x"})
        store.finish_run(run_id, complete=True, outcome="not_yet", summary={"score": 50})
    return home


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_export_to_dev_full_fails_clearly(home_with_a_run, fmt):
    result = cli("export", "last", "-o", "/dev/full", "--format", fmt, home=home_with_a_run)
    assert_clean_error(result, "/dev/full", "disk is full")
    assert "Wrote" not in result.stdout


@pytest.mark.parametrize("fmt", ["md", "html", "pdf"])
def test_export_on_a_full_disk_leaves_nothing_and_says_so(home_with_a_run, tmp_path, fmt):
    with tiny_tmpfs(tmp_path / "full", "64k") as disk:
        fill(disk)
        before = sorted(os.listdir(disk))
        result = cli("export", "last", "-o", disk / f"report.{fmt}", home=home_with_a_run)
        assert_clean_error(result, "cannot write", "disk is full")
        assert "Wrote" not in result.stdout
        assert sorted(os.listdir(disk)) == before  # no partial report, no temporary file


def test_a_write_cut_short_by_enospc_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "report.md"
    target.write_text("the old report")
    real_write = os.write
    calls = []

    def write_then_full(fd, data):  # the disk fills after the first 100 bytes
        calls.append(len(data))
        if len(calls) > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, bytes(data)[:100])

    monkeypatch.setattr(fileio.os, "write", write_then_full)
    with pytest.raises(UserError, match="disk is full"):
        fileio.write_atomic(target, b"x" * 10_000, force=True)
    assert target.read_text() == "the old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_export_refuses_to_overwrite_without_force(home_with_a_run, tmp_path):
    out = tmp_path / "mine.md"
    out.write_text("my notes")
    result = cli("export", "last", "-o", out, home=home_with_a_run)
    assert_clean_error(result, "already exists", "--force")
    assert out.read_text() == "my notes"
    result = cli("export", "last", "-o", out, "--force", home=home_with_a_run)
    assert result.returncode == 0, result.stderr
    assert out.read_text().startswith("#")


@pytest.mark.parametrize("dangling", [True, False])
def test_export_does_not_follow_a_symlink(home_with_a_run, tmp_path, dangling):
    victim = tmp_path / "elsewhere.txt"
    if not dangling:
        victim.write_text("keep me")
    link = tmp_path / "report.md"
    link.symlink_to(victim)
    result = cli("export", "last", "-o", link, "--force", home=home_with_a_run)
    assert_clean_error(result, "symbolic link")
    assert victim.exists() != dangling
    if not dangling:
        assert victim.read_text() == "keep me"


def test_pdf_export_reports_the_bytes_on_disk(home_with_a_run, tmp_path):
    out = tmp_path / "r.pdf"
    result = cli("export", "last", "-o", out, "--json", home=home_with_a_run)
    assert result.returncode == 0, result.stderr
    import json

    data = json.loads(result.stdout)
    assert data["bytes"] == out.stat().st_size > 1000
    body = out.read_bytes()
    assert body.startswith(b"%PDF") and b"%%EOF" in body[-64:]


def test_scenario_new_on_a_full_disk_leaves_nothing(tmp_path):
    with tiny_tmpfs(tmp_path / "full", "64k") as disk:
        fill(disk)
        before = sorted(os.listdir(disk))
        result = cli("scenario", "new", disk / "mine.toml", home=tmp_path / "home")
        assert_clean_error(result, "disk is full")
        assert sorted(os.listdir(disk)) == before
