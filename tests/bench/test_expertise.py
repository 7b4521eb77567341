"""The mentor-expertise benchmark: its metric on hand-computed cases, its loader, and a run on the synthetic fixture."""

from __future__ import annotations

import json
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from benchmarks import expertise
from benchmarks.expertise import figures, task_of
from benchmarks.expertise_data import Rating, load_dataset, load_ratings
from matcher.embed import Embedder
from matcher.errors import InvalidInput

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "expertise-sample"
HEADER = "\t".join(["ParticipantID", *(f"Paper{k}" for k in range(1, 11)), *(f"Expertise{k}" for k in range(1, 11))])


def _rated(person: str, expertise_and_scores: Sequence[tuple[int, float]]) -> tuple[list[Rating], dict]:
    ratings = [Rating(person, f"{person}-{k}", e) for k, (e, _) in enumerate(expertise_and_scores)]
    return ratings, {(r.participant, r.paper): s for r, (_, s) in zip(ratings, expertise_and_scores, strict=True)}


def test_perfect_reversed_and_tied_rankings() -> None:
    ratings, perfect = _rated("p", [(5, 3.0), (3, 2.0), (1, 1.0)])
    assert figures(ratings, perfect).loss == 0.0
    reversed_ = {key: -s for key, s in perfect.items()}
    assert figures(ratings, reversed_).loss == 1.0
    ties = figures(ratings, dict.fromkeys(perfect, 0.7))
    assert (ties.loss, ties.easy_accuracy, ties.hard_accuracy) == (0.5, 0.5, None)


def test_mixed_case_weights_pairs_by_their_rating_difference() -> None:
    # p: (5 vs 3) wrong, cost 2 of 2; (5 vs 1) right, 0 of 4; (3 vs 1) right, 0 of 2.
    # q: (4 vs 2) tied, cost 1 of 2. Loss = 3 / 10. Easy pairs: p (5 vs 1) right, q (4 vs 2) tied: (1 + 0.5) / 2.
    p, p_scores = _rated("p", [(5, 2.0), (3, 3.0), (1, 1.0)])
    q, q_scores = _rated("q", [(4, 0.4), (2, 0.4)])
    result = figures([*p, *q], {**p_scores, **q_scores})
    assert result.loss == pytest.approx(0.3)
    assert result.easy_accuracy == pytest.approx(0.75)
    assert (result.pairs, result.easy_pairs, result.hard_pairs, result.hard_accuracy) == (4, 2, 0, None)


def test_hard_pairs_are_both_rated_four_or_more_and_unequal() -> None:
    # 5 vs first 4 wrong, 5 vs second 4 right, the two 4s are not a pair; every pair with the 1 is easy and right.
    # Loss: only (5 vs first 4) is wrong, cost 1 of 1 + 1 + 4 + 3 + 3 = 12.
    ratings, scores = _rated("p", [(5, 1.0), (4, 2.0), (4, 0.5), (1, 0.0)])
    result = figures(ratings, scores)
    assert (result.hard_pairs, result.hard_accuracy) == (2, 0.5)
    assert (result.easy_pairs, result.easy_accuracy) == (3, 1.0)
    assert result.loss == pytest.approx(1 / 12)


def test_pairs_rated_alike_do_not_count_and_no_pairs_means_no_figures() -> None:
    ratings, scores = _rated("p", [(3, 1.0), (3, 0.0)])
    assert figures(ratings, scores) == expertise.Figures(None, None, None, 0, 0, 0)


def test_empty_cells_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "evaluations.csv"
    cells = ["a", "x1", "", "x3", "x4", *[""] * 6, "5", "2", "", "3", *[""] * 6]  # Paper2 empty, Expertise3 empty
    path.write_text(f"{HEADER}\n" + "\t".join(cells) + "\n\n", encoding="utf-8")
    assert load_ratings(path) == (Rating("a", "x1", 5), Rating("a", "x4", 3))


def test_loader_on_the_fixture() -> None:
    data = load_dataset(FIXTURE)
    assert len(data.participants) == 14 and len(data.ratings) == 126
    assert [s.name for s in data.sets] == ["d_20_1", "d_20_2"]
    for expertise_set in data.sets:
        assert len(expertise_set.archives) == 14 and len(expertise_set.submissions) == 36
        assert all(len(papers) == 4 for papers in expertise_set.archives.values())
        task = task_of(data, expertise_set)
        # Katrin_Schulz1 rated a paper of her own archive: it is left out of it, and all else is scored.
        assert (task.left_out, task.skipped, len(task.ratings)) == (1, 0, 126)
        assert len(task.archives["Katrin_Schulz1"]) == 3


def test_a_malformed_archive_line_is_named(tmp_path: Path) -> None:
    data = tmp_path / "expertise"
    shutil.copytree(FIXTURE, data)
    archive = data / "evaluation_datasets" / "d_20_2" / "archives" / "~Lea_Martin1.jsonl"
    lines = archive.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2][:-5]
    archive.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_dataset(data)
    assert f"{archive}:3: not valid JSON" in str(caught.value)


def test_a_bad_rating_is_named_with_its_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "evaluations.csv"
    rows = ["\t".join(["a", "x1", *[""] * 9, "4", *[""] * 9]), "\t".join(["b", "x1", *[""] * 9, "high", *[""] * 9])]
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        load_ratings(path)
    assert f"{path}:3:Expertise1: 'high' is not an expertise rating" in str(caught.value)


def test_real_data_quirks_are_handled(tmp_path: Path) -> None:
    """OpenReview-style ``{"value": ...}`` fields, null abstracts, ids with a tilde, papers missing from a set."""
    (tmp_path / "data").mkdir()
    rows = ["\t".join(["~Ann_Lee1", "x1", "x2", "gone", *[""] * 7, "5", "1", "3", *[""] * 7])]
    (tmp_path / "data" / "evaluations.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    directory = tmp_path / "evaluation_datasets" / "d_20_1"
    (directory / "archives").mkdir(parents=True)
    own = {"id": "a1", "content": {"title": {"value": "Battery ageing"}, "abstract": None}}
    (directory / "archives" / "~Ann_Lee1.jsonl").write_text(json.dumps(own) + "\n\n", encoding="utf-8")
    submissions = {k: {"id": k, "content": {"title": k, "abstract": "Text."}} for k in ("x1", "x2")}
    (directory / "submissions.json").write_text(json.dumps(submissions), encoding="utf-8")
    data = load_dataset(tmp_path)
    assert data.sets[0].archives["~Ann_Lee1"] == (expertise.Paper("a1", "Battery ageing", ""),)
    task = task_of(data, data.sets[0])
    assert (len(task.ratings), task.skipped) == (2, 1)


def test_missing_data_exits_with_code_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        expertise.main(["--data", str(tmp_path / "nowhere")])
    assert caught.value.code == 2
    assert "no expertise data at" in capsys.readouterr().err


@pytest.mark.slow
def test_end_to_end_on_the_fixture(
    tmp_path: Path, embedder: Embedder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(expertise, "_embedder", lambda model, cache: embedder)  # the session's model, loaded once
    out = tmp_path / "expertise.json"
    expertise.main(["--data", str(FIXTURE), "--json", str(out)])
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["sets"] == 2
    for key in ("loss", "easy_accuracy", "hard_accuracy"):
        assert isinstance(result[key], float) and 0.0 <= result[key] <= 1.0
    assert result["loss"] < 0.5
    assert set(result["per_set"]) == {"d_20_1", "d_20_2"}
    assert result["methods"]["constant"]["loss"] == 0.5
    assert {"engine", "bm25", "tf-idf cosine"} <= set(result["methods"])
    assert result["methods"]["engine"]["loss"] == result["loss"]
    table = capsys.readouterr().out
    assert any(line.split()[:2] == ["engine", "d_20_1"] for line in table.splitlines() if line.strip())
    assert "average" in table and "SPECTER2 0.22" in table


def test_ratings_in_quarter_steps_load_and_out_of_range_ones_are_named(tmp_path: Path) -> None:
    """The real evaluations.csv writes ratings as 1.0, 4.5, 3.25...: any number from 1 to 5 is a rating."""
    path = tmp_path / "evaluations.csv"
    row = "\t".join(["a", "x1", "x2", "x3", *[""] * 7, "1.0", "4.5", "3.25", *[""] * 7])
    path.write_text("\n".join([HEADER, row]) + "\n", encoding="utf-8")
    assert [r.expertise for r in load_ratings(path)] == [1.0, 4.5, 3.25]
    for bad in ("5.5", "0", "nan"):
        path.write_text("\n".join([HEADER, row.replace("3.25", bad)]) + "\n", encoding="utf-8")
        with pytest.raises(InvalidInput) as caught:
            load_ratings(path)
        assert f"{path}:2:Expertise3: '{bad}' is not an expertise rating; write a number from 1 to 5" in str(
            caught.value
        )


def test_the_development_fixture_has_quarter_steps_and_hard_pairs() -> None:
    data = load_dataset(FIXTURE.parent / "expertise-dev")
    assert len(data.participants) == 21 and len(data.sets) == 2
    assert any(r.expertise % 1 for r in data.ratings)
    for own in ({r.expertise for r in data.ratings if r.participant == p} for p in data.participants):
        assert len({e for e in own if e >= 4}) >= 2  # hard pairs for everyone
    task = task_of(data, data.sets[0])
    assert min(len(papers) for papers in task.archives.values()) >= 12
