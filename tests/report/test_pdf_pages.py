"""PDF pages: the page number sits in a footer band of its own, below the text, also when a grey answer box runs
across a page break (it used to be painted over the number)."""

from __future__ import annotations

from pypdf import PdfReader

from rehearse.report.export import STYLE
from rehearse.report.pdf import html_to_pdf

SAID = " ".join(["I led the migration to OAuth and support tickets fell by sixty two percent."] * 40)


def test_page_number_below_the_text_at_a_page_break(tmp_path):
    body = "".join(f'<h3>Answer {i}</h3><p class="said">{SAID}</p>' for i in range(4))
    out = html_to_pdf(f"<html><head><style>{STYLE}</style></head><body>{body}</body></html>", tmp_path / "long.pdf")
    reader = PdfReader(str(out))
    assert len(reader.pages) >= 3
    for number, page in enumerate(reader.pages, 1):
        found: list[tuple[str, float]] = []

        def visit(text, cm, tm, _font, _size, found=found):
            if text.strip():
                found.append((" ".join(text.split()), cm[5] + tm[5] * cm[3]))

        page.extract_text(visitor_text=visit)
        label = f"{number} / {len(reader.pages)}"
        footer = [y for text, y in found if text == label]
        assert footer, f"page {number} has no page number"
        others = [y for text, y in found if text != label]
        # PDF y grows upwards: the number is below every line of text, with a gap (the footer band)
        assert footer[0] < min(others) - 10
