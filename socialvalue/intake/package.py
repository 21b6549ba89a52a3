"""The parts the guard checked, repacked in memory as an uncompressed zip: the only bytes a reader parses.

The guard inflates every part a reader will parse, checks it, and keeps it. Handing the reader the
original file would make it inflate those parts again, with its own zip code, from a central
directory and local headers a hostile file may have made ambiguous (two readers of one zip can
disagree on what it holds). Repacking removes both: the reader sees exactly the checked bytes, each
part stored (method 0), so nothing is inflated twice.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterable

_LOCAL = struct.Struct("<4s5H3L2H")
_CENTRAL = struct.Struct("<4s6H3L5H2L")
_END = struct.Struct("<4s4H2LH")
_VERSION = 20  # 2.0: what a stored part needs
_DATE = 0x21  # 1980-01-01: the parts' times are not kept
_UTF8_NAME = 0x800


def stored_zip(parts: Iterable[tuple[str, bytes, int | None]]) -> bytes:
    """A zip of ``parts`` (name, content, its CRC-32 when already known) in the order given, every part
    stored uncompressed.

    Callers pass at most a few thousand parts and a few hundred MB in all (the guard's limits), so
    the small zip format suffices (no Zip64).
    """
    chunks: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    count = 0
    for name, content, known_crc in parts:
        raw_name = name.encode("utf-8")
        flags = 0 if raw_name.isascii() else _UTF8_NAME
        crc, size = (known_crc if known_crc is not None else zlib.crc32(content)), len(content)
        header = _LOCAL.pack(b"PK\x03\x04", _VERSION, flags, 0, 0, _DATE, crc, size, size, len(raw_name), 0)
        fields = (_VERSION, _VERSION, flags, 0, 0, _DATE, crc, size, size, len(raw_name), 0, 0, 0, 0, 0, offset)
        central.append(_CENTRAL.pack(b"PK\x01\x02", *fields) + raw_name)
        chunks += (header, raw_name, content)
        offset += len(header) + len(raw_name) + size
        count += 1
    directory = b"".join(central)
    end = _END.pack(b"PK\x05\x06", 0, 0, count, count, len(directory), offset, 0)
    return b"".join([*chunks, directory, end])
