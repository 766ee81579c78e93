"""A blinded copy of a Word/Excel/PowerPoint (OOXML) file: document properties emptied, author and
school names masked in every XML part (text split across runs too, comment and revision authors),
no ZIP comments. Runs in a limited child (scoring.limits); a part inflating past the caps is
refused before it is parsed, so a 1 GiB XML bomb never reaches lxml or mammoth."""
from __future__ import annotations

import zipfile

from scoring.limits import Refused
from scoring.names import MASK, name_pattern

MAX_PART = 64 * 1024**2          # one XML part, inflated
MAX_TOTAL = 512 * 1024**2        # the whole package, inflated
MAX_PARTS = 5000
MAX_RATIO = 200                  # inflated / compressed per part (text XML rarely passes 20)

EMPTY_PARTS = {
    "docProps/core.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties'
                         b' xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
                         b' xmlns:dc="http://purl.org/dc/elements/1.1/"/>',
    "docProps/app.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties'
                        b' xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>',
    "docProps/custom.xml": b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties'
                           b' xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>',
}


def check_sizes(zin: zipfile.ZipFile) -> None:
    """Declared sizes first (cheap), then `read_capped` checks the real ones."""
    infos = zin.infolist()
    if len(infos) > MAX_PARTS:
        raise Refused(f"{len(infos)} parts")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART and info.filename.endswith((".xml", ".rels")):
            raise Refused(f"{info.filename}: declared {info.file_size}")
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1 << 20:
            raise Refused(f"{info.filename}: ratio")
    if total > MAX_TOTAL:
        raise Refused(f"declared total {total}")


def read_capped(zin: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """Inflate at most `cap` bytes: a header that lies about the size is caught while reading."""
    out = bytearray()
    with zin.open(info) as f:
        while chunk := f.read(1 << 20):
            out += chunk
            if len(out) > cap:
                raise Refused(f"{info.filename}: inflates past {cap}")
    return bytes(out)


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def mask_xml(data: bytes, pattern) -> bytes:
    from lxml import etree
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_blank_text=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return pattern.sub(MASK, data.decode("utf-8", "replace")).encode("utf-8")
    # A name split over runs (<w:t>王</w:t><w:t>伟</w:t>): join a paragraph's text nodes, mask,
    # and give the mask to the node where the name starts.
    for el in root.iter():
        if _local(el.tag) in ("p", "si"):
            _mask_runs([t for t in el.iter() if _local(t.tag) == "t"], pattern)
    for el in root.iter():
        if isinstance(el.tag, str):
            if el.text:
                el.text = pattern.sub(MASK, el.text)
            for k, v in el.attrib.items():
                if pattern.search(v):
                    el.set(k, pattern.sub(MASK, v))
        if el.tail:
            el.tail = pattern.sub(MASK, el.tail)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _mask_runs(nodes: list, pattern) -> None:
    texts = [n.text or "" for n in nodes]
    joined = "".join(texts)
    matches = list(pattern.finditer(joined)) if joined else []
    if not matches:
        return
    owner = [i for i, t in enumerate(texts) for _ in t]
    new = [""] * len(nodes)
    pos = 0
    for m in matches:
        for j in range(pos, m.start()):
            new[owner[j]] += joined[j]
        new[owner[m.start()]] += MASK
        pos = m.end()
    for j in range(pos, len(joined)):
        new[owner[j]] += joined[j]
    for n, t in zip(nodes, new):
        n.text = t


def blind_ooxml(src: str, dst: str, names: list[str]) -> dict:
    pattern = name_pattern(tuple(names))
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        check_sizes(zin)
        budget = MAX_TOTAL
        for info in zin.infolist():
            if info.is_dir():
                continue
            data = read_capped(zin, info, min(budget, MAX_TOTAL))
            budget -= len(data)
            name = info.filename
            if name in EMPTY_PARTS:
                data = EMPTY_PARTS[name]
            elif pattern is not None and name.endswith((".xml", ".rels", ".vml")):
                if len(data) > MAX_PART:
                    raise Refused(f"{name}: {len(data)} bytes")
                data = mask_xml(data, pattern)
            out = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            out.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(out, data)
    return {"downloadable": True, "risks": []}
