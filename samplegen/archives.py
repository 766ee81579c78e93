"""Real ZIP packages for tests and the demo: Chinese names as Chinese Windows writes them (GBK,
no UTF-8 flag), hostile layouts (traversal, symlinks), zip bombs, nested archives."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

_MiB = 1024 * 1024


class _GbkZipInfo(zipfile.ZipInfo):
    """Writes the name as GBK bytes without flag 0x800, as WinRAR/Explorer on Chinese Windows do.
    zipfile itself always writes non-ASCII names as UTF-8 with the flag."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


class _FlaglessUtf8ZipInfo(zipfile.ZipInfo):
    """UTF-8 name bytes without flag 0x800, as macOS Archive Utility writes them."""

    def _encodeFilenameFlags(self):
        return self.filename.encode("utf-8"), self.flag_bits & ~0x800


def make_zip(path: str | Path, files: dict[str, bytes | Path], gbk_names: bool = False,
             stored: bool = False, flagless_utf8: bool = False) -> Path:
    """A ZIP holding `files` (name → bytes or a file to copy). Folders come from '/' in names."""
    path = Path(path)
    method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(path, "w", compression=method) as zf:
        for name, content in files.items():
            cls = _GbkZipInfo if gbk_names else _FlaglessUtf8ZipInfo if flagless_utf8 else zipfile.ZipInfo
            zi = cls(name, date_time=(2025, 3, 1, 9, 30, 0))
            zi.compress_type = method
            zi.external_attr = 0o644 << 16
            if isinstance(content, (bytes, bytearray)):
                zf.writestr(zi, bytes(content))
            else:
                zi.file_size = Path(content).stat().st_size
                with open(content, "rb") as src, zf.open(zi, "w", force_zip64=zi.file_size > 2**31) as dst:
                    while chunk := src.read(_MiB):
                        dst.write(chunk)
    return path


def make_traversal_zip(path: str | Path) -> Path:
    """Names that escape the extraction folder: '../', an absolute path, a drive letter."""
    path = Path(path)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("作品/说明.txt", "正常文件".encode())
        zf.writestr(zipfile.ZipInfo("../../evil.txt"), b"escaped")
        zf.writestr(zipfile.ZipInfo("/tmp/abs.txt"), b"absolute")
        zf.writestr(zipfile.ZipInfo("C:/Windows/drive.txt"), b"drive letter")
    return path


def make_symlink_zip(path: str | Path, target: str = "../../etc/passwd") -> Path:
    """A Unix symlink member (mode 0o120777) pointing outside the folder, beside a normal file."""
    path = Path(path)
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("作品/说明.txt", "正常文件".encode())
        zi = zipfile.ZipInfo("作品/link")
        zi.create_system = 3
        zi.external_attr = 0o120777 << 16
        zf.writestr(zi, target.encode())
    return path


def make_zip_bomb(path: str | Path, declared_gib: float = 4, lying: bool = False) -> Path:
    """One member that really inflates to `declared_gib` GiB of zeros (~1 KB per MiB on disk).

    Fast and small in memory: one fully flushed deflate block for 1 MiB of zeros is repeated
    (FULL_FLUSH resets the history, so the repeats form one valid stream). With `lying=True`
    the headers declare only 1 MiB: a reader must count the real output to notice.
    """
    path = Path(path)
    n_mib = max(1, int(declared_gib * 1024))
    real_size = n_mib * _MiB
    zeros = bytes(_MiB)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(zeros) + comp.flush(zlib.Z_FULL_FLUSH)
    tail = comp.flush(zlib.Z_FINISH)
    comp_size = len(block) * n_mib + len(tail)
    crc = 0
    for _ in range(n_mib):
        crc = zlib.crc32(zeros, crc)
    size = _MiB if lying else real_size
    if lying:
        crc = zlib.crc32(zeros)
    name = b"zeros.bin"
    dos_time, dos_date = (9 << 11) | (30 << 5), ((2025 - 1980) << 9) | (3 << 5) | 1
    z64 = struct.pack("<HHQQ", 1, 16, size, comp_size)
    with open(path, "wb") as f:
        f.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 45, 0, 8, dos_time, dos_date, crc,
                            0xFFFFFFFF, 0xFFFFFFFF, len(name), len(z64)) + name + z64)
        for _ in range(n_mib):
            f.write(block)
        f.write(tail)
        cd_offset = f.tell()
        central = struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", (3 << 8) | 45, 45, 0, 8, dos_time,
                              dos_date, crc, 0xFFFFFFFF, 0xFFFFFFFF, len(name), len(z64), 0, 0, 0,
                              0o644 << 16, 0) + name + z64
        f.write(central)
        z64_eocd = f.tell()
        f.write(struct.pack("<4sQHHIIQQQQ", b"PK\x06\x06", 44, 45, 45, 0, 0, 1, 1, len(central), cd_offset))
        f.write(struct.pack("<4sIQI", b"PK\x06\x07", 0, z64_eocd, 1))
        f.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central), cd_offset, 0))
    return path


def make_nested_zip(path: str | Path, depth: int = 2, files: dict[str, bytes] | None = None) -> Path:
    """A ZIP holding a ZIP holding … (`depth` levels) the given files at the bottom."""
    data = _zip_bytes(files or {"说明.txt": "最里层的文件".encode()})
    for level in range(depth - 1, 0, -1):
        data = _zip_bytes({f"第{level + 1}层.zip": data})
    Path(path).write_bytes(data)
    return Path(path)


def _zip_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in files.items():
            zf.writestr(name, content)
    return buf.getvalue()
