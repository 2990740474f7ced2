import math

import pytest

from bench.bench_relevance import dcg, ndcg, recall


def test_dcg_uses_exponential_gain_and_log_discount():
    assert dcg([2, 1, 0]) == pytest.approx(3 / math.log2(2) + 1 / math.log2(3))


def test_ndcg_is_one_for_the_ideal_ranking():
    judgments = {"a": 2, "b": 1, "c": 1}
    assert ndcg(["a", "b", "c", "x"], judgments) == pytest.approx(1.0)


def test_ndcg_of_a_swapped_ranking():
    judgments = {"a": 2, "b": 1}
    ideal = 3 / math.log2(2) + 1 / math.log2(3)
    swapped = 1 / math.log2(2) + 3 / math.log2(3)
    assert ndcg(["b", "a"], judgments) == pytest.approx(swapped / ideal)


def test_ndcg_counts_unjudged_cvs_as_zero():
    judgments = {"a": 2}
    assert ndcg(["x", "a"], judgments) == pytest.approx((3 / math.log2(3)) / 3)


def test_ndcg_ignores_hits_below_the_cutoff():
    judgments = {"a": 2}
    assert ndcg(["x"] * 10 + ["a"], judgments, k=10) == 0.0


def test_ndcg_is_zero_without_relevant_cvs():
    assert ndcg(["a"], {"a": 0}) == 0.0


def test_recall_counts_partial_matches_as_relevant():
    judgments = {"a": 2, "b": 1, "c": 0, "d": 1}
    assert recall(["a", "c", "b"], judgments) == pytest.approx(2 / 3)


def test_recall_ignores_hits_below_the_cutoff():
    judgments = {"a": 2, "b": 2}
    assert recall(["a", "x", "b"], judgments, k=2) == pytest.approx(0.5)
