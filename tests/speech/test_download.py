"""The real download code against an HTTP server on 127.0.0.1 (Range support, cut connections, catalogue)."""

import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from rehearse.errors import UserError
from rehearse.paths import models_dir
from rehearse.speech import models
from rehearse.speech.download import Cancelled, DownloadFailed, NoNetwork

NAME = "vosk-model-en-us-0.22"  # no built-in size: the served catalogue decides
LAYOUT = {
    "am/final.mdl": os.urandom(300_000),  # incompressible, so the zip is big enough to cut mid-way
    "conf/mfcc.conf": b"--sample-frequency=16000\n",
    "conf/model.conf": b"--min-active=200\n",
    "graph/HCLG.fst": os.urandom(20_000),
    "graph/words.txt": b"<eps> 0\nhello 1\n",
    "ivector/final.ie": os.urandom(1000),
}


def make_zip(path, folder=NAME, files=LAYOUT, extra=()):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel, data in files.items():
            zf.writestr(f"{folder}/{rel}", data)
        for name, data in extra:
            zf.writestr(name, data)
    return path.read_bytes()


class Handler(BaseHTTPRequestHandler):
    """Serves ``server.files``; honours Range unless ``server.ignore_range``; ``server.cut_at`` drops the
    connection after that many bytes of a zip (once)."""

    def do_GET(self):
        server = self.server
        server.requests.append((self.path, self.headers.get("Range")))
        data = server.files.get(self.path)
        if data is None:
            self.send_error(404)
            return
        start = 0
        rng = self.headers.get("Range")
        if rng and not server.ignore_range:
            start = int(rng.removeprefix("bytes=").split("-")[0])
            if start >= len(data):
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{len(data)}")
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if server.cut_at is not None and self.path.endswith(".zip"):
            cut, server.cut_at = server.cut_at, None
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.wfile.write(body)
        if self.path.endswith(".zip"):
            server.sent += len(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.files, srv.requests, srv.cut_at, srv.ignore_range, srv.sent = {}, [], None, False, 0
    srv.base = f"http://127.0.0.1:{srv.server_address[1]}"
    thread = threading.Thread(target=srv.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


def publish(server, tmp_path, name=NAME, lang="en-us", md5=None, size=None, **zip_args):
    """Put a model zip and a catalogue entry for it on the server; returns the zip bytes."""
    data = make_zip(tmp_path / f"{name}.zip", folder=name, **zip_args)
    server.files[f"/{name}.zip"] = data
    entry = {"name": name, "lang": lang, "type": "big", "version": "0.22", "url": f"x/{name}.zip",
             "size": size or len(data), "md5": md5 or hashlib.md5(data).hexdigest(), "obsolete": "false"}
    server.files["/model-list.json"] = json.dumps([entry]).encode()
    return data


def nothing_installed():
    leftovers = [p.name for p in models_dir().iterdir() if not p.name.endswith(".part")]
    return leftovers == [] and models.find_vosk_model() is None


def test_download_with_progress_installs_and_verifies(server, tmp_path):
    data = publish(server, tmp_path)
    seen = []
    path = models.install(NAME, progress=lambda d, t: seen.append((d, t)), base_url=server.base)
    assert path == models_dir() / NAME and models.find_vosk_model() == path
    assert (path / "am" / "final.mdl").read_bytes() == LAYOUT["am/final.mdl"]
    downloaded = [d for d, t in seen if t == len(data)]
    assert downloaded[0] == 0 and downloaded[-1] == len(data) and downloaded == sorted(downloaded)
    assert len(downloaded) > 3  # streamed in chunks, not in one piece
    assert sorted(p.name for p in models_dir().iterdir()) == [NAME]  # .part and temp folders gone
    assert models.install(NAME, base_url=server.base) == path  # already installed: no second download
    assert [p for p, _ in server.requests].count(f"/{NAME}.zip") == 1


def test_server_gone_mid_download_then_resume(server, tmp_path):
    data = publish(server, tmp_path)
    server.cut_at = 100_000
    with pytest.raises(DownloadFailed, match="stopped at 100,000 of .* again to resume"):
        models.install(NAME, base_url=server.base)
    part = models_dir() / f"{NAME}.zip.part"
    assert part.stat().st_size == 100_000 and nothing_installed()
    info = {i.name: i for i in models.list_models()}[NAME]
    assert info.status == "partly downloaded" and info.downloaded_bytes == 100_000

    seen = []
    path = models.install(NAME, progress=lambda d, t: seen.append(d), base_url=server.base)
    assert server.requests[-1] == (f"/{NAME}.zip", "bytes=100000-")
    assert server.sent == len(data) - 100_000  # only the rest was sent
    assert seen[0] == 100_000
    assert models.check_model_dir(path) == path and not part.exists()


def test_server_that_ignores_range_starts_over(server, tmp_path):
    data = publish(server, tmp_path)
    server.cut_at, server.ignore_range = 50_000, True
    with pytest.raises(DownloadFailed):
        models.install(NAME, base_url=server.base)
    models.install(NAME, base_url=server.base)
    assert server.sent == len(data)
    assert models.find_vosk_model() == models_dir() / NAME


def test_checksum_mismatch_discards_the_download(server, tmp_path):
    publish(server, tmp_path, md5="0" * 32)
    with pytest.raises(DownloadFailed, match="MD5 checksum mismatch"):
        models.install(NAME, base_url=server.base)
    assert list(models_dir().iterdir()) == []  # not even the .part: a wrong file cannot be resumed


def test_size_mismatch_is_caught_before_downloading(server, tmp_path):
    publish(server, tmp_path, size=123)
    with pytest.raises(DownloadFailed, match="offers .* bytes but this model is 123 bytes"):
        models.install(NAME, base_url=server.base)
    assert nothing_installed()


def test_built_in_entry_is_used_without_a_catalogue(server, tmp_path):
    """No catalogue on the server: the built-in size and SHA-256 of the default model still apply."""
    server.files[f"/{models.DEFAULT_MODEL}.zip"] = make_zip(tmp_path / "d.zip", folder=models.DEFAULT_MODEL)
    with pytest.raises(DownloadFailed, match="but this model is 41,205,931 bytes"):
        models.install(base_url=server.base)
    assert nothing_installed()


def test_zip_slip_from_the_server_is_refused(server, tmp_path):
    publish(server, tmp_path, extra=[(f"{NAME}/../../../outside.txt", b"x")])
    with pytest.raises(UserError, match="unsafe archive, nothing was extracted"):
        models.install(NAME, base_url=server.base)
    assert nothing_installed() and not (models_dir().parent.parent / "outside.txt").exists()


def test_not_a_model_from_the_server_is_refused(server, tmp_path):
    publish(server, tmp_path, files={"readme.txt": b"just text"})
    with pytest.raises(UserError, match="not a Vosk model: missing am/final.mdl"):
        models.install(NAME, base_url=server.base)
    assert nothing_installed()


def test_cancel_mid_download_leaves_nothing_installed(server, tmp_path):
    publish(server, tmp_path)
    stop = threading.Event()

    def progress(done, total):
        if done > 0:
            stop.set()

    with pytest.raises(Cancelled, match="nothing was installed"):
        models.install(NAME, progress=progress, cancel=stop, base_url=server.base)
    assert nothing_installed()
    with pytest.raises(Cancelled):
        models.install(NAME, progress=lambda d, t: d == 0, base_url=server.base)  # a callback returning False
    assert nothing_installed()
    models.install(NAME, base_url=server.base)  # and a later install resumes and finishes
    assert server.requests[-1][1] is not None


def test_unknown_and_foreign_models(server, tmp_path):
    publish(server, tmp_path, name="vosk-model-small-ko-0.22", lang="ko")
    with pytest.raises(UserError, match="ko model; Rehearse needs an English"):
        models.install("vosk-model-small-ko-0.22", base_url=server.base)
    with pytest.raises(UserError, match="unknown model 'vosk-model-nothing'"):
        models.install("vosk-model-nothing", base_url=server.base)


def test_missing_file_on_the_server(server, tmp_path):
    server.files["/model-list.json"] = b"[]"
    with pytest.raises(DownloadFailed, match="HTTP 404"):
        models.install("vosk-model-en-us-0.22-lgraph", base_url=server.base)


def _closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_no_network_names_install_from_zip():
    with pytest.raises(NoNetwork) as err:
        models.install(base_url=f"http://127.0.0.1:{_closed_port()}")
    message = str(err.value)
    assert "Cannot reach" in message and "rehearse models install --from vosk-model-small-en-us-0.15.zip" in message
    assert nothing_installed()


def test_cli_install_by_name(server, tmp_path):
    publish(server, tmp_path)
    env = dict(os.environ, REHEARSE_HOME=str(tmp_path / "home"), REHEARSE_MODEL_URL=server.base)
    cmd = [sys.executable, "-m", "rehearse", "models", "install", NAME, "--json"]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["path"] == str(tmp_path / "home" / "models" / NAME)
    assert "Downloading: 0%" in out.stderr and "Downloading: 100%" in out.stderr

    env["REHEARSE_MODEL_URL"] = f"http://127.0.0.1:{_closed_port()}"
    out = subprocess.run([sys.executable, "-m", "rehearse", "models", "install", "vosk-model-en-us-0.22-lgraph"],
                         capture_output=True, text=True, env=env)
    assert out.returncode == 2 and "--from vosk-model-en-us-0.22-lgraph.zip" in out.stderr
    assert "Traceback" not in out.stderr


def test_two_installs_of_one_model_do_not_mix(server, tmp_path):
    publish(server, tmp_path)
    with models.install_lock(NAME):
        with pytest.raises(UserError, match="already being installed by another Rehearse process"):
            models.install(NAME, base_url=server.base)
    assert models.install(NAME, base_url=server.base) == models_dir() / NAME
