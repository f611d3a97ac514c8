"""The annex pages written straight to PDF (reports.documents.pdftext), read back with pypdf."""

from io import BytesIO

from pypdf import PdfReader

from reports.documents import pdftext
from reports.documents.pdf import html_to_pdf


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


def commune(code, name, district, province):
    from reports.metrics import CommuneRow

    return CommuneRow(
        participation_id=int(code),
        commune_id=int(code),
        code=code,
        name=name,
        district_code=district[0],
        district_name=district[1],
        kind="new",
        province_code=province[0],
        province_name=province[1],
    )


def summed(rows, code_attr, name_attr):
    from reports.metrics.groups import _group_rows

    level = "district" if code_attr == "district_code" else "province"
    groups = _group_rows({r.commune_id: r for r in rows}, level)
    return sorted(groups.values(), key=lambda d: d.code)


def fake_figures(rows):
    from types import SimpleNamespace

    return SimpleNamespace(
        communes=rows,
        districts=summed(rows, "district_code", "district_name"),
        provinces=summed(rows, "province_code", "province_name"),
        has_districts=any(r.district_code for r in rows),
    )


def test_summary_annexes_go_by_district_in_one_province_by_province_in_several():
    from reports.services import district_annexes

    ben_tre, vinh_long = ("83", "Tỉnh Bến Tre"), ("86", "Tỉnh Vĩnh Long")
    cho_lach, mo_cay = ("832", "Huyện Chợ Lách"), ("835", "Huyện Mỏ Cày Nam")
    tra_on = ("862", "Huyện Trà Ôn")
    rows = [
        commune("28843", "Xã Ăn Hòa", cho_lach, ben_tre),
        commune("28840", "Thị trấn Chợ Lách", cho_lach, ben_tre),
        commune("28841", "Xã An Thạnh", cho_lach, ben_tre),
        commune("28900", "Xã Bình Khánh", mo_cay, ben_tre),
    ]
    annexes = district_annexes(fake_figures(rows))
    assert [a["unit"].name for a in annexes] == ["Huyện Chợ Lách", "Huyện Mỏ Cày Nam"]
    names = [line[6:32].strip() for line in annexes[0]["lines"]]
    assert names == ["Xã An Thạnh", "Xã Ăn Hòa", "Thị trấn Chợ Lách"]  # kind left out

    rows.append(commune("29800", "Xã Hựu Thành", tra_on, vinh_long))
    annexes = district_annexes(fake_figures(rows))
    assert [a["unit"].name for a in annexes] == ["Tỉnh Bến Tre", "Tỉnh Vĩnh Long"]
    lines = annexes[0]["lines"]
    assert lines[0].startswith("[Huyện Chợ Lách]") and lines[4].startswith("[Huyện Mỏ Cày Nam]")
    assert annexes[1]["lines"][1].startswith("29800 Xã Hựu Thành")


def test_summary_annex_pages_list_the_announcements_last():
    from types import SimpleNamespace

    from reports.documents.pdf import annex_blocks

    unit = SimpleNamespace(
        name="Huyện Chợ Lách",
        communes=1200,
        progress=49.25,
        counts=SimpleNamespace(overdue=5548),
        open_findings=3,
        overdue_actions=1,
    )
    context = {
        "annexes": [{"unit": unit, "header": "Mã Xã", "lines": ["28840 Thị trấn Chợ Lách"]}],
        "announcements": ["one", "two"],
        "announcements_text": "Xã Quyết định\nXã An Thạnh 12/QĐ-UBND\nXã Ăn Hòa 13/QĐ-UBND",
    }
    blocks = annex_blocks(context)
    assert len(blocks) == 2
    assert "(1.200 " in blocks[0].heading and "5.548" in blocks[0].note
    assert blocks[1].header == "Xã Quyết định" and len(blocks[1].lines) == 2
