"""HTML to PDF with Qt's text layout (QTextDocument printed on a QPdfWriter).

The one place outside ``rehearse/ui`` that touches Qt, allowed for export only: Qt is imported inside the
function, and without a display the offscreen platform is used, so the command line works on a headless machine.
"""

from __future__ import annotations

import os
from pathlib import Path

_app = None  # the application object we created, kept alive for later exports in the same process


def _ensure_gui_app():
    global _app
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QApplication

    app = QCoreApplication.instance()
    if app is None:
        # A full QApplication (not just QGuiApplication): if the same process later shows a window (the app, or
        # a test after an export test), Qt needs the widgets flavour, and only one application object may exist.
        _app = app = QApplication(["rehearse-export"])
    return app


def _print(html: str, writer) -> None:
    """Lay the document out page by page ourselves, with the page number in a footer band below the text.

    ``QTextDocument.print_`` draws the page number inside the page's bottom margin, where a block's background
    that runs across a page break (the grey answer box) is painted too, over the number. Here each page's text is
    clipped to the body and the number sits below it, in space no text is laid out in.
    """
    from PySide6.QtCore import QRectF, QSizeF, Qt
    from PySide6.QtGui import QAbstractTextDocumentLayout, QFont, QPainter, QTextDocument

    doc = QTextDocument()
    doc.documentLayout().setPaintDevice(writer)
    doc.setHtml(html)
    page = writer.pageLayout().paintRectPixels(writer.resolution())
    footer = int(writer.resolution() * 0.3)  # 0.3 inch for the page number
    body = QSizeF(page.width(), page.height() - footer)
    doc.setPageSize(body)
    painter = QPainter(writer)
    try:
        count = doc.pageCount()
        font = QFont(doc.defaultFont())
        font.setPointSizeF(8)
        for number in range(count):
            if number:
                writer.newPage()
            painter.save()
            clip = QRectF(0, number * body.height(), body.width(), body.height())
            painter.translate(0, -clip.top())
            painter.setClipRect(clip)
            context = QAbstractTextDocumentLayout.PaintContext()
            context.clip = clip
            doc.documentLayout().draw(painter, context)
            painter.restore()
            painter.setFont(font)
            painter.drawText(QRectF(0, body.height(), body.width(), footer),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom, f"{number + 1} / {count}")
    finally:
        painter.end()


def pdf_bytes(html: str) -> bytes:
    """Lay out ``html`` on A4 pages and return the PDF (made in memory: Qt reports no error when a file write
    fails, so the file itself is written by :func:`rehearse.fileio.write_atomic`, which checks every byte)."""
    _ensure_gui_app()
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter

    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    writer.setTitle("Rehearse report")
    writer.setCreator("Rehearse")
    _print(html, writer)
    del writer  # finishes the PDF
    buffer.close()
    pdf = bytes(data.data())
    if not pdf.startswith(b"%PDF") or b"%%EOF" not in pdf[-64:]:
        raise OSError("Qt made no complete PDF")
    return pdf


def html_to_pdf(html: str, out_path: Path, force: bool = True) -> Path:
    """Write ``html`` laid out on A4 pages to ``out_path`` as PDF, completely or not at all."""
    from rehearse.fileio import write_atomic

    write_atomic(out_path, pdf_bytes(html), force=force)
    return Path(out_path)
