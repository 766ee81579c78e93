"""A real .docx whose document.xml inflates to `inflated` bytes (1 GiB by default) from about 1 MB:
what a viewer must refuse before an XML parser sees it. `lying=True` also writes sizes in the ZIP
headers that claim the part is tiny, so only a reader that counts real bytes catches it."""
from __future__ import annotations

import struct
import zipfile
from pathlib import Path

_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w='
         b'"http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>')
_TAIL = b"</w:t></w:r></w:p></w:body></w:document>"
_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
          b'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
          b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
          b'"/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.'
          b'document.main+xml"/></Types>')
_RELS = (b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
         b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
         b'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')


def make_docx_bomb(path: str | Path, inflated: int = 1 << 30, lying: bool = False) -> Path:
    path = Path(path)
    chunk = b"A" * (1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _TYPES)
        z.writestr("_rels/.rels", _RELS)
        info = zipfile.ZipInfo("word/document.xml", date_time=(2025, 3, 1, 9, 30, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as f:
            f.write(_HEAD)
            for _ in range(inflated // len(chunk)):
                f.write(chunk)
            f.write(_TAIL)
    if lying:
        _claim_small(path, "word/document.xml")
    return path


def _claim_small(path: Path, name: str) -> None:
    """Rewrite the central directory's uncompressed size of `name` to 4 KiB (32-bit field, or the
    zip64 extra when the field says 0xFFFFFFFF)."""
    data = bytearray(path.read_bytes())
    key = b"PK\x01\x02"
    pos = data.find(key)
    while pos >= 0:
        n, m, k = struct.unpack_from("<HHH", data, pos + 28)
        if data[pos + 46:pos + 46 + n].decode() == name:
            if struct.unpack_from("<I", data, pos + 24)[0] != 0xFFFFFFFF:
                struct.pack_into("<I", data, pos + 24, 4096)
            extra = pos + 46 + n
            end = extra + m
            while extra < end:
                tag, size = struct.unpack_from("<HH", data, extra)
                if tag == 1:
                    struct.pack_into("<Q", data, extra + 4, 4096)
                extra += 4 + size
        pos = data.find(key, pos + 4)
    path.write_bytes(bytes(data))
