"""The batch command line, exactly as the README fixes it (exit codes, JSON shape, Chinese report)."""
from __future__ import annotations

from samplegen.media import make_video
from samplegen.packages import make_package


def test_help_is_chinese_and_exits_0(run_cli):
    code, out, _ = run_cli("--help", json_out=False)
    assert code == 0 and "退出码" in out and "--project" in out


def test_a_missing_path_or_unknown_project_exits_2(run_cli, tmp_path):
    code, _, err = run_cli(tmp_path / "nope.rar", json_out=False)
    assert code == 2 and "路径不存在" in err
    code, _, err = run_cli(tmp_path, "--project", "olympics", json_out=False)
    assert code == 2


def test_a_good_package_exits_0_with_the_json_contract(run_cli, tmp_path, video_cache):
    pkg = make_package(tmp_path, "fusion_case", cache_dir=video_cache)
    code, out, _ = run_cli(pkg)
    assert code == 0
    assert set(out) >= {"project", "verdict", "findings", "files"}
    assert (out["project"], out["verdict"]) == ("fusion_case", "pass")
    for f in out["findings"]:
        assert set(f) >= {"rule", "level", "path", "message", "expected", "actual"}
    assert {"path", "kind", "size"} <= set(out["files"][0])
    assert {f["kind"] for f in out["files"]} >= {"mp4", "docx", "pdf", "zip", "xlsx"}


def test_a_30fps_video_as_vocational_exits_1_and_the_text_report_gives_the_fix(run_cli, tmp_path):
    v = make_video(tmp_path / "教学活动录像.mp4", seconds=1, fps=30, width=320, height=180)
    code, out, _ = run_cli(v, "--project", "vocational_practice")
    assert code == 1 and out["verdict"] == "fail"
    assert "video.fps" in {f["rule"] for f in out["findings"] if f["level"] == "error"}
    code, text, _ = run_cli(v, "--project", "vocational_practice", json_out=False)
    assert code == 1 and text.startswith("检查结论：不通过") and "-r 25" in text


def test_no_project_and_a_single_file_checks_the_file_only(run_cli, tmp_path):
    v = make_video(tmp_path / "a.mp4", seconds=1, width=320, height=180)
    code, out, _ = run_cli(v)
    assert out["project"] is None
    assert "package.project" in {f["rule"] for f in out["findings"]}
