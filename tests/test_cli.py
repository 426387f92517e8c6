"""The command line, through click's CliRunner (stdout and stderr apart) and one real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from govplan.cli import main
from govplan.errors import ExitCode

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "000_827dc12619368c5f.txt"
PLAN = "关于印发某县工作方案的通知\n\n某县工作方案\n\n一、重点任务\n（一）推进老旧小区改造。2024年底前完成改造30个。（责任单位：县住建局，配合单位：各乡镇）\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_extract_prints_readable_yaml() -> None:
    code, out, err = run("extract", str(SAMPLE))
    assert code == 0, err
    assert "推进一刻钟社区城市颜值圈建设工作方案" in out  # Chinese as is, not escaped
    data = yaml.safe_load(out)
    assert data["schema_version"] == "1"
    assert data["meta"]["issuer"] == "乌海市城市管理综合执法局"


def test_extract_json_follows_the_contract() -> None:
    code, out, _ = run("extract", str(SAMPLE), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert set(data) == {"schema_version", "source", "meta", "sections", "tasks", "targets", "phases", "warnings"}
    section = data["sections"][2]
    assert section["path"] == "二/一" and section["title"] == "完善网格化管理"
    raw = SAMPLE.read_text(encoding="utf-8")
    start, end = section["span"]
    assert "完善网格化管理" in raw[start:end]
    assert raw.splitlines()[section["line"] - 1].strip().startswith("（一）完善网格化管理")


def test_stdin_is_read_with_dash() -> None:
    code, out, err = run("extract", "-", "-f", "json", input=PLAN.encode("utf-8"))
    assert code == 0, err
    task = json.loads(out)["tasks"][0]
    assert task["title"] == "推进老旧小区改造"
    assert [(u["role"], u["name"]) for u in task["units"]] == [("responsible", "县住建局"), ("cooperating", "各乡镇")]


def test_several_files_to_a_directory(tmp_path: Path) -> None:
    other = tmp_path / "plan.txt"
    other.write_text(PLAN, encoding="gb18030")
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, _, err = run("extract", str(SAMPLE), str(other), "-o", str(out_dir), "-f", "json")
    assert code == 0, err
    assert sorted(p.name for p in out_dir.iterdir()) == [f"{SAMPLE.stem}.json", "plan.json"]
    assert json.loads((out_dir / "plan.json").read_text(encoding="utf-8"))["source"]["encoding"] == "gb18030"


def test_output_format_follows_extension(tmp_path: Path) -> None:
    target = tmp_path / "plan.json"
    code, out, _ = run("extract", str(SAMPLE), "-o", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["meta"]["date"] == "2022-04-13"


def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    png = tmp_path / "picture.txt"
    png.write_bytes(PNG * 10)
    undecodable = tmp_path / "noise.txt"
    undecodable.write_bytes(bytes(range(0x80, 0x100)) * 20)
    return {
        "missing": tmp_path / "no-such-file.txt",
        "directory": tmp_path,
        "empty": empty,
        "binary": png,
        "undecodable": undecodable,
    }


@pytest.mark.parametrize("kind", ["missing", "directory", "empty", "binary", "undecodable"])
def test_bad_input_is_one_line_and_exit_3(tmp_path: Path, kind: str) -> None:
    bad = _bad_inputs(tmp_path)[kind]
    target = tmp_path / "out.json"
    code, out, err = run("extract", str(bad), "-o", str(target))
    assert code == ExitCode.INPUT
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert str(bad) in err and "Traceback" not in err
    assert not target.exists()  # no partial output


def test_one_bad_file_does_not_stop_the_others(tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    missing = tmp_path / "gone.txt"
    code, _, err = run("extract", str(missing), str(SAMPLE), "-o", str(out_dir))
    assert code == ExitCode.PARTIAL
    assert str(missing) in err
    assert (out_dir / f"{SAMPLE.stem}.yaml").exists()


def test_units_matrix_csv_and_json() -> None:
    code, out, _ = run("units", str(SAMPLE), "--format", "json")
    assert code == 0
    rows = {r["unit"]: r for r in json.loads(out)}
    assert rows["市城市管理综合执法局"]["responsible"] >= 10
    assert rows["各区人民政府"]["cooperating"] >= 10
    code, out, _ = run("units", str(SAMPLE), "--format", "csv")
    assert out.lstrip("\ufeff").splitlines()[0].startswith("unit,names,lead,responsible,cooperating")


def test_rules_check_passes_on_the_defaults() -> None:
    code, _, err = run("rules", "check")
    assert code == 0, err
    assert "rule examples pass" in err


def test_bad_user_rule_names_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "clauses.yaml").write_text("labels:\n  lead: [总牵头单位]\n  leader: [x]\n", encoding="utf-8")
    code, out, err = run("extract", str(SAMPLE), "--rules", str(tmp_path))
    assert code == ExitCode.RULES
    assert out == ""
    assert f"{tmp_path / 'clauses.yaml'}:3" in err and "leader" in err


def test_user_rules_extend_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "clauses.yaml").write_text("labels:\n  lead: [统筹单位]\n", encoding="utf-8")
    text = PLAN.replace("责任单位", "统筹单位")
    path = tmp_path / "plan.txt"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run("extract", str(path), "-f", "json", "--rules", str(tmp_path))
    assert code == 0
    units = json.loads(out)["tasks"][0]["units"]
    assert ("lead", "县住建局") in [(u["role"], u["name"]) for u in units]


def test_python_dash_m_runs_in_a_subprocess() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "govplan", "extract", str(SAMPLE), "-f", "json"],
        capture_output=True, check=False, cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout)["meta"]["title"] == "推进一刻钟社区城市颜值圈建设工作方案"


def test_plain_extract_does_not_load_jieba_or_optional_readers() -> None:
    code = (
        "import sys, govplan; govplan.extract(sys.argv[1]); "
        "print(sorted(m for m in ('jieba', 'docx', 'lxml', 'pypdfium2', 'openpyxl') if m in sys.modules))"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(SAMPLE)], capture_output=True, check=True, text=True)
    assert proc.stdout.strip() == "[]"
