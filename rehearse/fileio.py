"""Reading and writing the user's files safely: regular files only, bounded sizes, atomic complete writes.

- :func:`check_regular` / :func:`read_regular` refuse FIFOs, devices (``/dev/zero``) and folders, and files past a
  size limit, so a bad path can neither hang a command nor fill the memory.
- :func:`write_atomic` writes beside the target under a hidden temporary name, ``fsync``s, then renames over the
  target: the target is either the complete new file or untouched, never a partial file, and a write that did not
  complete (full disk, ``/dev/full``, read-only folder) raises a :class:`UserError` that says so.
  It refuses to replace an existing file unless ``force`` and never follows a symlink at the target (a dangling
  one is refused as well). Writing to a character device such as ``/dev/null`` or ``/dev/full`` is done directly and
  checked to the last byte.

No Qt, no audio: everything here is the operating system's files.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Callable

from rehearse.errors import UserError

MB = 1024 * 1024


def why(err: OSError) -> str:
    """A plain reason for an OSError, with the usual causes spelled out."""
    if err.errno == errno.ENOSPC:
        return "the disk is full"
    if err.errno == errno.EDQUOT:
        return "the disk quota is used up"
    if err.errno == errno.EROFS:
        return "the folder is on a read-only file system"
    if err.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if err.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return err.strerror or str(err)


def _a(what: str) -> str:
    return ("an " if what[:1].lower() in "aeiou" else "a ") + what


def check_regular(path, limit: int | None = None, what: str = "file") -> int:
    """Raise UserError unless ``path`` is an existing regular file (after symlinks) of at most ``limit`` bytes.

    Returns its size. Never opens the file, so a FIFO cannot block here.
    """
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except OSError as err:
        raise UserError(f"{path}: cannot read the {what}: {why(err)}") from None
    if stat.S_ISDIR(st.st_mode):
        raise UserError(f"{path}: is a folder, not {_a(what)}")
    if not stat.S_ISREG(st.st_mode):
        kind = "a named pipe (FIFO)" if stat.S_ISFIFO(st.st_mode) else (
            "a device" if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode) else "a special file")
        raise UserError(f"{path}: is {kind}, not a regular {what}; give the path of {_a(what)} on disk")
    if limit is not None and st.st_size > limit:
        raise UserError(f"{path}: too large for {_a(what)} ({st.st_size:,} bytes; at most {limit:,})")
    return st.st_size


def read_regular(path, limit: int, what: str = "file") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; UserError otherwise (also when it grows meanwhile)."""
    path = Path(path)
    check_regular(path, limit, what)
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO since the check, open() does not wait for a writer
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise UserError(f"{path}: cannot read the {what}: {why(err)}") from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UserError(f"{path}: is not a regular {what}")
        try:
            data = fh.read(limit + 1)
        except OSError as err:
            raise UserError(f"{path}: cannot read the {what}: {why(err)}") from None
    if len(data) > limit:
        raise UserError(f"{path}: too large for {_a(what)} (more than {limit:,} bytes)")
    return data


def _is_char_device(path: Path) -> bool:
    try:
        return stat.S_ISCHR(os.stat(path).st_mode)
    except OSError:
        return False


def check_target(path, force: bool = False) -> Path:
    """Raise UserError when ``path`` cannot be an output file: folder missing, exists without ``force``, a
    symlink (dangling or not), a folder or a special file other than a character device."""
    path = Path(path)
    if not str(path).strip():
        raise UserError("(empty file name): give the output file's name")
    if _is_char_device(path):
        return path  # /dev/null, /dev/full, /dev/stdout: written directly and checked
    if path.is_symlink():
        raise UserError(f"{path}: is a symbolic link; Rehearse does not write through links: give a plain file name")
    if path.is_dir():
        raise UserError(f"{path}: is a folder; give a file name")
    if not path.parent.is_dir():
        raise UserError(f"{path}: the folder {path.parent} does not exist")
    if path.exists() and not force:
        raise UserError(f"{path}: already exists; add --force to replace it, or choose another name")
    return path


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        if written <= 0:  # should not happen for regular files; never loop forever
            raise OSError(errno.EIO, "short write")
        view = view[written:]


def write_atomic(path, data: bytes | Callable[[], bytes], force: bool = False) -> int:
    """Write ``data`` to ``path`` completely or not at all; returns the number of bytes written.

    UserError (and no file left behind, the old target untouched) when anything fails.
    """
    path = check_target(path, force)
    if callable(data):
        data = data()
    data = bytes(data)
    if _is_char_device(path):
        try:
            fd = os.open(path, os.O_WRONLY)
            try:
                _write_all(fd, data)
            finally:
                os.close(fd)
        except OSError as err:
            raise UserError(f"{path}: cannot write: {why(err)}") from None
        return len(data)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    except OSError as err:
        raise UserError(f"{path}: cannot write: {why(err)}") from None
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        if not force and path.exists():
            raise UserError(f"{path}: already exists; add --force to replace it, or choose another name")
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise UserError(f"{path}: cannot write: {why(err)}; nothing was written") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)
    return len(data)


def copy_atomic(source, path, force: bool = False) -> int:
    """Copy a file to ``path`` with the guarantees of :func:`write_atomic`."""
    try:
        data = Path(source).read_bytes()
    except OSError as err:
        raise UserError(f"{source}: cannot read: {why(err)}") from None
    return write_atomic(path, data, force=force)


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
