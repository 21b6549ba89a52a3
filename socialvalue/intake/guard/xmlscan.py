"""XML parts: no DTDs, no entity declarations, no encodings a byte search cannot see through."""

from __future__ import annotations

import re

from socialvalue.problems import ProblemCode, shorten

from .common import _NEW_COPY, XML_DTD, XML_ENCODING, _problem, _Reject

_DECLARATION = re.compile(r"<\?xml\b[^>]*?\bencoding\s*=\s*[\"']([^\"']*)[\"']")
_DECLARATION_BYTES = re.compile(_DECLARATION.pattern.encode())
_ALLOWED_ENCODINGS = frozenset(
    {"utf-8", "utf8", "utf-16", "utf-16le", "utf-16be", "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1"}
    | {"windows-1252", "cp1252"}
)
"""OPC allows UTF-8 and UTF-16; the ASCII-compatible single-byte ones are harmless to the byte search."""
_UTF32 = (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00", b"<\x00\x00\x00", b"\x00\x00\x00<")
_HEAD = 512
"""Bytes held back at the start of a part to tell its encoding."""


class _XmlScan:
    """Streams one XML part looking for ``<!`` markup other than comments and CDATA (DOCTYPE, ENTITY, ...).

    In well-formed XML a literal ``<!`` only starts a comment, a CDATA section or a DTD declaration
    (text and attribute values must escape ``<``), so the search is exact; a ``<!DOCTYPE`` inside a
    comment or CDATA is refused too. It looks for the rare ``!`` (a memchr-fast search) and then at
    the character before it. The encoding comes from the byte-order mark or the first bytes (UTF-8
    or UTF-16); UTF-32, other NUL-led starts and any declared encoding outside a short ASCII-
    compatible list (e.g. UTF-7 or EBCDIC, which a byte search cannot see through) are refused.
    """

    __slots__ = ("bang", "codec", "done", "file", "head", "lt", "part", "pos", "tail", "width")

    def __init__(self, part: str, file: str) -> None:
        self.part = part
        self.file = file
        self.head: bytes | None = b""  # held back until the encoding is known; None once decided
        self.codec = "utf-8"
        self.width = 1
        self.lt = b"<"
        self.bang = b"!"
        self.tail = b""  # end of the previous piece that could begin a '<!' split across pieces
        self.pos = 0  # offset in the part of the first byte of ``tail``
        self.done = False

    def _reject(self, kind: ProblemCode, what: str, raw: str) -> _Reject:
        reason = (
            f"the file's part '{shorten(self.part, 60)}' {what}, which Excel never writes and which is used to attack "
            f"XML readers: it was not opened; {_NEW_COPY}"
        )
        return _Reject(_problem(kind, self.file, reason, raw))

    def _decide(self, head: bytes) -> None:
        first = head[:4]
        if b"\x00" in first or first.startswith((b"\xff\xfe", b"\xfe\xff")):
            if first.startswith(_UTF32):
                raise self._reject(XML_ENCODING, "is encoded in UTF-32", "UTF-32")
            if first.startswith((b"\xff\xfe", b"<\x00")):
                self.codec = "utf-16-le"
            elif first.startswith((b"\xfe\xff", b"\x00<")):
                self.codec = "utf-16-be"
            else:
                raise self._reject(XML_ENCODING, "starts with bytes in no text encoding Excel uses", first.hex(" "))
            self.width, self.lt, self.bang = 2, "<".encode(self.codec), "!".encode(self.codec)
            match = _DECLARATION.match(head[: 2 * _HEAD].decode(self.codec, "replace").lstrip("\ufeff \t\r\n"))
            declared = match.group(1) if match else ""
        else:
            start = head[:_HEAD].removeprefix(b"\xef\xbb\xbf").lstrip()
            if not start.startswith(b"<?xml"):
                return
            match_bytes = _DECLARATION_BYTES.match(start)
            declared = match_bytes.group(1).decode("latin-1") if match_bytes else ""
        if declared and declared.strip().lower() not in _ALLOWED_ENCODINGS:
            raise self._reject(XML_ENCODING, f"declares the text encoding '{shorten(declared, 30)}'", declared)

    def feed(self, chunk: bytes, final: bool) -> None:
        if self.done:
            return
        if self.head is not None:
            if self.head:
                chunk = self.head + chunk
            if len(chunk) < _HEAD and not final:
                self.head = chunk
                return
            self.head = None
            self._decide(chunk)
        buf = self.tail + chunk if self.tail else chunk
        base, width, lt, bang = self.pos, self.width, self.lt, self.bang
        look = 9 * width  # '<!' and '[CDATA['
        start = 0
        while (i := buf.find(bang, start)) >= 0:
            start = i + 1
            j = i - width  # where the '<' would be
            if j < 0 or (base + j) % width or buf[j:i] != lt:
                continue
            if j + look > len(buf) and not final:
                self.tail, self.pos = buf[j:], base + j
                return
            after = buf[i + width : j + look].decode(self.codec, "replace")
            if after.startswith(("--", "[CDATA[")):
                continue
            word = re.match(r"[A-Za-z]*", after)
            declaration = word.group(0).upper() if word else ""
            raise self._reject(XML_DTD, f"contains a '<!{declaration}' declaration", f"<!{after}")
        keep = min(len(buf), 2 * width - 1)  # could hold the start of a '<!' the next piece completes
        self.tail, self.pos = buf[len(buf) - keep :], base + len(buf) - keep
        self.done = final

    def close(self) -> None:
        self.feed(b"", final=True)
