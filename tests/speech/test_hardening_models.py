"""Model installs that broke in the break-in test (issue 13, defects 6, 10 and the download messages of 14).

A local HTTP server on 127.0.0.1 plays the model catalogue; nothing goes to the network.
"""

import hashlib
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from hardening_helpers import assert_clean_error, cli, tiny_tmpfs
from model_samples import LAYOUT, model_zip
from rehearse.errors import UserError
from rehearse.paths import SCENARIOS, models_dir
from rehearse.speech import models
from rehearse.speech.download import DownloadFailed, download, safe_extract

EXAMPLE = SCENARIOS / "example-senior-engineer.toml"
ANSWER = SCENARIOS.parent.parent / "tests" / "data" / "audio" / "answer.wav"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        srv = self.server
        if self.path in srv.status:
            self.send_error(srv.status[self.path])
            return
        data = srv.files.get(self.path)
        if data is None:
            self.send_error(404)
            return
        if self.path in srv.wrong_range:  # a 206 reply that starts somewhere else than asked
            start = srv.wrong_range[self.path]
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
            self.send_header("Content-Length", str(len(data) - start))
            self.end_headers()
            self.wfile.write(data[start:])
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.files, srv.status, srv.wrong_range = {}, {}, {}
    srv.base = f"http://127.0.0.1:{srv.server_address[1]}"
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def catalogue(server, **entry):
    server.files["/model-list.json"] = json.dumps([entry]).encode()


# --- 6: a catalogue cannot switch off the pinned checksum ---------------------------------------------------------

def test_a_catalogue_entry_with_another_size_cannot_install_junk_as_a_known_model(server, tmp_path):
    name = models.DEFAULT_MODEL
    junk = model_zip(tmp_path / "junk.zip", folder=name).read_bytes()
    server.files[f"/{name}.zip"] = junk
    catalogue(server, name=name, lang="en-us", size=len(junk), md5=hashlib.md5(junk).hexdigest())
    with pytest.raises(DownloadFailed):
        models.install(name, base_url=server.base)
    assert models.find_vosk_model() is None
    assert not (models_dir() / name).exists()


def test_an_unknown_model_without_a_checksum_is_refused(server, tmp_path):
    name = "vosk-model-en-us-9.9"
    data = model_zip(tmp_path / "m.zip", folder=name).read_bytes()
    server.files[f"/{name}.zip"] = data
    catalogue(server, name=name, lang="en-us", size=len(data))  # no md5
    with pytest.raises(UserError, match="no checksum"):
        models.install(name, base_url=server.base)
    assert not (models_dir() / name).exists()


def test_an_unknown_model_with_a_checksum_installs(server, tmp_path):
    name = "vosk-model-en-us-9.9"
    data = model_zip(tmp_path / "m.zip", folder=name).read_bytes()
    server.files[f"/{name}.zip"] = data
    catalogue(server, name=name, lang="en-us", size=len(data), md5=hashlib.md5(data).hexdigest())
    assert models.install(name, base_url=server.base) == models_dir() / name


# --- 10: model installs -------------------------------------------------------------------------------------------

def test_a_300_character_folder_name_in_a_zip_is_a_clear_error(tmp_path):
    bad = model_zip(tmp_path / "long.zip", folder="x" * 300)
    result = cli("models", "install", "--from", bad, home=tmp_path / "home")
    assert_clean_error(result, str(bad))
    assert [p.name for p in (tmp_path / "home" / "models").iterdir()] == []


def test_a_file_and_a_folder_with_one_name_is_a_clear_error(tmp_path):
    bad = model_zip(tmp_path / "clash.zip", extra=[("vosk-model-small-en-us-0.15/am", b"a file")])
    result = cli("models", "install", "--from", bad, home=tmp_path / "home")
    assert_clean_error(result, str(bad), "same name")
    assert [p.name for p in (tmp_path / "home" / "models").iterdir()] == []


def test_what_a_killed_install_left_is_cleaned_at_the_next_start(tmp_path):
    root = models_dir()
    dead = root / ".install-999999999-abcd"  # no such process
    (dead / "x").mkdir(parents=True)
    (dead / "x" / "big").write_bytes(b"\0" * 100_000)
    mine = root / f".install-{os.getpid()}-live"  # this process: an install in progress
    mine.mkdir()
    models.list_models()
    assert not dead.exists() and mine.exists()
    result = cli("models", "install", "--from", model_zip(tmp_path / "m.zip"), home=models_dir().parent)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in root.iterdir()) == sorted([mine.name, "vosk-model-small-en-us-0.15"])


def test_free_space_is_checked_before_unpacking(tmp_path):
    big = model_zip(tmp_path / "big.zip", files={**LAYOUT, "am/extra.bin": b"\0" * 3_000_000})
    with tiny_tmpfs(tmp_path / "home", "1m") as home:
        result = cli("models", "install", "--from", big, home=home)
        assert_clean_error(result, "not enough free space")
        assert [p.name for p in (home / "models").iterdir()] == []


def test_a_full_disk_while_unpacking_is_a_clear_error(tmp_path):
    big = model_zip(tmp_path / "big.zip", files={**LAYOUT, "am/extra.bin": os.urandom(200_000)})
    with tiny_tmpfs(tmp_path / "disk", "128k") as disk:
        with pytest.raises(UserError, match="disk is full"):
            safe_extract(big, disk)


@pytest.mark.slow
def test_a_broken_vosk_model_falls_back_to_the_built_in_recognizer(tmp_path):
    home = tmp_path / "home"
    installed = cli("models", "install", "--from", model_zip(tmp_path / "m.zip"), home=home)
    assert installed.returncode == 0, installed.stderr  # the layout is right; the contents are junk
    result = cli("transcribe", ANSWER, "--json", home=home, timeout=180)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["engine"] == "whisper"
    assert "built-in recognizer instead" in result.stderr
    result = cli("run", EXAMPLE, "--answers", ANSWER, "--no-speak", "--json", home=home, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "built-in recognizer instead" in result.stderr
    assert json.loads(result.stdout)["turns"][1]["text"]


# --- 14: download messages ----------------------------------------------------------------------------------------

def test_http_500_does_not_end_with_the_offline_hint(server, tmp_path):
    name = "vosk-model-en-us-0.22"
    data = model_zip(tmp_path / "m.zip", folder=name).read_bytes()
    catalogue(server, name=name, lang="en-us", size=len(data), md5=hashlib.md5(data).hexdigest())
    server.status[f"/{name}.zip"] = 500
    with pytest.raises(DownloadFailed) as err:
        models.install(name, base_url=server.base)
    assert "HTTP 500" in str(err.value) and "Without a network" not in str(err.value)


@pytest.mark.parametrize("have", [0, 1000])
def test_a_wrong_range_reply_names_no_file_that_is_not_there(server, tmp_path, have):
    data = os.urandom(5000)
    server.files["/f.zip"] = data
    server.wrong_range["/f.zip"] = 77
    part = tmp_path / "f.zip.part"
    if have:
        part.write_bytes(data[:have])
    with pytest.raises(DownloadFailed) as err:
        download(f"{server.base}/f.zip", part)
    message = str(err.value)
    assert "wrong" in message or "instead of" in message
    assert str(part) not in message or part.exists()
    assert not part.exists()  # it could not be resumed: discarded, the next try starts over


def test_a_full_disk_while_downloading_is_a_clear_error(server, tmp_path):
    name = "vosk-model-en-us-0.22"
    data = model_zip(tmp_path / "m.zip", folder=name, files={**LAYOUT, "am/big.bin": os.urandom(2_000_000)}
                     ).read_bytes()
    server.files[f"/{name}.zip"] = data
    catalogue(server, name=name, lang="en-us", size=len(data), md5=hashlib.md5(data).hexdigest())
    with tiny_tmpfs(tmp_path / "home", "1m") as home:
        result = cli("models", "install", name, "--url", server.base, home=home)
        assert_clean_error(result, "disk is full")
        assert "Traceback" not in result.stderr and "Installed" not in result.stdout
