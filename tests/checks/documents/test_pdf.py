"""PDF facts on real PDFs: scans, born-digital forms, logos, encryption, broken files."""
import io
import os

import pytest

from checks.errors import Unreadable
from checks.documents.pdf import MAX_IMAGE_PAGES, from_stream
from samplegen.docs import make_encrypted_pdf, make_scan_pdf, make_text_pdf


def facts_of(path):
    with open(path, "rb") as f:
        return from_stream(f)


def test_scan_has_full_page_images(tmp_path):
    facts = facts_of(make_scan_pdf(tmp_path / "scan.pdf", pages=2))
    assert facts["pages"] == 2
    assert facts["pages_with_images"] == 2
    assert facts["page_coverage"] == [1.0, 1.0]
    assert facts["looks_scanned"] is True
    assert facts["text_chars"] == 0
    assert facts["encrypted"] is False and facts["needs_password"] is False


def test_born_digital_form_has_text_and_no_image(tmp_path):
    facts = facts_of(make_text_pdf(tmp_path / "t.pdf", ["作品登记表", "作品名称 分数的认识"]))
    assert facts["pages"] == 1
    assert facts["pages_with_images"] == 0 and facts["image_coverage"] == 0.0
    assert facts["looks_scanned"] is False
    assert "作品登记表" in facts["text"] and "分数的认识" in facts["text"]
    assert facts["text_chars"] == 14


def test_small_logo_is_not_a_scan(tmp_path):
    # 119 x 84.2 pt on a 595 x 842 page = 2 % of the page
    facts = facts_of(make_text_pdf(tmp_path / "logo.pdf", ["登记表"], image_box=(56, 700, 119, 84.2)))
    assert facts["pages_with_images"] == 1
    assert facts["image_coverage"] == pytest.approx(0.02, abs=0.001)
    assert facts["looks_scanned"] is False


def test_image_inside_form_xobject_follows_both_matrices(tmp_path):
    full = facts_of(make_text_pdf(tmp_path / "f.pdf", ["x"], image_box=(0, 0, 595, 842), image_in_form=True))
    quarter = facts_of(make_text_pdf(tmp_path / "q.pdf", ["x"], image_box=(0, 0, 297.5, 421), image_in_form=True))
    assert full["image_coverage"] == 1.0 and full["looks_scanned"] is True
    assert quarter["image_coverage"] == pytest.approx(0.25, abs=0.001)


def test_image_pages_examined_are_capped(tmp_path):
    facts = facts_of(make_scan_pdf(tmp_path / "many.pdf", pages=MAX_IMAGE_PAGES + 3, dpi=20))
    assert facts["pages"] == MAX_IMAGE_PAGES + 3
    assert len(facts["page_coverage"]) == MAX_IMAGE_PAGES


def test_user_password_pdf_needs_password(tmp_path):
    facts = facts_of(make_encrypted_pdf(tmp_path / "u.pdf", user_password="x"))
    assert facts["encrypted"] is True and facts["needs_password"] is True
    assert facts["pages"] is None and facts["text"] == ""


def test_owner_password_only_pdf_opens(tmp_path):
    facts = facts_of(make_encrypted_pdf(tmp_path / "o.pdf", user_password="", text_lines=["案例信息表"]))
    assert facts["encrypted"] is True and facts["needs_password"] is False
    assert facts["pages"] == 1 and "案例信息表" in facts["text"]


def unreadable(data: bytes) -> Unreadable:
    with pytest.raises(Unreadable) as exc:
        from_stream(io.BytesIO(data))
    return exc.value


@pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
def test_truncated_pdf_is_unreadable(tmp_path, keep):
    data = make_scan_pdf(tmp_path / "s.pdf").read_bytes()
    err = unreadable(data[: int(len(data) * keep)])
    assert "不完整" in err.message and err.rule == "file.readable"


def test_pdf_cut_in_its_trailer_is_read_but_flagged(tmp_path):
    data = make_text_pdf(tmp_path / "t.pdf", ["登记表"] * 100).read_bytes()
    assert data.endswith(b"%%EOF\n")
    facts = from_stream(io.BytesIO(data[:-3]))         # the copy lost the end of %%EOF
    assert facts["truncated"] is True and facts["pages"] == 3


def test_random_bytes_named_pdf():
    err = unreadable(os.urandom(4096).replace(b"%PDF-", b"xxxxx"))
    assert "不是有效的 PDF" in err.message


def test_pdf_header_then_garbage():
    err = unreadable(b"%PDF-1.7\n" + os.urandom(8192))
    assert err.rule == "file.readable" and "PDF" in err.message


def test_empty_pdf():
    assert unreadable(b"").rule == "file.empty"
