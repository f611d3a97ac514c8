"""The annex pages written straight to PDF (reports.pdftext), read back with pypdf."""

from io import BytesIO

from pypdf import PdfReader

from reports import pdftext
from reports.pdf import html_to_pdf


def pages_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(content)).pages]


def test_blocks_start_a_page_repeat_their_header_and_read_back_in_vietnamese():
    lines = [f"{n:05d} Xã Ẳng Cang {n}" for n in range(150)]  # two pages of lines
    blocks = [
        pdftext.Block("Phụ lục 1: Huyện Mường Ảng (150 xã)", "Tiến độ (%): 49,2", "Mã Xã", lines),
        pdftext.Block("Phụ lục 2: Thị xã Hồng Ngự (1 xã)", "", "Mã Xã", ["00001 Phường An Lạc"]),
    ]
    content, count = pdftext.write_pdf(blocks, first=0, footer_label="Trang")
    texts = pages_text(content)
    assert count == len(texts) == 3
    assert "Phụ lục 1: Huyện Mường Ảng (150 xã)" in texts[0]
    assert "Tiến độ (%): 49,2" in texts[0]
    assert all(text.count("Mã Xã") == 1 for text in texts)  # the header on each page
    assert "00000 Xã Ẳng Cang 0" in texts[0] and "00149 Xã Ẳng Cang 149" in texts[1]
    assert texts[2].startswith("Phụ lục 2: Thị xã Hồng Ngự") and "Phường An Lạc" in texts[2]
    assert [t.split()[-1] for t in texts] == ["1/3", "2/3", "3/3"]


def test_appended_pages_follow_the_document_and_every_page_is_numbered():
    document = html_to_pdf(
        "<html><body><p>Trang đầu</p><p style='break-before: page'>Trang hai</p></body></html>"
    )
    block = pdftext.Block("Phụ lục 1: Xã Đắk Pơ", "", "", ["một dòng"])
    texts = pages_text(pdftext.append_pages(document, [block], footer_label="Trang"))
    assert len(texts) == 3
    assert "Trang đầu" in texts[0] and "Trang hai" in texts[1] and "Xã Đắk Pơ" in texts[2]
    for n, text in enumerate(texts, start=1):
        assert f"Trang {n}/3" in text
