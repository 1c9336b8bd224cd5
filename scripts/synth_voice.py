#!/usr/bin/env python3
"""Make test speech with a natural synthetic voice (Festival + the HTS voice cmu_us_slt_arctic_hts).

Used only to (re)generate fixtures under tests/data/; the tests use the committed WAV files.
    scripts/synth_voice.py "I'm asking for a promotion." out.wav
Writes 16 kHz mono 16-bit WAV. Needs: apt-get install festival festvox-us-slt-hts sox
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path


def synth(text: str, out: Path, rate: int = 16000) -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        txt = Path(tmp) / "t.txt"
        raw = Path(tmp) / "raw.wav"
        txt.write_text(text + "\n", encoding="utf-8")
        subprocess.run(["text2wave", "-eval", "(voice_cmu_us_slt_arctic_hts)", str(txt), "-o", str(raw)],
                       check=True, capture_output=True)
        subprocess.run(["sox", str(raw), "-r", str(rate), "-c", "1", "-b", "16", str(out)],
                       check=True, capture_output=True)
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    synth(sys.argv[1], Path(sys.argv[2]))
