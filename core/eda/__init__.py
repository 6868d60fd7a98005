"""The Explore page's analyses of a training corpus: distributions, lengths, distinctive terms, near-duplicates,
an embedding map, a label audit and a leakage check. Every analysis reads what the model reads, except where
the raw text is the point. Kept apart from ``core.data`` so that the data store stays light (no numpy or pandas
on import for the generator's worker).
"""

from core.eda.analyses import (
    LEAKAGE_TERMS,
    Corpus,
    category_counts,
    corpus_frame,
    distinctive_terms,
    embed_corpus,
    label_audit,
    leakage,
    length_summary,
    load_corpus,
    near_duplicates,
    projection,
    sample_order,
    token_lengths,
    uncached_count,
)

__all__ = [
    "LEAKAGE_TERMS",
    "Corpus",
    "category_counts",
    "corpus_frame",
    "distinctive_terms",
    "embed_corpus",
    "label_audit",
    "leakage",
    "length_summary",
    "load_corpus",
    "near_duplicates",
    "projection",
    "sample_order",
    "token_lengths",
    "uncached_count",
]
