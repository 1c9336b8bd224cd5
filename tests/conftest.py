import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def rehearse_home(tmp_path, monkeypatch):
    """Every test gets its own user data directory."""
    home = tmp_path / "rehearse-home"
    monkeypatch.setenv("REHEARSE_HOME", str(home))
    return home
