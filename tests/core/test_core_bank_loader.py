"""Bank files: every problem is a BankError with `file:line:col: message`, never a traceback.

Expected positions are worked out from the YAML text itself (`locate`), so they stay exact.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interview_sim.core.bank_loader import BankError, Problem, load_bank_file, parse_bank
from interview_sim.core.bank_schema import Bank, suggest_id

BUNDLED_BANKS = Path(__file__).resolve().parents[2] / "banks"


def locate(text: str, needle: str, occurrence: int = 1) -> tuple[int, int]:
    """1-based line and column where the n-th `needle` starts in `text`."""
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    col = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, col


def problems_of(text: str | bytes, file: str = "example.yaml") -> list[Problem]:
    with pytest.raises(BankError) as caught:
        parse_bank(text, file, expected_id="example")
    problems = caught.value.problems
    assert problems, "a BankError always says why"
    assert str(caught.value) == "\n".join(str(p) for p in problems)
    return problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def edit(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} must occur once"
    return text.replace(old, new)


@pytest.fixture
def bank_yaml(example_bank_text: str) -> str:
    return example_bank_text


def test_the_example_bank_is_valid(example_bank: Bank) -> None:
    assert example_bank.id == "example"
    assert [q.number for q in example_bank.questions] == [1, 2, 3, 4, 5]
    assert example_bank.defaults.answer_seconds == 120
    assert example_bank.topics[:2] == ["Model evaluation", "Regularisation"]
    first = example_bank.questions[0]
    assert first.kind == "technical"
    assert first.rubric.concepts[0].required
    assert first.rubric.concepts[2].weight == 1.0
    assert example_bank.questions[4].rubric.length is not None


def test_question_lookup_by_id_and_number(example_bank: Bank) -> None:
    assert example_bank.question("k-means") is example_bank.questions[2]
    assert example_bank.question(3) is example_bank.questions[2]
    assert example_bank.question(" 3 ") is example_bank.questions[2]
    assert example_bank.question("99") is None
    assert example_bank.question("nope") is None


def test_unknown_key_with_did_you_mean(bank_yaml: str) -> None:
    text = edit(
        bank_yaml,
        "        - name: trade-off\n          weight: 1\n",
        "        - name: trade-off\n          wieght: 1\n",
    )
    problem = only(problems_of(text))
    assert (problem.line, problem.col) == locate(text, "wieght")
    assert "unknown key 'wieght' (did you mean 'weight'?)" in problem.message
    assert "concepts[2] (trade-off)" in problem.message
    assert str(problem) == f"example.yaml:{problem.line}:{problem.col}: {problem.message}"


def test_unknown_key_without_a_close_match_lists_the_allowed_keys(bank_yaml: str) -> None:
    text = edit(
        bank_yaml,
        "source: Written for the interview-sim tests.\n",
        "source: Written for the interview-sim tests.\nzzz: 1\n",
    )
    problem = only(problems_of(text))
    assert (problem.line, problem.col) == locate(text, "zzz")
    assert "unknown key 'zzz'" in problem.message
    assert "allowed: id, title, description, source, defaults, questions" in problem.message


def test_misspelt_required_key_reports_both_the_unknown_and_the_missing_key(bank_yaml: str) -> None:
    text = edit(bank_yaml, "    topic: Deep learning\n", "    topik: Deep learning\n")
    problems = problems_of(text)
    messages = [p.message for p in problems]
    assert any("unknown key 'topik' (did you mean 'topic'?)" in m for m in messages)
    assert any("missing required key 'topic'" in m for m in messages)
    unknown = next(p for p in problems if "topik" in p.message)
    assert (unknown.line, unknown.col) == locate(text, "topik")
    assert [(p.line, p.col) for p in problems] == sorted((p.line, p.col) for p in problems)


def test_missing_key_points_at_the_mapping_that_lacks_it(bank_yaml: str) -> None:
    text = edit(
        bank_yaml,
        "    reference: It adds a penalty on large weights to the loss, which favours"
        " simpler models.\n",
        "",
    )
    problem = only(problems_of(text))
    assert problem.message == "questions[1] (regularization): missing required key 'reference'"
    assert (problem.line, problem.col) == locate(text, "id: regularization")


def test_missing_top_level_key(bank_yaml: str) -> None:
    text = edit(bank_yaml, "source: Written for the interview-sim tests.\n", "")
    problem = only(problems_of(text))
    assert problem.message == "(top level): missing required key 'source'"
    assert (problem.line, problem.col) == locate(text, "id: example")


@pytest.mark.parametrize(
    ("old", "new", "needle", "words"),
    [
        ("    number: 2\n", "    number: two\n", "two", "valid integer"),
        (
            "          phrases: [nearest, closest]\n",
            "          phrases: nearest\n",
            "nearest\n",
            "valid list",
        ),
        ("          weight: 3\n", "          weight: heavy\n", "heavy", "valid number"),
        (
            "          required: true\n          meaning: A penalty",
            "          required: often\n          meaning: A penalty",
            "often",
            "valid boolean",
        ),
        ("    answer_seconds: 150\n", "    answer_seconds: 7\n", "7\n", "greater than or equal"),
    ],
)
def test_wrong_type_points_at_the_value(
    old: str, new: str, needle: str, words: str, bank_yaml: str
) -> None:
    text = edit(bank_yaml, old, new)
    problem = only(problems_of(text))
    assert (problem.line, problem.col) == locate(text, needle)
    assert words in problem.message


def test_a_number_where_a_phrase_should_be(bank_yaml: str) -> None:
    text = edit(
        bank_yaml, "phrases: [penalty, weight decay, l2, l1]", "phrases: [penalty, 0.25, l2]"
    )
    problem = only(problems_of(text))
    assert (problem.line, problem.col) == locate(text, "0.25")
    assert "phrases[1]: input should be a valid string" in problem.message


def test_bad_enum_lists_the_choices(bank_yaml: str) -> None:
    text = edit(bank_yaml, "    difficulty: hard\n", "    difficulty: brutal\n")
    problem = only(problems_of(text))
    assert (problem.line, problem.col) == locate(text, "brutal")
    assert problem.message == (
        "questions[3] (cnn).difficulty: input should be 'easy', 'medium' or 'hard'"
    )


def test_bad_kind_enum(bank_yaml: str) -> None:
    text = edit(bank_yaml, "    kind: behavioral\n", "    kind: behavioural\n")
    problem = only(problems_of(text))
    assert (problem.line, problem.col) == locate(text, "behavioural\n")
    assert "'technical' or 'behavioral'" in problem.message


def test_bad_question_id_with_a_suggestion(bank_yaml: str) -> None:
    text = edit(bank_yaml, "  - id: k-means\n", "  - id: K Means_Clustering\n")
    problem = only(problems_of(text))
    assert (problem.line, problem.col) == locate(text, "K Means_Clustering")
    assert "'K Means_Clustering' is not a valid id" in problem.message
    assert "try 'k-means-clustering'" in problem.message


def test_bad_bank_id_with_a_suggestion(bank_yaml: str) -> None:
    text = edit(bank_yaml, "id: example\n", "id: Example Bank\n")
    problem = only(problems_of(text))
    assert (problem.line, problem.col) == locate(text, "Example Bank")
    assert "try 'example-bank'" in problem.message


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Bias Variance", "bias-variance"), ("  ML/AI: 101 ", "ml-ai-101"), ("!!!", "question")],
)
def test_suggest_id(text: str, slug: str) -> None:
    assert suggest_id(text) == slug


def test_duplicate_question_ids_and_numbers_are_reported_at_the_second_one(
    bank_yaml: str,
) -> None:
    text = edit(bank_yaml, "  - id: cnn\n    number: 4\n", "  - id: k-means\n    number: 3\n")
    problems = problems_of(text)
    assert len(problems) == 2
    id_problem, number_problem = problems
    assert (id_problem.line, id_problem.col) == locate(text, "k-means\n", occurrence=2)
    line, col = locate(text, "number: 3", occurrence=2)
    assert (number_problem.line, number_problem.col) == (line, col + len("number: "))
    assert "questions[3]: id 'k-means' is already used by questions[2]" in id_problem.message
    assert "questions[3]: number 3 is already used by questions[2]" in number_problem.message


def test_duplicate_concept_names_are_refused(bank_yaml: str) -> None:
    text = edit(bank_yaml, "        - name: simpler model\n", "        - name: Penalty\n")
    problem = only(problems_of(text))
    assert "two concepts are named 'Penalty'" in problem.message


def test_duplicate_yaml_key_is_reported_at_the_second_key(bank_yaml: str) -> None:
    text = edit(
        bank_yaml, "    topic: Deep learning\n", "    topic: Deep learning\n    topic: Vision\n"
    )
    problem = only(problems_of(text))
    assert (problem.line, problem.col) == locate(text, "topic: Vision")
    assert 'duplicate key "topic"' in problem.message
    assert "each key may appear once" in problem.message


def test_invalid_utf8_gives_the_line_and_column_of_the_bad_byte(bank_yaml: str) -> None:
    text = edit(
        bank_yaml,
        "    prompt: Tell me about a project that failed.\n",
        "    prompt: Tell me about a café project that fa@iled.\n",
    )
    data = text.encode("utf-8").replace(b"@", b"\xff")
    problem = only(problems_of(data))
    line, col = locate(text, "@")
    assert (problem.line, problem.col) == (line, col)  # a column in characters, not bytes
    assert "not valid UTF-8 (byte 0xff)" in problem.message


def test_invalid_utf8_on_the_first_line() -> None:
    problem = only(problems_of(b"\xe9id: example\n"))
    assert (problem.line, problem.col) == (1, 1)


def test_yaml_syntax_error_is_located(bank_yaml: str) -> None:
    text = edit(
        bank_yaml,
        "    prompt: How does k-means clustering work?\n",
        "    prompt: How does k-means: clustering work?\n",
    )
    problem = only(problems_of(text))
    assert (problem.line, problem.col) == locate(text, ": clustering")
    assert "mapping values are not allowed" in problem.message


def test_tab_indentation_is_a_located_syntax_error(bank_yaml: str) -> None:
    text = edit(bank_yaml, "    topic: Deep learning\n", "\ttopic: Deep learning\n")
    problem = only(problems_of(text))
    assert (problem.line, problem.col) == locate(text, "\ttopic")
    assert "'\\t'" in problem.message


@pytest.mark.parametrize(
    "tagged",
    [
        "!!python/object:os.system {}",
        "!!python/object/apply:os.system [echo hacked]",
        "!!python/name:os.system",
        "!!python/str What?",
    ],
)
def test_python_tags_are_refused(tagged: str, tmp_path: Path, bank_yaml: str) -> None:
    marker = tmp_path / "marker"
    tagged = tagged.replace("echo hacked", f"touch {marker}")
    text = edit(
        bank_yaml,
        "    prompt: Why do convolutional networks suit images?\n",
        f"    prompt: {tagged}\n",
    )
    problem = only(problems_of(text))
    assert (problem.line, problem.col) == locate(text, "!!python")
    assert "not allowed" in problem.message
    assert not marker.exists()


def test_python_tag_on_a_whole_mapping_is_refused(bank_yaml: str) -> None:
    text = "!!python/object:__main__.Bank\n" + bank_yaml
    problem = only(problems_of(text))
    assert (problem.line, problem.col) == (1, 1)
    assert "'!!python/object:__main__.Bank' is not allowed" in problem.message


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n", "\ufeff"])
def test_empty_file(text: str) -> None:
    problem = only(problems_of(text))
    assert (problem.line, problem.col) == (1, 1)
    assert "empty" in problem.message


@pytest.mark.parametrize("text", ["- a\n- b\n", "just text\n", "42\n"])
def test_a_bank_must_be_a_mapping(text: str) -> None:
    assert "must be a mapping" in only(problems_of(text)).message


def test_byte_order_mark_is_accepted(bank_yaml: str) -> None:
    bank = parse_bank("\ufeff".encode() + bank_yaml.encode(), "x.yaml", "example")
    assert bank.id == "example"


def test_id_must_equal_the_file_name(tmp_path: Path, bank_yaml: str) -> None:
    path = tmp_path / "other-name.yaml"
    path.write_text(bank_yaml, encoding="utf-8")
    with pytest.raises(BankError) as caught:
        load_bank_file(path)
    problem = only(caught.value.problems)
    assert problem.file == str(path)
    assert (problem.line, problem.col) == locate(bank_yaml, "example\n")
    assert problem.message == "id 'example' must equal the file name 'other-name'"


def test_load_bank_file_reads_a_valid_file(example_bank_file: Path, example_bank: Bank) -> None:
    assert load_bank_file(example_bank_file) == example_bank


def test_unreadable_file_is_a_bank_error(tmp_path: Path) -> None:
    with pytest.raises(BankError) as caught:
        load_bank_file(tmp_path / "missing.yaml")
    assert "cannot read" in only(caught.value.problems).message


def test_several_problems_are_all_reported_in_file_order(bank_yaml: str) -> None:
    text = edit(
        bank_yaml,
        "    difficulty: easy\n    prompt: How does k-means",
        "    difficulty: simple\n    prompt: How does k-means",
    )
    text = edit(text, "    number: 4\n", "    number: -4\n")
    problems = problems_of(text)
    assert len(problems) == 2
    assert problems == sorted(problems, key=lambda p: (p.line, p.col))


def test_alias_bomb_is_refused_quickly(bank_yaml: str) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 8):
        refs = ", ".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    text = bank_yaml + "\n".join(lines) + "\n"
    problem = only(problems_of(text))
    assert "too many aliases" in problem.message


def test_deep_nesting_is_refused(bank_yaml: str) -> None:
    text = bank_yaml + "deep: " + "[" * 60 + "]" * 60 + "\n"
    problem = only(problems_of(text))
    assert "nesting" in problem.message


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    cut=st.lists(st.integers(0, 200), max_size=4),
    junk=st.binary(max_size=6),
    at=st.floats(0, 1),
)
def test_mangled_banks_raise_bank_error_only(
    bank_yaml: str, cut: list[int], junk: bytes, at: float
) -> None:
    lines = bank_yaml.splitlines(keepends=True)
    dropped = {i % len(lines) for i in cut}
    kept = "".join(line for i, line in enumerate(lines) if i not in dropped).encode()
    where = int(at * len(kept))
    data = kept[:where] + junk + kept[where:]
    try:
        bank = parse_bank(data, "example.yaml", expected_id="example")
    except BankError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert problem.line >= 1
            assert problem.col >= 1
            assert str(problem).startswith(f"example.yaml:{problem.line}:{problem.col}: ")
    else:
        assert bank.id == "example"


BUNDLED = sorted(BUNDLED_BANKS.glob("*.yaml"))


@pytest.mark.skipif(not BUNDLED, reason="banks/ holds no bank yet")
@pytest.mark.parametrize("path", BUNDLED, ids=[p.stem for p in BUNDLED])
def test_bundled_banks_load_or_fail_with_located_problems(path: Path) -> None:
    """Robustness on real files; whether their content is valid is for tests/banks."""
    try:
        bank = load_bank_file(path)
    except BankError as exc:
        lines = path.read_text(encoding="utf-8", errors="replace").count("\n") + 1
        for problem in exc.problems:
            assert problem.file == str(path)
            assert 1 <= problem.line <= lines
    else:
        assert bank.id == path.stem
        assert bank.questions
