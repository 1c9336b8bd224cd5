"""A fake Vosk model zip for the model-install tests (tests/speech/test_models.py, test_hardening_models.py)."""

import os
import zipfile
from pathlib import Path

LAYOUT = {
    "am/final.mdl": b"\x00B<TransitionModel>" + os.urandom(4000),
    "conf/mfcc.conf": b"--use-energy=false\n--sample-frequency=16000\n",
    "conf/model.conf": b"--min-active=200\n",
    "graph/HCLr.fst": os.urandom(2000),
    "graph/Gr.fst": os.urandom(2000),
    "graph/disambig_tid.int": b"1\n2\n",
    "graph/phones/word_boundary.int": b"1 nonword\n",
    "ivector/final.ie": os.urandom(1000),
    "README": b"a fake Vosk model for tests\n",
}


def model_zip(path: Path, folder: str | None = "vosk-model-small-en-us-0.15", files=LAYOUT, extra=()) -> Path:
    """A zip laid out like a published Vosk model: one folder named like the model (or files at the top)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel, data in files.items():
            zf.writestr(f"{folder}/{rel}" if folder else rel, data)
        for info, data in extra:
            zf.writestr(info, data)
    return path
