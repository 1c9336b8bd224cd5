"""Writing a report file: Markdown, HTML or PDF (laid out from the HTML), completely or not at all.

The target is checked before the (slow) PDF layout; the bytes are written beside it and moved into place
(:func:`rehearse.fileio.write_atomic`), so a failed write never leaves a partial file and never reports "Wrote".
An existing file is replaced only with ``force``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from rehearse.errors import UserError


def write_report(out_path: Path, fmt: str, html: Callable[[], str], markdown: Callable[[], str] | None = None,
                 force: bool = False) -> Path:
    from rehearse.fileio import check_target, write_atomic

    check_target(out_path, force)
    if fmt == "md" and markdown is not None:
        data = markdown().encode("utf-8")
    elif fmt == "html":
        data = html().encode("utf-8")
    elif fmt == "pdf":
        from rehearse.report.pdf import pdf_bytes

        try:
            data = pdf_bytes(html())
        except OSError as err:
            raise UserError(f"{out_path}: the PDF could not be made ({err})") from None
    else:
        raise UserError(f"{out_path}: cannot write a {fmt!r} report")
    write_atomic(out_path, data, force=force)
    return out_path
