"""Compliance engine for 教师教育信息化交流活动 submissions (no UI code here).

    from checks import check_paths
    report = check_paths(["小学XX学校张三.rar"])          # project inferred from the level-2 folder
    report = check_paths(files, project="vocational_practice")
    report.verdict, report.to_dict()

Kept light so that `python -m checks` starts fast: heavy modules load on first use.
"""
from __future__ import annotations


def check_paths(paths, project=None, subtype=None, progress=None, browser_media=False):
    """browser_media: honour the self-check's browser MediaInfo records (checks.media.browser_record)."""
    from checks.engine import check_paths as _check_paths
    return _check_paths(paths, project=project, subtype=subtype, progress=progress, browser_media=browser_media)


__all__ = ["check_paths"]
