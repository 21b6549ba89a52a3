"""Rubrics: the built-in ones load, every problem is located by line and field, policies are enforced."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from socialvalue.rubric import PRESETS, Rubric, builtin_rubrics, load_rubric, load_value_set
from socialvalue.rubric.schema import rubric_schema_json
from socialvalue.rubric.structure import CHECKS

ROOT = Path(__file__).resolve().parent.parent


def test_builtin_rubrics_load_clean() -> None:
    names = set(builtin_rubrics())
    assert {"nhs-net-zero-sv", "local-measures", "hybrid-commitments-plan"} <= names
    for name in names:
        source, problems = load_rubric(name)
        assert source is not None, problems


def test_nhs_rubric_meets_its_policy() -> None:
    source, _ = load_rubric("nhs-net-zero-sv")
    assert source is not None
    r = source.rubric
    assert r.policy.value == "nhs-2022"
    assert r.social_value is not None and r.social_value.quantitative_share_pct == 0
    assert any(t.model_theme and t.model_theme.value == "fighting-climate-change" for t in r.themes())
    assert any(g.code == "G1" and "Carbon Reduction Plan" in g.text for g in r.all_gates())


def write(tmp_path: Path, data: dict, name: str = "r.yaml") -> Path:  # type: ignore[type-arg]
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def base() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "rubrics" / "nhs-net-zero-sv.yaml").read_text())
    return data


def test_every_problem_at_once_with_line_and_field(tmp_path: Path) -> None:
    data = base()
    data["criteria"][0]["weight"] = 45  # sums to 105
    data["quality"]["questions"][0]["scale"] = "0-7"  # unknown scale
    data["quality"]["questions"][1]["wieght"] = 30  # misspelt field
    path = write(tmp_path, data)
    source, problems = load_rubric(str(path))
    assert source is None
    text = [str(p) for p in problems]
    lines = path.read_text().splitlines()
    misspelt = next(p for p in problems if "wieght" in p.reason)
    assert misspelt.field == "quality.questions.1.wieght"
    assert misspelt.line is not None and "wieght" in lines[misspelt.line - 1]
    # the cross-field checks run on what parsed, in the same pass
    assert any("criteria weights must sum to 100; they sum to 105" in t for t in text)
    scale = next(p for p in problems if "unknown scale" in p.reason)
    assert scale.field == "quality.questions.0.scale"
    assert scale.line is not None and "0-7" in (tmp_path / "r.yaml").read_text().splitlines()[scale.line - 1]


def test_policy_requires_ten_percent_social_value(tmp_path: Path) -> None:
    data = base()
    data["criteria"][0]["weight"] = 45
    data["criteria"][2]["weight"] = 5
    source, problems = load_rubric(str(write(tmp_path, data)))
    assert source is None
    [p] = problems
    assert p.code == "policy-sv-weight"
    assert "at least 10%" in p.reason and "gives it 5%" in p.reason
    assert p.field == "criteria" and p.line is not None


def test_nhs_policy_requires_the_climate_theme(tmp_path: Path) -> None:
    data = base()
    data["social_value"]["themes"][0]["model_theme"] = "wellbeing"
    source, problems = load_rubric(str(write(tmp_path, data)))
    assert source is None
    assert [p.code for p in problems] == ["policy-nhs-climate"]
    assert "Fighting climate change" in problems[0].reason


def test_missing_value_and_unit_mismatch_are_located(tmp_path: Path) -> None:
    data = yaml.safe_load((ROOT / "rubrics" / "local-measures.yaml").read_text())
    data["social_value"]["value_set"] = str(ROOT / "rubrics" / "values" / "illustrative-2026.yaml")
    data["social_value"]["themes"][0]["measures"][0]["value_ref"] = "no-such-value"
    data["social_value"]["themes"][1]["measures"][0]["unit"] = "day"
    source, problems = load_rubric(str(write(tmp_path, data)))
    assert source is None
    codes = {p.code: p for p in problems}
    assert codes["value-missing"].field == "social_value.themes.0.measures.0.value_ref"
    assert "week" in codes["value-unit-mismatch"].reason


def test_yaml_syntax_error_has_a_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\ncriteria: [\n  {id: a\n")
    source, problems = load_rubric(str(path))
    assert source is None
    assert problems[0].code == "yaml-syntax" and problems[0].line is not None


def test_unknown_rubric_names_the_builtins() -> None:
    source, problems = load_rubric("no-such-rubric")
    assert source is None
    assert "local-measures" in problems[0].reason


def test_csv_value_set_and_override(tmp_path: Path) -> None:
    csv = tmp_path / "our-values.csv"
    rows = ["code,unit,value_gbp,price_year,source,licence"]
    vs, _ = load_value_set("illustrative-2026")
    assert vs is not None
    rows += [f"{v.code},{v.unit},{v.value_gbp * 2},2025,Our finance team,internal" for v in vs.values]
    csv.write_text("\n".join(rows) + "\n")
    source, problems = load_rubric("local-measures", values=str(csv))
    assert source is not None, problems
    assert source.value_set is not None and source.value_set.id == "our-values"
    assert not source.value_set.illustrative
    row = source.value_set.get("local-employment")
    assert row is not None and row.value_gbp == 40_000


def test_csv_value_set_errors_have_lines(tmp_path: Path) -> None:
    csv = tmp_path / "v.csv"
    csv.write_text("code,unit,value_gbp\nok,hour,10\nbad,hour,lots\n")
    vs, problems = load_value_set(str(csv))
    assert vs is None
    assert problems[0].line == 3 and problems[0].field == "value_gbp"


def test_illustrative_values_are_marked() -> None:
    vs, _ = load_value_set("illustrative-2026")
    assert vs is not None and vs.illustrative
    assert "ILLUSTRATIVE" in vs.label


def test_fingerprint_changes_with_the_method() -> None:
    a, _ = load_rubric("local-measures")
    assert a is not None
    changed = a.rubric.model_copy(update={"abnormally_low_pct": 25})
    assert a.rubric.fingerprint() != changed.fingerprint()
    assert len(a.rubric.fingerprint()) == 64


def test_scale_presets() -> None:
    assert PRESETS["0-5"].scores == [0, 1, 2, 3, 4, 5]
    assert PRESETS["0-100-quarters"].scores == [0, 25, 50, 75, 100]
    assert PRESETS["0-100-fifths"].scores == [0, 20, 40, 60, 80, 100]
    assert PRESETS["0-10"].max == 10
    assert all(p.descriptor for s in PRESETS.values() for p in s.points)


def test_custom_scale(tmp_path: Path) -> None:
    data = base()
    data["scales"] = [
        {
            "id": "pass-merit",
            "points": [{"score": 0, "label": "Fail"}, {"score": 1, "label": "Pass"}, {"score": 2, "label": "Merit"}],
        }
    ]
    data["quality"]["questions"][1]["scale"] = "pass-merit"
    source, problems = load_rubric(str(write(tmp_path, data)))
    assert source is not None, problems
    q = source.rubric.quality.questions[1]  # type: ignore[union-attr]
    assert source.rubric.scale_for(q).max == 2


@pytest.mark.parametrize("name", ["nhs-net-zero-sv", "local-measures", "hybrid-commitments-plan"])
def test_builtin_rubrics_validate_against_the_published_schema(name: str) -> None:
    import jsonschema

    schema = json.loads((ROOT / "docs" / "rubric.schema.json").read_text())
    jsonschema.validate(yaml.safe_load(builtin_rubrics()[name].read_text()), schema)


def test_published_schema_is_current() -> None:
    """docs/rubric.schema.json is generated: regenerate with `socialvalue rubric schema -o docs/rubric.schema.json`."""
    assert (ROOT / "docs" / "rubric.schema.json").read_text() == rubric_schema_json()


def test_five_problems_in_one_pass(tmp_path: Path) -> None:
    data = base()
    data["criteria"][0]["weight"] = 45  # 1: sums to 105
    data["quality"]["questions"][0]["scale"] = "0-7"  # 2: unknown scale
    data["quality"]["questions"][1]["wieght"] = 30  # 3: misspelt field
    data["quality"]["questions"][1]["word_limit"] = "lots"  # 4: not a number
    data["tie_break"] = ["higher-quality", "coin-toss"]  # 5: not a tie-break rule
    source, problems = load_rubric(str(write(tmp_path, data)))
    assert source is None
    fields = sorted(p.field for p in problems)
    assert fields == sorted(
        ["criteria", "quality.questions.0.scale", "quality.questions.1.wieght", "quality.questions.1.word_limit",
         "tie_break.1"]
    )  # fmt: skip
    assert all(p.line is not None for p in problems)


def test_cross_field_problems_are_listed_once_each_by_its_named_check(tmp_path: Path) -> None:
    data = base()
    data["criteria"][0]["weight"] = 45  # criteria_weights: sums to 105
    data["quality"]["questions"][0]["scale"] = "0-7"  # scales_exist: unknown scale
    data["default_scale"] = "0-9"  # scales_exist: unknown default
    source, problems = load_rubric(str(write(tmp_path, data)))
    assert source is None
    assert [(p.code, p.field) for p in problems] == [
        ("rubric-invalid", "criteria"),
        ("rubric-invalid", "default_scale"),
        ("rubric-invalid", "quality.questions.0.scale"),
    ]  # once each (they were listed twice when the file had no other problem)
    assert all(p.line is not None for p in problems)
    parsed = Rubric.model_validate(yaml.safe_load(write(tmp_path, data).read_text()), context={"structure": False})
    found = {check.__name__: [i.path for i in check(parsed)] for check in CHECKS}
    assert found["criteria_weights"] == ["criteria"]
    assert found["scales_exist"] == ["default_scale", "quality.questions.0.scale"]
    assert not any(paths for name, paths in found.items() if name not in ("criteria_weights", "scales_exist"))
    with pytest.raises(ValueError, match=r"criteria: criteria weights must sum to 100; they sum to 105"):
        Rubric.model_validate(data)  # a rubric built in code is refused with the same words


def test_question_weights_as_points_of_the_total(tmp_path: Path) -> None:
    data = base()
    quality = data["criteria"][1]["weight"]
    questions = data["quality"]["questions"]
    shares = [q["weight"] for q in questions]
    for q, share in zip(questions, shares, strict=True):
        del q["weight"]
        q["points"] = quality * share / 100
    source, problems = load_rubric(str(write(tmp_path, data)))
    assert source is not None, problems
    r = source.rubric
    assert [r.question_max_points(q) for q in r.quality_questions()] == [quality * s / 100 for s in shares]
    assert [r.question_weight_pct(q) for q in r.quality_questions()] == pytest.approx(shares)
    # published as points they add up exactly; a total that does not is refused, naming both figures
    questions[0]["points"] += 0.01
    source, problems = load_rubric(str(write(tmp_path, data)))
    assert source is None
    assert any(f"points must add up to their part's {quality:g} points" in p.reason for p in problems)
    questions[0]["weight"] = 10
    _, problems = load_rubric(str(write(tmp_path, data)))
    assert any("one of the two" in p.reason for p in problems)


def test_points_are_exact_where_percentages_would_round(tmp_path: Path) -> None:
    # "Q1 25 points, Q2 20 points" of a 45-point quality criterion: 55.5555…% and 44.4444…% as percentages
    data = base()
    data["criteria"] = [
        {"id": "price", "name": "Price", "kind": "price", "weight": 45},
        {"id": "quality", "name": "Quality", "kind": "quality", "weight": 45},
        {"id": "sv", "name": "Social value", "kind": "social_value", "weight": 10},
    ]
    questions = data["quality"]["questions"][:2]
    data["quality"]["questions"] = questions
    for q, points in zip(questions, (25, 20), strict=True):
        q.pop("weight", None)
        q["points"] = points
    source, problems = load_rubric(str(write(tmp_path, data)))
    assert source is not None, problems
    r = source.rubric
    assert [r.question_max_points(q) for q in r.quality_questions()] == [25, 20]
    rounded = [{**q, "weight": w} for q, w in zip(questions, (55.56, 44.44), strict=True)]
    for q in rounded:
        del q["points"]
    data["quality"]["questions"] = rounded
    source, _ = load_rubric(str(write(tmp_path, data)))
    assert source is not None
    assert source.rubric.question_max_points(source.rubric.quality_questions()[0]) != 25  # the trap points avoid
