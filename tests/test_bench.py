"""The benchmark entry point: it runs each benchmark in a process of its own, collects their
figures into one table and one JSON file, reports a failed benchmark as a failed figure, and
keeps the README's table in its place. (What the benchmarks measure is not asserted here: figures
belong in bench/, not in timed tests.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench import interpreter, query_plans, run
from bench.common import figure, percentile
from bench.run import Section
from tests.support import phrasings


def test_one_small_benchmark_end_to_end(tmp_path: Path) -> None:
    result = run.collect([Section("query_plans", ("--sizes", "10x4", "--latency-ms", "1"))], "quick")
    names = [f["figure"] for f in result["figures"]]
    assert names[-2:] == ["AWS calls / lower bound, every question", "slowest question, 1 ms per AWS call"]
    ratio = result["figures"][-2]
    assert ratio["scale"] == "10 x 4" and ratio["met"] is True
    rows = result["details"]["query_plans"]["rows"]
    assert {r["question"] for r in rows} >= {"s3-encryption", "summary by account", "health"}
    # The first answer, then the whole one, and their figures (when the whole is not as quick).
    (first,) = [r for r in rows if r["question"] == query_plans.FIRST]
    assert first["complete_ms"] > 0 and first["minimal_path_ms"] > 0
    assert first["whole_calls"] >= 1 and first["plan_path_ms"] > 0
    assert len(names) == (5 if first["calls"] else 2)
    assert all(r["calls"] >= 1 and r["lower_bound"] >= 1 for r in rows if r is not first)
    assert result["machine"]["cores"] >= 1
    json.dumps(result)  # what --json writes


def test_the_interpreter_benchmark_end_to_end_at_a_small_scale() -> None:
    args = ("--accounts", "100", "--aliases", "50", "--synonyms", "20", "--repeats", "1")
    result = run.collect([Section("interpreter", args)], "quick")
    per_message, construction = result["figures"]
    assert per_message["figure"].startswith("time per message") and per_message["goal"] == "p99 < 5 ms"
    assert isinstance(per_message["met"], bool) and construction["met"] is None
    assert "100 accounts;" in per_message["scale"] and "20 synonyms" in per_message["scale"]
    (row,) = result["details"]["interpreter"]["rows"]
    assert row["messages"] == row["distinct_messages"] >= 60
    assert row["aliases"] == row["builtin_aliases"] + 50


def test_the_interpreter_benchmark_reads_every_phrasing_the_tests_pin() -> None:
    """The benchmark keeps its own copy of the phrasings (benchmarks import nothing from tests/):
    it must not drift from the table the interpreter's tests use."""
    assert set(phrasings.PHRASINGS) <= set(interpreter.PHRASINGS)
    texts = {text for text, _ in interpreter.PHRASINGS}
    assert {text for text, _ in phrasings.AMBIGUOUS} <= texts
    assert set(phrasings.UNDERSTOOD_NOTHING) <= texts


def test_quick_and_full_runs_run_the_same_benchmarks() -> None:
    assert [s.module for s in run.QUICK] == [s.module for s in run.FULL]
    assert "interpreter" in {s.module for s in run.QUICK}


def test_a_failing_benchmark_is_a_failed_figure_not_a_crash() -> None:
    result = run.collect([Section("query_plans", ("--sizes", "not-a-size"))], "quick")
    assert [(f["figure"], f["met"]) for f in result["figures"]] == [("benchmark failed", False)]


def test_only_rejects_an_unknown_benchmark() -> None:
    with pytest.raises(SystemExit):
        run.main(["--quick", "--only", "nonsense"])


def test_tables_show_every_figure_and_the_machine() -> None:
    figures = [
        figure("cache", "AWS executions", "", "1", "1", True),
        figure("digest", "digest build", "10 x 17", "a | b", "< 200 MB", False),
        figure("query_plans", "slowest question", "10 x 4", "0.2 s"),
    ]
    result = {
        "mode": "quick",
        "started": "2026-11-26T09:00:00+00:00",
        "seconds": 42.0,
        "machine": {"cpu": "CPU", "cores": 2, "memory_gib": 24.0, "python": "3.11", "system": "Linux"},
        "figures": figures,
    }
    text = run.text_table(figures).splitlines()
    assert len(text) == 4 and text[1].rstrip().endswith("yes") and text[2].rstrip().endswith("NO")
    markdown = run.markdown_table(result)
    assert "`.venv/bin/python -m bench --quick`" in markdown and "2 cores, 24.0 GiB" in markdown
    assert "| digest | digest build | 10 x 17 | a \\| b | < 200 MB | NO |" in markdown
    assert markdown.count("\n| ") == 1 + len(figures)  # the header's separator line starts with "|-"


def test_render_shows_an_earlier_run_and_fails_on_a_missed_goal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    earlier = {
        "mode": "full",
        "started": "2026-11-26T09:00:00+00:00",
        "seconds": 3600.0,
        "machine": {"cpu": "CPU", "cores": 2, "memory_gib": 24.0, "python": "3.11", "system": "Linux"},
        "figures": [figure("cache", "AWS executions", "", "1", "1", True)],
    }
    saved = tmp_path / "run.json"
    saved.write_text(json.dumps(earlier))
    assert run.main(["--render", str(saved)]) == 0
    assert "full run of 2026-11-26T09:00:00+00:00" in capsys.readouterr().out
    earlier["figures"].append(figure("digest", "digest build", "", "300 MiB", "< 200 MB", False))
    saved.write_text(json.dumps(earlier))
    assert run.main(["--render", str(saved)]) == 1


def test_the_readme_table_is_replaced_in_place() -> None:
    readme = f"intro\n{run.START}\nold table\n{run.END}\nrest\n"
    assert run.replace_between_markers(readme, "new") == f"intro\n{run.START}\nnew\n{run.END}\nrest\n"
    with pytest.raises(ValueError):
        run.replace_between_markers("no markers", "new")
    assert run.START in run.README.read_text() and run.END in run.README.read_text()


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) == 51.0 and percentile(values, 0.99) == 99.0
    assert percentile([7.0], 0.99) == 7.0
