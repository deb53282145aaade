"""A tiny PDF writer for tests: pages of positioned text lines, in a standard font.

Written by hand (not reportlab) because the fixtures need little: text placed at a point
in Helvetica, a Greek and a Cyrillic line (Helvetica with a `/Differences` encoding that
names each glyph `uniXXXX`, which pypdf reads back as Unicode; a viewer without the glyph
shows blanks, extraction does not care), an image-only page (a "scan"), document
metadata. Encryption goes through pypdf's writer (`encrypted`).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from pypdf import PdfReader, PdfWriter

WIDTH, HEIGHT = 612, 792  # US Letter, in points


@dataclass(frozen=True)
class Line:
    """One line of text with its baseline's left end at (x, y) points from bottom left."""

    text: str
    x: float = 72
    y: float = 700
    size: float = 11


@dataclass
class Page:
    lines: list[Line] = field(default_factory=list)
    image: bool = False  # a grey image over the page, and no text: a scan


def lines(texts: list[str], *, x: float = 72, top: float = 700, leading: float = 14) -> list[Line]:
    """Lines set one under the other; "" leaves a blank line (a paragraph gap)."""
    return [Line(t, x, top - i * leading) for i, t in enumerate(texts) if t]


def _escape(raw: bytes) -> bytes:
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


class _Fonts:
    """Helvetica in WinAnsi, plus one Helvetica re-encoded for the non-Latin characters
    the fixtures use (codes 128..255 named after their code point)."""

    def __init__(self) -> None:
        self.extra: list[str] = []

    def show(self, text: str, size: float) -> bytes:
        """The text operators for `text`: runs of WinAnsi text in /F1, others in /F2."""
        out = b""
        run, font = "", ""
        for ch in [*text, None]:
            want = "" if ch is None else ("F1" if _winansi(ch) else "F2")
            if ch is None or (want != font and run):
                if run:
                    out += b"/%s %g Tf (%s) Tj " % (
                        font.encode(),
                        size,
                        _escape(self._encode(run, font)),
                    )
                run = ""
            if ch is not None:
                font = want
                run += ch
        return out

    def _encode(self, run: str, font: str) -> bytes:
        if font == "F1":
            return run.encode("cp1252")
        codes = []
        for ch in run:
            if ch not in self.extra:
                self.extra.append(ch)
            codes.append(128 + self.extra.index(ch))
        return bytes(codes)

    def differences(self) -> bytes:
        names = b" ".join(b"/uni%04X" % ord(ch) for ch in self.extra)
        return b"[128 " + names + b"]"


def _winansi(ch: str) -> bool:
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def build(pages: list[Page], *, title: str = "", author: str = "") -> bytes:
    """The bytes of a PDF with these pages and, when given, this Info title and author."""
    fonts = _Fonts()
    streams = []
    for page in pages:
        body = b""
        if page.image:
            body += b"q 468 0 0 600 72 96 cm /Im1 Do Q\n"
        for line in page.lines:
            body += b"BT 1 0 0 1 %g %g Tm %sET\n" % (
                line.x,
                line.y,
                fonts.show(line.text, line.size),
            )
        streams.append(body)
    objects: list[bytes] = []

    def add(obj: bytes) -> int:
        objects.append(obj)
        return len(objects)

    catalog = add(b"")  # filled in below, once the page tree's number is known
    tree = add(b"")
    f1 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    encoding = add(b"<< /Type /Encoding /Differences " + fonts.differences() + b" >>")
    f2 = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding %d 0 R >>" % encoding)
    pixels = bytes([180]) * (16 * 16)
    image = add(
        b"<< /Type /XObject /Subtype /Image /Width 16 /Height 16 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length %d >>\nstream\n%s\nendstream" % (len(pixels), pixels)
    )
    kids = []
    for body in streams:
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(body), body))
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R /F2 %d 0 R >> /XObject << /Im1 %d 0 R >> >> >>"
                % (tree, WIDTH, HEIGHT, content, f1, f2, image)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    refs = b" ".join(b"%d 0 R" % k for k in kids)
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    info_entries = b""
    if title:
        info_entries += b"/Title " + _text_string(title)
    if author:
        info_entries += b" /Author " + _text_string(author)
    info = add(b"<< " + info_entries + b" >>")

    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, obj))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, catalog, info, xref)
    )
    return out.getvalue()


def _text_string(text: str) -> bytes:
    """A PDF text string: UTF-16 with its byte-order mark, so any character fits."""
    return b"<" + (b"\xfe\xff" + text.encode("utf-16-be")).hex().upper().encode() + b">"


def encrypted(data: bytes, *, password: str) -> bytes:
    """`data` encrypted with RC4 (pypdf does that without the cryptography package)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password=password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


HEADER = "Harbour Authority · Annual report 2024"
PAGE_ONE = [
    "The harbour authority met on Tuesday to agree the budget",
    "for the coming year. The meeting heard that the infor-",
    "mation given to the council last spring was out of date,",
    "and that the repairs to the northern quay would cost more.",
    "",
    "A well-known engineer told the meeting that the quay",
    "had settled by four centimetres since the winter storms.",
]
PAGE_TWO_LEFT = [
    "The left column begins the second page and carries on",
    "down the page with the story of the southern quay, whose",
    "repairs were put off until the money could be found.",
]
PAGE_TWO_RIGHT = [
    "The right column is read after the left one. Traders",
    "asked for a well-",
    "known remedy: compensation for the lost weeks of trade.",
]
GREEK = "Η Αθήνα και η Θεσσαλονίκη έστειλαν παρατηρητές στη συνεδρίαση."
CYRILLIC = "Москва и Киев прислали наблюдателей на заседание совета."


def report(*, title: str = "Harbour budget 2024", author: str = "Ann Lee") -> bytes:
    """Three pages: a running header, page numbers in the footer, a hyphenated line
    break, two columns on page 2, Greek and Cyrillic on page 3."""
    footer = [Line(f"Page {n} of 3", 270, 40, 9) for n in (1, 2, 3)]
    head = Line(HEADER, 72, 750, 9)
    return build(
        [
            Page([head, *lines(PAGE_ONE), footer[0]]),
            Page(
                [
                    head,
                    *lines(PAGE_TWO_LEFT, x=72, top=700),
                    *lines(PAGE_TWO_RIGHT, x=320, top=700),
                    footer[1],
                ]
            ),
            Page([head, *lines([GREEK, "", CYRILLIC]), footer[2]]),
        ],
        title=title,
        author=author,
    )
