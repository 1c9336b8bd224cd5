"""Resumable HTTP download and safe zip extraction, for the model manager.

``download`` streams a URL into a ``.part`` file, resuming with an HTTP Range request when a part is already
there, and reports ``progress(done_bytes, total_bytes)``; a progress callback that returns ``False`` or a set
``cancel`` event stops it (the part is kept so that the next try resumes). ``check_file`` verifies size and
digests. ``safe_extract`` refuses an archive as a whole if any entry is absolute, climbs out with ``..`` or is a
link, and extracts the rest with the same progress/cancel hooks.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import http.client
import os
import re
import shutil
import socket
import stat
import time
import urllib.error
import urllib.request
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

from rehearse.errors import UserError
from rehearse.fileio import check_regular, why
from rehearse.paths import cache_dir

Progress = Callable[[int, int], object]  # progress(done_bytes, total_bytes); return False to cancel

CHUNK = 64 * 1024
USER_AGENT = "rehearse/0.1 (model manager)"
MAX_UNPACKED = 16 * 1024**3  # refuse archives that claim to unpack to more than this (zip bombs)


class NoNetwork(UserError):
    """The download server cannot be reached at all."""


class DownloadFailed(UserError):
    """The server answered but the transfer failed or was stopped part way."""


class Cancelled(UserError):
    """The user cancelled; nothing was installed."""

    exit_code = 130


def is_cancelled(cancel, progress: Progress | None, done: int, total: int) -> bool:
    """Report progress and say whether the caller asked to stop."""
    if progress is not None and progress(done, total) is False:
        return True
    return bool(cancel is not None and cancel.is_set())


def _open(url: str, start: int, timeout: float):
    headers = {"User-Agent": USER_AGENT}
    if start:
        headers["Range"] = f"bytes={start}-"
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=timeout)


def _unreachable(url: str, err: BaseException) -> NoNetwork:
    reason = getattr(err, "reason", err)
    return NoNetwork(f"Cannot reach {url} ({reason}).")


def fetch_json(url: str, timeout: float = 10.0):
    """GET a small JSON document. Raises NoNetwork when unreachable, DownloadFailed on an HTTP error."""
    import json

    try:
        with _open(url, 0, timeout) as resp:
            return json.loads(resp.read(8 * 1024 * 1024).decode("utf-8"))
    except urllib.error.HTTPError as err:
        raise DownloadFailed(f"{url}: HTTP {err.code} {err.reason}") from None
    except (urllib.error.URLError, OSError) as err:
        raise _unreachable(url, err) from None
    except ValueError as err:
        raise DownloadFailed(f"{url}: not valid JSON ({err})") from None


def download(
    url: str,
    part: Path,
    *,
    expected_size: int | None = None,
    progress: Progress | None = None,
    cancel=None,
    timeout: float = 30.0,
) -> Path:
    """Download ``url`` into ``part``, resuming what is already there. Returns ``part`` when complete."""
    part = Path(part)
    have = part.stat().st_size if part.exists() else 0
    if expected_size is not None and have > expected_size:
        part.unlink()
        have = 0
    if expected_size is not None and have == expected_size:
        is_cancelled(None, progress, have, expected_size)
        return part
    try:
        resp = _open(url, have, timeout)
    except urllib.error.HTTPError as err:
        if err.code == 416 and have:  # nothing more to send: what we have is all there is
            return part
        if err.code == 404:
            raise DownloadFailed(f"{url}: not found on the server (HTTP 404)") from None
        raise DownloadFailed(f"{url}: the server answered HTTP {err.code} {err.reason}") from None
    except (urllib.error.URLError, OSError) as err:
        raise _unreachable(url, err) from None

    with resp:
        if have and resp.status != 206:  # the server ignored Range: start again
            have = 0
        length = resp.headers.get("Content-Length")
        total = have + int(length) if length is not None else (expected_size or 0)
        match = re.match(r"bytes\s+(\d+)-\d+/(\d+)", resp.headers.get("Content-Range", ""))
        if resp.status == 206 and match:
            if int(match.group(1)) != have:
                part.unlink(missing_ok=True)  # cannot be resumed correctly: start over next time
                raise DownloadFailed(f"{url}: the server sent the file from byte {int(match.group(1)):,} instead of "
                                     f"{have:,}; the partial download was discarded. Run the same command again to "
                                     "start over")
            total = int(match.group(2))
        if expected_size is not None and total and total != expected_size:
            raise DownloadFailed(
                f"{url}: the server offers {total:,} bytes but this model is {expected_size:,} bytes; "
                "the file on the server is not the expected one"
            )
        done = have
        try:
            out = open(part, "ab" if have else "wb")
        except OSError as err:
            raise DownloadFailed(f"{part}: cannot write the download: {why(err)}") from None
        try:
            while True:
                if is_cancelled(cancel, progress, done, total):
                    raise Cancelled(f"Download cancelled at {done:,} of {total:,} bytes; nothing was installed.")
                try:
                    chunk = resp.read(CHUNK)
                except (http.client.HTTPException, OSError, socket.timeout) as err:
                    raise _stopped(url, done, total, err) from None
                if not chunk:
                    break
                try:
                    out.write(chunk)
                except OSError as err:
                    raise DownloadFailed(f"{part}: cannot write the download ({why(err)}) at {done:,} of "
                                         f"{total:,} bytes; free some space and run the same command again "
                                         "to resume") from None
                done += len(chunk)
        finally:
            try:
                out.close()
            except OSError:
                pass  # the error that matters was raised above (or the size check below catches a short file)
        if total and done < total:
            raise _stopped(url, done, total, "the connection closed early")
    is_cancelled(None, progress, done, total or done)
    return part


def _stopped(url: str, done: int, total: int, why) -> DownloadFailed:
    return DownloadFailed(
        f"Download of {url} stopped at {done:,} of {total:,} bytes ({why or type(why).__name__}). "
        "Run the same command again to resume."
    )


def file_digest(path: Path, algorithm: str) -> str:
    digest = hashlib.new(algorithm)
    with open(path, "rb") as src:
        for block in iter(lambda: src.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def check_file(path: Path, *, size: int | None = None, sha256: str | None = None, md5: str | None = None) -> None:
    """Raise DownloadFailed if ``path`` does not have the expected size and digests."""
    actual = path.stat().st_size
    if size is not None and actual != size:
        raise DownloadFailed(f"{path.name}: {actual:,} bytes, expected {size:,}; the download is damaged")
    for algorithm, want in (("sha256", sha256), ("md5", md5)):
        if want and file_digest(path, algorithm) != want.lower():
            raise DownloadFailed(
                f"{path.name}: {algorithm.upper()} checksum mismatch; the download is damaged or not the "
                "published file"
            )


def unsafe_entries(zf: zipfile.ZipFile) -> list[str]:
    """Every reason this archive must not be extracted (empty when it is safe)."""
    problems = []
    total = 0
    for info in zf.infolist():
        name = info.filename
        parts = name.replace("\\", "/").split("/")
        mode = info.external_attr >> 16
        if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
            problems.append(f"{name!r} is an absolute path")
        elif ".." in parts:
            problems.append(f"{name!r} points outside the archive folder (..)")
        if stat.S_ISLNK(mode):
            problems.append(f"{name!r} is a link")
        elif stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):  # 0: no type recorded (plain file)
            problems.append(f"{name!r} is a special file")
        total += info.file_size
    if total > MAX_UNPACKED:
        problems.append(f"it would unpack to {total:,} bytes")
    return problems


def open_zip(path: Path) -> zipfile.ZipFile:
    path = Path(path)
    check_regular(path, what="zip archive")  # not a FIFO or a device: zipfile would wait or read forever
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as err:
        raise UserError(f"{path}: not a zip archive ({err})") from None


def unpacked_size(zip_path: Path) -> int:
    """How many bytes the archive unpacks to (as its directory says)."""
    with open_zip(zip_path) as zf:
        return sum(i.file_size for i in zf.infolist())


def safe_extract(zip_path: Path, dest: Path, *, progress: Progress | None = None, cancel=None) -> None:
    """Extract ``zip_path`` into the existing folder ``dest``; refuse the whole archive if any entry is unsafe."""
    dest = Path(dest).resolve()
    with open_zip(zip_path) as zf:
        problems = unsafe_entries(zf)
        if problems:
            raise UserError(f"{zip_path}: unsafe archive, nothing was extracted: " + "; ".join(problems))
        infos = zf.infolist()
        total = sum(i.file_size for i in infos)
        done = 0
        for info in infos:
            target = (dest / info.filename).resolve()
            if target != dest and dest not in target.parents:  # belt and braces after unsafe_entries
                raise UserError(f"{zip_path}: unsafe archive: {info.filename!r} leaves the target folder")
            if info.is_dir():
                try:
                    target.mkdir(parents=True, exist_ok=True)
                except OSError as err:
                    reason = ("a file and a folder in the archive have the same name"
                              if err.errno in (errno.EEXIST, errno.ENOTDIR) else why(err))
                    raise UserError(f"{zip_path}: cannot unpack {info.filename[:80]!r}: {reason}; nothing was "
                                    "installed") from None
                continue
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, open(target, "wb") as out:
                    while block := src.read(CHUNK):
                        out.write(block)
                        done += len(block)
                        if is_cancelled(cancel, progress, done, total):
                            raise Cancelled("Installation cancelled; nothing was installed.")
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as err:
                raise UserError(f"{zip_path}: damaged archive at {info.filename!r} ({err})") from None
            except OSError as err:
                short = info.filename if len(info.filename) <= 80 else info.filename[:77] + "..."
                if err.errno in (errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
                    reason = "a file and a folder in the archive have the same name"
                else:
                    reason = why(err)
                raise UserError(f"{zip_path}: cannot unpack {short!r}: {reason}; nothing was installed") from None


def remove_tree(path: Path) -> None:
    """Remove a file or folder if it exists (links are removed, never followed)."""
    path = Path(path)
    if path.is_symlink() or path.is_file():
        path.unlink()
    elif path.exists():
        shutil.rmtree(path)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, not ours
    return True


def clean_stale_temp(root: Path, older_than_s: float = 3600) -> list[Path]:
    """Remove what killed installs left in the models folder (``.install-PID-*`` of a process that is gone, or
    older than ``older_than_s``). Returns what was removed."""
    removed = []
    for tmp in root.glob(".install-*"):
        found = re.match(r"^\.install-(\d+)-", tmp.name)
        try:
            if found:
                stale = int(found.group(1)) != os.getpid() and not _pid_alive(int(found.group(1)))
            else:
                stale = time.time() - tmp.stat().st_mtime > older_than_s
            if stale:
                remove_tree(tmp)
                removed.append(tmp)
        except OSError:
            pass
    return removed


@contextlib.contextmanager
def install_lock(name: str):
    """Hold an exclusive lock on installing ``name`` (two processes must not write one ``.part`` file)."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; the checks after download still catch a mixed file
        yield
        return
    locks = cache_dir() / "locks"
    locks.mkdir(exist_ok=True)
    with open(locks / f"model-{name}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise UserError(f"{name} is already being installed by another Rehearse process") from None
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
