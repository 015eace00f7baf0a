"""One decoder for every upload: each encoding a spreadsheet or a platform writes, read whole."""

import io

import pytest

from coopnet.errors import DomainError
from coopnet.web.uploads import decode_text

TEXT = "Naam;Organisatie\r\nZoë Dupré;Coöperatie € één\r\n"


@pytest.mark.parametrize(("data", "encoding"), [
    (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),     # Excel: CSV UTF-8
    (TEXT.encode("utf-8"), "utf-8"),
    (TEXT.encode("cp1252"), "cp1252"),                         # Excel: CSV (Windows)
    (TEXT.encode("utf-16"), "utf-16"),                         # Teams
    (TEXT.encode("utf-16-le"), "utf-16-le"),                   # UTF-16 without a BOM
])
def test_each_encoding_is_read_without_losing_a_letter(data, encoding):
    decoded = decode_text(data)
    assert (decoded.text, decoded.encoding) == (TEXT, encoding)
    assert decoded.legacy is (encoding == "cp1252")


def test_a_byte_windows_1252_leaves_undefined_is_kept_not_replaced():
    decoded = decode_text(b"caf\xe9 \x81")
    assert decoded.text == "café \x81" and decoded.legacy
    assert "\ufffd" not in decoded.text


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 20,
    bytes(range(256)) * 4,
    b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" * 10,
])
def test_what_is_not_text_is_refused_beside_the_field(app, data):
    with app.test_request_context(), pytest.raises(DomainError) as refused:
        decode_text(data, code="unreadable_report", field="report")
    assert (refused.value.code, refused.value.status) == ("unreadable_report", 422)
    assert refused.value.fields == {"report": "Dit bestand is geen tekstbestand (CSV)."}


def test_the_plan_import_says_why_a_file_is_refused(client, login):
    login(client, "coordinator")
    response = client.post("/plan/import", data={
        "file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00" * 20), "plan.csv"),
        "preview": "1"}, content_type="multipart/form-data")
    assert "Dit bestand is geen tekstbestand (CSV)." in response.get_data(as_text=True)
