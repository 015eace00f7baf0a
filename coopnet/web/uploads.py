"""Uploaded files as text: one decoder for the member list, the plan and attendance reports.

Spreadsheets and meeting platforms write CSV in several encodings: Excel's "CSV UTF-8" (with a
byte-order mark), plain UTF-8, Excel's "CSV" on Windows (Windows-1252), Teams' UTF-16. The
decoder recognises each without losing a character, and refuses what is not text with a
message beside the upload's field. The upload's size is limited for the whole request
(`COOPNET_MAX_UPLOAD_BYTES`, answered 413); each importer limits its rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from coopnet.errors import DomainError

# what Excel on Windows writes, and its superset for the five bytes cp1252 leaves undefined
LEGACY_ENCODINGS = ("cp1252", "latin-1")


@dataclass(frozen=True)
class UploadedText:
    """An upload's text and the encoding it was read in."""

    text: str
    encoding: str

    @property
    def legacy(self) -> bool:
        """Read as Windows-1252 (not UTF): accented letters are worth a look in the preview."""
        return self.encoding in LEGACY_ENCODINGS


def unreadable(message: str, *, code: str = "unreadable_file", field: str = "file"
               ) -> DomainError:
    """The upload as a whole cannot be read: a 422 whose message stands beside `field`."""
    return DomainError(code, message, status=422, fields={field: message})


def _utf16_without_bom(data: bytes) -> str | None:
    # UTF-16 without a byte-order mark: every other byte of ASCII text is zero
    if len(data) < 4:
        return None
    if data[1:40:2].count(0) > len(data[1:40:2]) * 0.8:
        return "utf-16-le"
    if data[0:40:2].count(0) > len(data[0:40:2]) * 0.8:
        return "utf-16-be"
    return None


def _is_text(text: str) -> bool:
    controls = sum(1 for ch in text
                   if (ord(ch) < 32 and ch not in "\t\r\n") or 0x7f <= ord(ch) < 0xa0)
    return "\x00" not in text and controls <= max(3, len(text) // 100)


def decode_text(data: bytes, *, code: str = "unreadable_file", field: str = "file"
                ) -> UploadedText:
    """The upload as text: a byte-order mark decides (UTF-8, UTF-16), else UTF-16 without one,
    else UTF-8, else Windows-1252 (else Latin-1, which reads any byte). A file that is not
    text (an image, a zip, an old .xls) raises `code` (422) with the message on `field`."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    elif data.startswith(b"\xef\xbb\xbf"):
        encodings = ("utf-8-sig",)
    elif (utf16 := _utf16_without_bom(data)) is not None:
        encodings = (utf16,)
    else:
        encodings = ("utf-8", *LEGACY_ENCODINGS)
    for encoding in encodings:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _is_text(text):
            return UploadedText(text, encoding)
        break  # decodable but binary: another encoding would not make it text
    raise unreadable(_("This file is not a text (CSV) file."), code=code, field=field)
