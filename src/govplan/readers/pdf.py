"""PDF reader: bytes of a .pdf file -> ``Document`` (format "pdf").

The text layer of every page, in pdfium's reading order, pages joined by "\\n"; pdfium's CRLF
line ends become "\\n".  A PDF without any text (a scan) is an ``InputError``: there is no OCR.
Layout is not reconstructed: table cells come out as pdfium orders them, running headers,
footers and page numbers stay in the text.  ``pypdfium2`` is imported only here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..document import Document
from ..errors import InputError
from .base import make_document

if TYPE_CHECKING:
    import pypdfium2


def read_pdf(data: bytes, name: str) -> Document:
    """The text layer of the PDF in ``data``."""
    import pypdfium2

    try:
        pdf = pypdfium2.PdfDocument(data)
    except Exception as err:  # PdfiumError mostly; nothing from a damaged file may escape
        raise InputError(f"cannot open the PDF (corrupt or encrypted): {err}", path=name) from None
    try:
        pages = [_page_text(pdf, index) for index in range(len(pdf))]
    except Exception as err:  # pdfium can fail on any damaged page
        raise InputError(f"corrupt PDF: {type(err).__name__}: {err}", path=name) from None
    finally:
        pdf.close()
    return make_document("\n".join(pages), data, name, "pdf", None, (), "no text layer: scanned PDF?")


def _page_text(pdf: pypdfium2.PdfDocument, index: int) -> str:
    page = pdf[index]
    try:
        textpage = page.get_textpage()
        try:
            return str(textpage.get_text_range())
        finally:
            textpage.close()
    finally:
        page.close()
