"""`tickpy fmt` as a user runs it: stdout, --check for CI, -w in place."""

from conftest import ROOT, run_tickpy

UNFORMATTED = "stream|from().measurement('cpu')|alert().crit(lambda: \"usage_idle\"<10)\n"
FORMATTED = (
    "stream\n    |from()\n        .measurement('cpu')\n    |alert()\n"
    "        .crit(lambda: \"usage_idle\" < 10)\n"
)


def test_fmt_prints_the_canonical_form(tmp_path):
    script = tmp_path / "cpu.tick"
    script.write_text(UNFORMATTED)
    result = run_tickpy("fmt", str(script), cwd=ROOT)
    assert result.returncode == 0
    assert result.stdout == FORMATTED
    assert script.read_text() == UNFORMATTED  # untouched without -w


def test_check_lists_files_that_would_change_and_fails(tmp_path):
    messy, clean = tmp_path / "messy.tick", tmp_path / "clean.tick"
    messy.write_text(UNFORMATTED)
    clean.write_text(FORMATTED)
    result = run_tickpy("fmt", "--check", str(messy), str(clean), cwd=ROOT)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [str(messy)]
    assert run_tickpy("fmt", "--check", str(clean), cwd=ROOT).returncode == 0


def test_write_rewrites_in_place_and_keeps_the_file_mode(tmp_path):
    script = tmp_path / "cpu.tick"
    script.write_text(UNFORMATTED)
    script.chmod(0o640)
    result = run_tickpy("fmt", "-w", str(script), cwd=ROOT)
    assert result.returncode == 0 and result.stdout == ""
    assert script.read_text() == FORMATTED
    assert script.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["cpu.tick"]  # no temporary file left


def test_syntax_error_is_reported_with_position_and_no_traceback(tmp_path):
    script = tmp_path / "bad.tick"
    script.write_text("stream\n    |from(\n")
    result = run_tickpy("fmt", str(script), cwd=ROOT)
    assert result.returncode == 1
    assert result.stdout.startswith(f"{script}:3:1: error: ")
    assert "Traceback" not in result.stderr


def test_stdin_is_read_with_a_dash():
    result = run_tickpy("fmt", "-", input=UNFORMATTED, cwd=ROOT)
    assert result.stdout == FORMATTED
