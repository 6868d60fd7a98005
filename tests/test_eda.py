"""Explore's core: dataset discovery, corpus loading, lengths, terms, leakage, near-duplicates, the map and the
label audit."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from core.data.catalog import DatasetInfo, list_datasets, resolve_datasets
from core.data.dataset import ResumeRecord
from core.eda import analyses as eda
from core.embedding.cache import EmbeddingCache
from core.embedding.chunking import Chunking
from core.embedding.embedder import DocumentEmbedder
from core.errors import ConfigError, DatasetError
from tests.conftest import DEVOPS_WORDS, OTHER_WORDS, FakeEncoder, toy_records


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def record(id_: str, text: str, label: str = "devops", role: str = "devops") -> ResumeRecord:
    return ResumeRecord(id=id_, text=text, label=label, role=role)


@pytest.fixture
def toy_corpus(tmp_path: Path) -> eda.Corpus:
    path = write_jsonl(tmp_path / "toy.jsonl", toy_records(30))
    return eda.load_corpus([DatasetInfo("toy", "Toy", path, "starter")])


def test_datasets_are_the_starter_corpus_and_generated_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_state: Path
) -> None:
    monkeypatch.setenv("SHORTLIST_DATA_DIR", str(tmp_path / "data"))
    assert list_datasets() == []
    write_jsonl(tmp_path / "data" / "starter" / "resumes.jsonl", toy_records(2))
    write_jsonl(isolated_state / "jobs" / "20260101-a" / "resumes.jsonl", toy_records(1))
    (isolated_state / "jobs" / "20260102-empty").mkdir(parents=True)
    keys = [info.key for info in list_datasets()]
    assert keys == ["starter", "job:20260101-a"]
    assert [info.key for info in resolve_datasets(["job:20260101-a"])] == ["job:20260101-a"]
    with pytest.raises(ConfigError):
        resolve_datasets(["job:gone"])


def test_corpus_keeps_the_dataset_of_each_record_and_skips_repeated_ids(tmp_path: Path) -> None:
    first = write_jsonl(tmp_path / "a.jsonl", toy_records(2))
    second = write_jsonl(tmp_path / "b.jsonl", toy_records(3, seed=1))
    corpus = eda.load_corpus(
        [DatasetInfo("a", "A", first, "starter"), DatasetInfo("b", "B", second, "generated")]
    )
    assert len(corpus) == 6  # b repeats a's four ids and adds devops-2 and other-2
    assert corpus.datasets.count("a") == 4 and corpus.datasets.count("b") == 2
    smaller = corpus.without({("a", "devops-0"), ("b", "devops-0")})
    assert len(smaller) == 5 and ("a", "devops-0") not in smaller.pairs()
    assert smaller.fingerprint() != corpus.fingerprint()
    frame = eda.corpus_frame(corpus)
    assert list(frame["first_line"].unique()) == ["Jordan Example"]
    assert set(frame["source"]) == {"toy"}


def test_token_lengths_show_what_one_window_and_chunking_cut() -> None:
    chunking = Chunking(window_tokens=10, overlap_tokens=0, max_windows=2)
    lengths = eda.token_lengths(["word " * 5, "word " * 40], FakeEncoder(), chunking)
    assert list(lengths["tokens"]) == [5, 40]
    assert list(lengths["cut_by_one_window"]) == [0.0, 0.75]
    assert list(lengths["cut_by_chunking"]) == [0.0, 0.5]  # two windows of ten read 20 of 40
    summary = eda.length_summary(lengths, chunking.window_tokens)
    assert summary["texts_over_one_window"] == 0.5
    assert summary["tokens_cut_by_one_window"] == pytest.approx(30 / 45)


def test_distinctive_terms_are_each_class_vocabulary(toy_corpus: eda.Corpus) -> None:
    terms = eda.distinctive_terms(toy_corpus.records, top=5)
    assert set(terms.loc[terms["label"] == "devops", "term"]) <= set(DEVOPS_WORDS)
    assert set(terms.loc[terms["label"] == "other", "term"]) <= set(OTHER_WORDS)
    with pytest.raises(DatasetError):
        eda.distinctive_terms([r for r in toy_corpus.records if r.is_positive])


def test_leakage_counts_label_words_per_class_and_in_titles() -> None:
    records = [
        record("1", "Alex\nSenior DevOps Engineer\nkubernetes"),
        record("2", "Sam\nPlatform engineer\nworked with devops teams"),
        record("3", "Kim\nBackend developer\nhelped the DevOps team", "other", "backend"),
        record("4", "Lee\nNurse\nwards", "other", "nurse"),
    ]
    table = eda.leakage(records, ["DevOps", "SRE"]).set_index("term")
    assert table.loc["DevOps", "devops_records"] == 2
    assert table.loc["DevOps", "devops_share"] == 1.0
    assert table.loc["DevOps", "devops_header_share"] == 1.0
    assert table.loc["DevOps", "other_share"] == 0.5
    assert table.loc["SRE", "devops_records"] == 0  # "sre" is not inside another word


def test_near_duplicates_cluster_chained_copies_and_keep_the_preferred_one() -> None:
    rng = np.random.default_rng(0)
    base = rng.normal(size=(6, 32))
    vectors = np.vstack([base, base[1] + 0.01 * rng.normal(size=32), base[1], base[4]])
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    clusters = eda.near_duplicates(vectors, threshold=0.99, block=4)
    assert [c.members for c in clusters] == [(1, 6, 7), (4, 8)]
    assert clusters[0].keep == 1 and clusters[0].extras == (6, 7)
    assert 0.99 <= clusters[0].min_similarity <= 1.0
    preferred = [i == 7 for i in range(len(vectors))]
    assert eda.near_duplicates(vectors, 0.99, preferred=preferred)[0].keep == 7
    assert eda.near_duplicates(vectors, 0.9999999)[0].members == (1, 7)
    assert eda.near_duplicates(vectors[:6], 0.99) == []  # distinct records: no cluster
    assert eda.near_duplicates(np.zeros((0, 32)), 0.99) == []


def test_projection_is_two_dimensional_and_flags_an_outlier() -> None:
    rng = np.random.default_rng(1)
    centre = np.ones(16)
    vectors = centre + 0.05 * rng.normal(size=(40, 16))
    vectors[7] = -centre  # opposite to the rest of its class
    labels = np.array([1] * 20 + [0] * 20)
    projected = eda.projection(vectors, labels)
    assert projected.frame.shape == (40, 4)
    assert 0.0 < sum(projected.explained) <= 1.0 + 1e-9
    assert list(np.flatnonzero(projected.frame["outlier"])) == [7]
    with pytest.raises(DatasetError):
        eda.projection(vectors[:2], labels[:2])


def test_label_audit_flags_flipped_labels(toy_corpus: eda.Corpus, fake_embedder: DocumentEmbedder) -> None:
    vectors = eda.embed_corpus(toy_corpus.records, fake_embedder)
    labels = toy_corpus.labels()
    flipped = [3, 35]
    labels[flipped] = 1 - labels[flipped]
    audit = eda.label_audit(vectors, labels)
    assert audit.shape == (60, 2)
    assert set(audit.nsmallest(2, "label_probability").index) == set(flipped)
    assert (audit.loc[flipped, "label_probability"] < 0.5).all()
    assert (audit.drop(index=flipped)["label_probability"] > 0.5).mean() > 0.95
    with pytest.raises(DatasetError):
        eda.label_audit(vectors[:3], np.array([1, 0, 0]))


def test_embeddings_come_from_the_shared_cache(toy_corpus: eda.Corpus, tmp_path: Path) -> None:
    embedder = DocumentEmbedder(FakeEncoder(), Chunking(), EmbeddingCache(tmp_path / "cache.sqlite3"))
    assert eda.uncached_count(toy_corpus.records, embedder) == 60
    vectors = eda.embed_corpus(toy_corpus.records[:10], embedder)
    assert vectors.shape == (10, 64)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert eda.uncached_count(toy_corpus.records, embedder) == 50


def test_sample_order_is_a_repeatable_permutation() -> None:
    assert sorted(eda.sample_order(10, 3)) == list(range(10))
    assert list(eda.sample_order(10, 3)) == list(eda.sample_order(10, 3))
    assert list(eda.sample_order(10, 3)) != list(eda.sample_order(10, 4))
