"""Word (.docx) and PDF inputs: their text, one document per file.

python-docx gives the paragraphs (and table cells) of a .docx; pypdf the
text layer of a PDF, page by page. A PDF without one (a scan) is an
``error`` row saying so: reading images would need OCR, which this
project does not do. Both libraries load only when such a file is read.
"""
from __future__ import annotations

import logging
from pathlib import Path

from ..document import Document

OFFICE_SUFFIXES = {".docx", ".pdf"}
NO_TEXT_LAYER = "scanned PDF: no text layer"


def read_office(path: Path) -> Document:
    """The document of one .docx or .pdf file (an error row if unreadable)."""
    doc = Document(doc_id=path.stem, source=str(path))
    reader = _docx_text if path.suffix.lower() == ".docx" else _pdf_text
    try:
        text = reader(path)
    except OSError as e:
        return doc.fail(f"cannot read file: {e.strerror or e}")
    except Exception as e:  # noqa: BLE001 - the libraries raise many kinds for a damaged file
        if path.stat().st_size == 0:
            return doc.fail("empty")
        kind = "Word (.docx)" if reader is _docx_text else "PDF"
        return doc.fail(f"not a readable {kind} file ({e})")
    if reader is _pdf_text and not text.strip():
        return doc.fail(NO_TEXT_LAYER)
    doc.raw = text
    return doc


def _docx_text(path: Path) -> str:
    import docx

    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            # A merged cell repeats in every position it spans: once is enough.
            cells = list(dict.fromkeys(cell.text.strip() for cell in row.cells))
            lines.append("　".join(c for c in cells if c))
    return "\n".join(lines)


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    # pypdf logs every oddity of a damaged file; the error row says enough.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(str(path))
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")  # many PDFs are encrypted with an empty password
        except Exception:  # noqa: BLE001 - e.g. AES without the cryptography package
            opened = 0
        if not opened:
            raise ValueError("encrypted with a password") from None
    return "\n".join(page.extract_text() or "" for page in reader.pages)
