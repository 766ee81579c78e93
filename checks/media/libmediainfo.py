"""libmediainfo driven through its C API (ctypes), fed from a stream, answering in JSON.

pymediainfo supplies the library (the wheel bundles libmediainfo.so.0) but is not imported:
importing it costs ~26 ms per process (a package-metadata lookup, `email`, `inspect`, an XML
parser), a third of a one-shot check. The buffer protocol below is the one libmediainfo documents
(Open_Buffer_Init / Continue / Continue_GoTo_Get / Finalize), with pymediainfo's default options,
and the answer is MediaInfo's own JSON, the same text `mediainfo --Output=JSON` prints.
"""
from __future__ import annotations

import ctypes
import importlib.util
import os
import threading

BUFFER_SIZE = 64 * 1024
_NO_SEEK = ctypes.c_uint64(-1).value
_FINISHED = 0x08        # bit 3 of Open_Buffer_Continue's answer: nothing more to read

_lib = None
_lock = threading.Lock()


def library_paths() -> list[str]:
    """Where to load libmediainfo from: pymediainfo's bundled copy first, then the system's."""
    paths = []
    spec = importlib.util.find_spec("pymediainfo")      # locates the package without running it
    for folder in (spec.submodule_search_locations or []) if spec else []:
        bundled = os.path.join(folder, "libmediainfo.so.0")
        if os.path.isfile(bundled):
            paths.append(bundled)
    return paths + ["libmediainfo.so.0"]


def load():
    """The loaded library (once per process; a forked worker inherits it)."""
    global _lib
    with _lock:
        if _lib is None:
            errors = []
            for path in library_paths():
                try:
                    _lib = _prototypes(ctypes.CDLL(path))
                    break
                except OSError as exc:
                    errors.append(str(exc))
            else:
                raise OSError("libmediainfo not found: " + "; ".join(errors))
        return _lib


def _prototypes(lib):
    p, size, u64, wstr = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_uint64, ctypes.c_wchar_p
    for name, args, res in [
        ("MediaInfo_New", [], p),
        ("MediaInfo_Option", [p, wstr, wstr], wstr),
        ("MediaInfo_Open_Buffer_Init", [p, u64, u64], size),
        ("MediaInfo_Open_Buffer_Continue", [p, ctypes.c_char_p, size], size),
        ("MediaInfo_Open_Buffer_Continue_GoTo_Get", [p], u64),
        ("MediaInfo_Open_Buffer_Finalize", [p], size),
        ("MediaInfo_Inform", [p, size], wstr),
        ("MediaInfo_Close", [p], None),
        ("MediaInfo_Delete", [p], None),
    ]:
        fn = getattr(lib, name)
        fn.argtypes, fn.restype = args, res
    return lib


def parse_json(f) -> str:
    """MediaInfo's JSON report of the binary stream `f` (read/seek/tell), headers only."""
    lib = load()
    f.seek(0, 2)
    size = f.tell()
    f.seek(0)
    handle = lib.MediaInfo_New()
    try:
        for option, value in (("CharSet", "UTF-8"), ("Inform", "JSON"), ("Complete", ""),
                              ("ParseSpeed", "0.5"), ("Cover_Data", ""), ("LegacyStreamDisplay", "")):
            lib.MediaInfo_Option(handle, option, value)
        lib.MediaInfo_Open_Buffer_Init(handle, size, 0)
        while True:
            data = f.read(BUFFER_SIZE)
            if not data or lib.MediaInfo_Open_Buffer_Continue(handle, data, len(data)) & _FINISHED:
                break
            seek = lib.MediaInfo_Open_Buffer_Continue_GoTo_Get(handle)
            if seek != _NO_SEEK:
                f.seek(seek)
                lib.MediaInfo_Open_Buffer_Init(handle, size, f.tell())
        lib.MediaInfo_Open_Buffer_Finalize(handle)
        return lib.MediaInfo_Inform(handle, 0) or ""
    finally:
        lib.MediaInfo_Close(handle)
        lib.MediaInfo_Delete(handle)
