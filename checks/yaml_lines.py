"""YAML loading that remembers line numbers, so a bad data file is reported by line.

Rules and rubrics are edited by hand each year; "第 42 行：items[3].accepts 里的 'vidoe' 不是已知格式"
is what lets an admin fix a typo without reading code.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from checks.errors import RulesError


class LineDict(dict):
    """A dict that knows the line of each key (1-based) and its own line."""
    line: int = 0
    key_lines: dict

    def line_of(self, key) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    line: int = 0
    item_lines: list

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


@lru_cache(maxsize=1)
def line_loader():
    """A SafeLoader (the C one when built) whose mappings and lists remember their lines.
    Built on first use: yaml is only imported when a data file is actually parsed."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):
        pass

    def construct_mapping(loader, node) -> LineDict:
        loader.flatten_mapping(node)
        d = LineDict()
        d.line = node.start_mark.line + 1
        d.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if key in d:
                raise RulesError(f"第 {key_node.start_mark.line + 1} 行：键 {key!r} 重复出现")
            d[key] = loader.construct_object(value_node, deep=True)
            d.key_lines[key] = key_node.start_mark.line + 1
        return d

    def construct_sequence(loader, node) -> LineList:
        seq = LineList(loader.construct_object(child, deep=True) for child in node.value)
        seq.line = node.start_mark.line + 1
        seq.item_lines = [child.start_mark.line + 1 for child in node.value]
        return seq

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)
    return Loader


def load_yaml_with_lines(path: str | Path) -> Any:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulesError(f"{path}: 无法读取（{exc.strerror or exc}）") from exc
    except UnicodeDecodeError as exc:
        raise RulesError(f"{path}: 不是 UTF-8 编码的文本文件") from exc
    import yaml
    try:
        return yaml.load(text, Loader=line_loader())  # noqa: S506 - SafeLoader subclass
    except RulesError as exc:
        raise RulesError(f"{path}: {exc}") from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"第 {mark.line + 1} 行" if mark else "未知位置"
        raise RulesError(f"{path}: {where}：YAML 语法错误（{exc.problem}）") from exc
    except yaml.YAMLError as exc:
        raise RulesError(f"{path}: YAML 语法错误（{exc}）") from exc


class Validator:
    """Collects schema errors as "file 第 N 行：what" strings; raise once at the end."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.errors: list[str] = []

    def error(self, line: int, where: str, what: str) -> None:
        self.errors.append(f"{self.path.name} 第 {line} 行（{where}）：{what}")

    def mapping(self, value, line: int, where: str, required: dict, optional: dict | None = None) -> bool:
        """Check a mapping's keys and value types. Types are Python types or tuples of them."""
        optional = optional or {}
        if not isinstance(value, dict):
            self.error(line, where, "应为键值映射")
            return False
        for key, typ in required.items():
            if key not in value:
                self.error(line, where, f"缺少必填项 {key!r}")
            else:
                self._type(value, key, typ, where)
        for key in value:
            if key in required:
                continue
            if key not in optional:
                known = "、".join(sorted([*required, *optional]))
                self.error(_line(value, key), where, f"未知的键 {key!r}（可用：{known}）")
            else:
                self._type(value, key, optional[key], where)
        return True

    def _type(self, d, key, typ, where) -> None:
        v = d[key]
        ok = isinstance(v, typ) and not (isinstance(v, bool) and typ in (int, float, (int, float)))
        if not ok:
            names = "/".join(t.__name__ for t in (typ if isinstance(typ, tuple) else (typ,)))
            self.error(_line(d, key), f"{where}.{key}", f"类型应为 {names}，实际为 {type(v).__name__}")

    def raise_if_any(self) -> None:
        if self.errors:
            raise RulesError("规则文件有误：\n" + "\n".join(self.errors))


def _line(d, key) -> int:
    return d.line_of(key) if isinstance(d, LineDict) else 0
