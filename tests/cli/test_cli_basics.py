import subprocess
import sys

from rehearse.cli import build_parser, main


def test_every_command_module_registers():
    parser = build_parser()
    assert parser.prog == "rehearse"


def test_version_flag(capsys):
    try:
        main(["--version"])
    except SystemExit as exit_:
        assert exit_.code == 0
    assert "rehearse" in capsys.readouterr().out


def test_python_dash_m_runs():
    out = subprocess.run([sys.executable, "-m", "rehearse", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    assert "promotion" in out.stdout
