"""The built wheel installs anywhere: it carries the assets, and an installed copy runs away from the checkout.

The wheel is built offline (``pip wheel --no-build-isolation``: the build backend, hatchling, is in the test extra,
so nothing is downloaded) and installed with ``--no-deps --no-index`` into a fresh virtual environment. Its
dependencies come from this test run's environment through a ``.pth`` line naming that site-packages folder: a path
added that way is searched *after* the fresh venv's own site-packages, and the ``.pth`` files inside it (the
editable install of the checkout) are not run, so ``import rehearse`` can only find the installed wheel — the test
checks that it does. Everything runs from an empty folder with no ``PYTHONPATH``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                           "-q", "-w", str(out), str(ROOT)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (built,) = out.glob("rehearse-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed (and only this run's site-packages behind it for the dependencies)."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index",
                           "-q", str(wheel)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "test-dependencies.pth").write_text("\n".join(sorted(deps)) + "\n")
    return venv


def run_installed(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env["REHEARSE_HOME"] = str(cwd / "home")
    return subprocess.run(list(args), cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_the_wheel_carries_the_assets_and_no_test_only_dependency(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        metadata = Parser().parsestr(zf.read("rehearse-0.1.0.dist-info/METADATA").decode())
    shipped = {str(p.relative_to(ROOT / "assets")) for p in (ROOT / "assets").rglob("*") if p.is_file()}
    assert shipped and {f"rehearse/_assets/{name}" for name in shipped} <= names
    assert "rehearse/_assets/scenarios/example-senior-engineer.toml" in names
    assert "rehearse/_assets/words/fillers.txt" in names and "rehearse/_assets/desktop/rehearse.desktop" in names
    assert not any(n.startswith(("tests/", "assets/", "scripts/")) for n in names)
    runtime = [r for r in metadata.get_all("Requires-Dist") if "extra ==" not in r]
    assert not any(r.startswith("num2words") for r in runtime)
    assert any(r.startswith("num2words") and "extra == 'test'" in r for r in metadata.get_all("Requires-Dist"))


@pytest.mark.slow
def test_installed_wheel_runs_away_from_the_checkout(installed, tmp_path):
    bin_ = installed / "bin"
    where = run_installed(installed, tmp_path, str(bin_ / "python"), "-c",
                          "import rehearse, rehearse.paths as p, rehearse.core.analysers.words as w; "
                          "print(rehearse.__file__); print(p.ASSETS); print(w.WORDS_DIR)")
    assert where.returncode == 0, where.stderr
    module, assets, words = (Path(line) for line in where.stdout.split())
    assert module.is_relative_to(installed) and assets.is_relative_to(installed) and words.is_relative_to(installed)
    assert assets.name == "_assets" and words == assets / "words"

    version = run_installed(installed, tmp_path, str(bin_ / "rehearse"), "--version")
    assert version.returncode == 0 and version.stdout.strip() == "rehearse 0.1.0", version.stderr
    as_module = run_installed(installed, tmp_path, str(bin_ / "python"), "-m", "rehearse", "--version")
    assert as_module.returncode == 0 and as_module.stdout.strip() == "rehearse 0.1.0", as_module.stderr

    shipped = assets / "scenarios" / "example-senior-engineer.toml"
    valid = run_installed(installed, tmp_path, str(bin_ / "rehearse"), "scenario", "validate", str(shipped))
    assert valid.returncode == 0 and "ok" in valid.stdout, valid.stderr
    new = run_installed(installed, tmp_path, str(bin_ / "rehearse"), "scenario", "new", "mine.toml", "--example")
    assert new.returncode == 0 and (tmp_path / "mine.toml").read_bytes() == shipped.read_bytes(), new.stderr
    valid = run_installed(installed, tmp_path, str(bin_ / "rehearse"), "scenario", "validate", "mine.toml", "--json")
    assert valid.returncode == 0 and json.loads(valid.stdout)["ok"] is True, valid.stderr

    # `check` uses the word lists: the filler and the hedge are found only if the wheel's lists were read
    check = run_installed(installed, tmp_path, str(bin_ / "rehearse"), "check", "mine.toml", "--part", "intent",
                          "--text", "Um, I think I'd maybe like a promotion to Senior Engineer this cycle.", "--json")
    assert check.returncode == 0, check.stderr
    feedback = json.loads(check.stdout)
    delivery = next(c for c in feedback["components"] if c["name"] == "delivery")
    assert "1 fillers" in delivery["detail"] and "0 hedges" not in delivery["detail"], delivery
    assert 0 < feedback["score"] < 100

    # the manager's voice (its worker is a file inside the installed package) and the built-in recognizer (its
    # weights checked against the pinned sums) work from the installed copy too
    say = run_installed(installed, tmp_path, str(bin_ / "rehearse"), "say", "Why now?", "-o", "why.wav", "--json")
    assert say.returncode == 0 and json.loads(say.stdout)["frames"] > 0, say.stderr
    heard = run_installed(installed, tmp_path, str(bin_ / "rehearse"), "transcribe",
                          str(ROOT / "tests" / "data" / "audio" / "answer.wav"), "--engine", "whisper", "--json")
    assert heard.returncode == 0, heard.stderr
    assert "promotion" in json.loads(heard.stdout)["text"].lower()
