"""Explore: spot-check the synthetic training data, look at its distributions, duplicates and suspect labels,
and reject bad samples (rejected samples are left out of training)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import plotly.express as px
import streamlit as st

from app_pages.shared import active_version, encoder, md_escape, verdict_store
from core.data import list_datasets, resolve_datasets, stamps
from core.eda import (
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
    uncached_count,
)
from core.eda import token_lengths as count_token_lengths
from core.embedding import Chunking, DocumentEmbedder, WindowEncoder, cached_embedder
from core.errors import ShortlistError

VERDICT_FILTERS = {"all": "All samples", "": "Not reviewed yet", "accept": "Accepted", "reject": "Rejected"}

st.title("Explore the training data")
st.caption("Spot-check samples, look at the distributions, and reject what should not be trained on.")


@st.cache_data(show_spinner="Reading datasets…", max_entries=8)
def load(keys: tuple[str, ...], stamp: tuple[tuple[str, int, int], ...]) -> Corpus:
    return load_corpus(resolve_datasets(keys))


@st.cache_data(show_spinner="Counting encoder tokens…", max_entries=8)
def token_lengths(
    fingerprint: str, _texts: list[str], _encoder: WindowEncoder, _chunking: Chunking
) -> pd.DataFrame:
    return count_token_lengths(_texts, _encoder, _chunking)


@st.cache_data(show_spinner="Finding distinctive terms…", max_entries=8)
def terms(fingerprint: str, _corpus: Corpus) -> pd.DataFrame:
    return distinctive_terms(_corpus.records)


@st.cache_data(show_spinner="Reading embeddings from the cache…", max_entries=4)
def vectors(fingerprint: str, _corpus: Corpus, _embedder: DocumentEmbedder) -> np.ndarray:
    return embed_corpus(_corpus.records, _embedder)


@st.cache_data(show_spinner="Cross-validating labels…", max_entries=4)
def audit(fingerprint: str, _vectors: np.ndarray, _labels: np.ndarray) -> pd.DataFrame:
    return label_audit(_vectors, _labels)


def set_verdict(pairs: list[tuple[str, str]], verdict: str, note: str = "") -> None:
    by_dataset: dict[str, list[str]] = defaultdict(list)
    for dataset, record_id in pairs:
        by_dataset[dataset].append(record_id)
    for dataset, ids in by_dataset.items():
        if verdict == "clear":
            verdict_store().clear(dataset, ids)
        else:
            verdict_store().record(dataset, ids, "accept" if verdict == "accept" else "reject", note)
    done = {"accept": "Accepted", "reject": "Rejected", "clear": "Cleared the verdict on"}[verdict]
    st.session_state["explore_flash"] = f"{done} {len(pairs)} sample{'s' if len(pairs) != 1 else ''}."


def step_sample(reroll: bool) -> None:
    st.session_state["sample_seed"] = st.session_state.get("sample_seed", 0) + int(reroll)
    st.session_state["sample_pos"] = 0 if reroll else st.session_state.get("sample_pos", 0) + 1


datasets = list_datasets()
if not datasets:
    st.info("No datasets yet: build the starter corpus or generate one on the Generate page.")
    st.stop()
names = {info.key: info.name for info in datasets}
chosen = st.multiselect(
    "Datasets", list(names), default=[datasets[0].key], format_func=names.__getitem__, key="explore_datasets"
)
if not chosen:
    st.info("Choose at least one dataset.")
    st.stop()
try:
    infos = resolve_datasets(chosen)
    corpus = load(tuple(chosen), stamps(infos))
except ShortlistError as exc:
    st.error(f"The datasets could not be read: {md_escape(str(exc))}")
    st.stop()
if not len(corpus):
    st.warning("These datasets have no usable records yet.")
    st.stop()
if "explore_flash" in st.session_state:
    st.success(st.session_state.pop("explore_flash"))

verdicts = verdict_store().verdicts(chosen)
frame = corpus_frame(corpus)
frame["verdict"] = [verdicts.get(pair, "") for pair in corpus.pairs()]
rejected_pairs = {pair for pair, verdict in verdicts.items() if verdict == "reject"}
counts = st.columns(5)
counts[0].metric("Records", len(frame))
counts[1].metric("DevOps", int((frame["label"] == "devops").sum()))
counts[2].metric("Other", int((frame["label"] == "other").sum()))
counts[3].metric("Rejected", int((frame["verdict"] == "reject").sum()))
counts[4].metric("Broken lines skipped", corpus.broken_lines)
include_rejected = st.toggle("Include rejected samples in the analyses", value=False, key="include_rejected")
kept = corpus if include_rejected else corpus.without(rejected_pairs)
kept_frame = frame if include_rejected else frame[frame["verdict"] != "reject"].reset_index(drop=True)
if not len(kept):
    st.warning("Every sample here is rejected; the analyses below include them anyway.")
    kept, kept_frame = corpus, frame
fingerprint = kept.fingerprint()

embedder: DocumentEmbedder | None = None
try:
    chunking = Chunking(**active_version().metadata.get("chunking", {}))
    embedder = cached_embedder(encoder(), chunking)
    embed_key = f"{fingerprint}|{embedder.encoder.encoder_id}|{chunking.key()}"
    missing = uncached_count(kept.records, embedder)
except (ShortlistError, TypeError) as exc:
    st.error(
        f"The encoder could not be loaded, so token lengths, duplicates, the map and the audit are not shown: {md_escape(str(exc))}"
    )
    missing = -1
matrix: np.ndarray | None = None
if embedder is not None and missing > 0:
    st.info(
        f"{missing} resumes are not embedded yet. Duplicates, the map and the label audit need their "
        "embeddings; they are computed once and cached, and training reuses them."
    )
    if st.button(f"Embed {missing} resumes", key="embed_now", type="primary"):
        bar = st.progress(0.0, text="Embedding…")

        def show(done: int, total: int) -> None:
            bar.progress(done / max(1, total), text=f"Embedding: {done} of {total}")

        embed_corpus(kept.records, embedder, show)
        st.rerun()
elif embedder is not None:
    matrix = vectors(embed_key, kept, embedder)

tab_samples, tab_charts, tab_dupes, tab_map, tab_audit, tab_leak = st.tabs(
    ["Samples", "Distributions", "Duplicates", "Map", "Label audit", "Leakage"]
)

with tab_samples:
    cols = st.columns(4)
    labels = cols[0].multiselect("Label", sorted(frame["label"].unique()), key="sample_labels")
    roles = cols[1].multiselect("Role", sorted(frame["role"].unique()), key="sample_roles")
    sources = cols[2].multiselect("Source", sorted(frame["source"].unique()), key="sample_sources")
    verdict_filter = cols[3].selectbox(
        "Verdict", list(VERDICT_FILTERS), format_func=VERDICT_FILTERS.__getitem__, key="sample_verdict"
    )
    mask = pd.Series(True, index=frame.index)
    for column, picked in (("label", labels), ("role", roles), ("source", sources)):
        if picked:
            mask &= frame[column].isin(picked)
    if verdict_filter != "all":
        mask &= frame["verdict"] == verdict_filter
    matching = np.flatnonzero(mask.to_numpy())
    if not matching.size:
        st.info("No samples match these filters.")
    else:
        order = sample_order(matching.size, st.session_state.get("sample_seed", 0))
        position = st.session_state.get("sample_pos", 0) % matching.size
        index = int(matching[order[position]])
        record, row = corpus.records[index], frame.iloc[index]
        pair = corpus.pairs()[index]
        st.caption(f"Sample {position + 1} of {matching.size} matching · id {md_escape(record.id)}")
        # One line, not metrics: role and style names are long, and metric tiles cut them off.
        st.markdown(
            f"Label **{md_escape(record.label)}** · role **{md_escape(str(row['role']))}** · "
            f"style **{md_escape(str(row['style']))}** · **{int(row['words'])}** words · "
            f"verdict **{md_escape(str(row['verdict'] or 'not reviewed'))}**"
        )
        buttons = st.columns(5)
        buttons[0].button("Next", key="sample_next", on_click=step_sample, args=(False,))
        buttons[1].button("Reroll", key="sample_reroll", on_click=step_sample, args=(True,))
        buttons[2].button("Accept", key="sample_accept", on_click=set_verdict, args=([pair], "accept"))
        buttons[3].button(
            "Reject", key="sample_reject", type="primary", on_click=set_verdict, args=([pair], "reject")
        )
        buttons[4].button("Clear verdict", key="sample_clear", on_click=set_verdict, args=([pair], "clear"))
        st.code(record.text, language=None, wrap_lines=True)

with tab_charts:
    balance = kept_frame.groupby(["dataset", "label"]).size().reset_index(name="records")
    st.plotly_chart(
        px.bar(balance, x="label", y="records", color="dataset", title="Class balance"), key="chart_balance"
    )
    for column in ("role", "style"):
        grouped = category_counts(kept_frame, column)
        figure = px.bar(grouped, x=column, y="records", color="label", title=f"Records per {column}")
        st.plotly_chart(figure, key=f"chart_{column}")
    st.plotly_chart(
        px.histogram(kept_frame, x="words", color="label", barmode="overlay", title="Length in words"),
        key="chart_words",
    )
    if embedder is None:
        st.info("Token lengths need the encoder, which could not be loaded.")
    else:
        lengths = token_lengths(embed_key, [r.text for r in kept.records], embedder.encoder, chunking)
        summary = length_summary(lengths, chunking.window_tokens)
        figure = px.histogram(
            lengths.assign(label=kept_frame["label"]),
            x="tokens",
            color="label",
            barmode="overlay",
            title="Length in encoder tokens (the line marks one window)",
        )
        figure.add_vline(x=chunking.window_tokens, line_dash="dash")
        st.plotly_chart(figure, key="chart_tokens")
        shares = st.columns(3)
        shares[0].metric("Resumes longer than one window", f"{summary['texts_over_one_window']:.0%}")
        shares[1].metric("Tokens one window would cut", f"{summary['tokens_cut_by_one_window']:.0%}")
        shares[2].metric("Tokens cut even with chunking", f"{summary['tokens_cut_by_chunking']:.1%}")
        st.caption(
            f"The encoder reads {chunking.window_tokens} word pieces at a time; Shortlist reads up to "
            f"{chunking.max_windows} overlapping windows per resume and pools them."
        )
    try:
        distinctive = terms(fingerprint, kept)
    except ShortlistError as exc:
        st.info(f"Distinctive terms need both classes: {md_escape(str(exc))}")
    else:
        figure = px.bar(
            distinctive,
            x="z",
            y="term",
            color="label",
            orientation="h",
            title="Most distinctive terms per class",
        )
        figure.update_yaxes(categoryorder="total ascending")
        st.plotly_chart(figure, key="chart_terms")

waiting = "Embed the resumes first (the button above the tabs)."

with tab_dupes:
    if matrix is None:
        st.info(waiting)
    else:
        threshold = st.slider(
            "Cosine similarity at least", 0.90, 1.0, 0.97, step=0.005, format="%.3f", key="dup_threshold"
        )
        accepted = [verdicts.get(pair) == "accept" for pair in kept.pairs()]
        clusters = near_duplicates(matrix, threshold, preferred=accepted)
        if not clusters:
            st.success("No near-duplicates at this threshold.")
        else:
            rows = [
                {
                    "cluster": n + 1,
                    "keep": i == cluster.keep,
                    **kept_frame.iloc[i][["id", "dataset", "label", "role", "first_line"]],
                }
                for n, cluster in enumerate(clusters)
                for i in cluster.members
            ]
            extras = [
                (kept.pairs()[i], kept.records[cluster.keep].id)
                for cluster in clusters
                for i in cluster.extras
            ]
            mixed = sum(len({kept.records[i].label for i in cluster.members}) > 1 for cluster in clusters)
            st.warning(
                f"{len(clusters)} clusters of near-duplicates: {len(extras)} extra copies."
                + (f" {mixed} clusters mix both labels." if mixed else "")
            )
            st.dataframe(pd.DataFrame(rows), hide_index=True, key="dup_table")
            st.button(
                f"Reject the {len(extras)} extras (keep one per cluster)",
                key="dup_reject_all",
                type="primary",
                on_click=set_verdict,
                args=([pair for pair, _ in extras], "reject", "near-duplicate"),
            )

with tab_map:
    if matrix is None:
        st.info(waiting)
    elif len(kept) < 3:
        st.info("The map needs at least three records.")
    else:
        projected = projection(matrix, kept.labels())
        points = pd.concat([kept_frame, projected.frame], axis=1)
        figure = px.scatter(
            points,
            x="x",
            y="y",
            color="label",
            symbol="outlier",
            hover_data={"role": True, "first_line": True, "id": True, "x": False, "y": False},
            title=f"PCA of the embeddings ({sum(projected.explained):.0%} of the variance shown)",
        )
        st.plotly_chart(figure, key="chart_map")
        outliers = points[points["outlier"]]
        if outliers.empty:
            st.success("No outliers: every record sits close to the rest of its class.")
        else:
            st.warning(
                f"{len(outliers)} outliers sit far from the rest of their class; check them in Samples."
            )
            st.dataframe(
                outliers[["id", "dataset", "label", "role", "first_line", "distance"]],
                hide_index=True,
                key="outlier_table",
            )

with tab_audit:
    if matrix is None:
        st.info(waiting)
    else:
        try:
            scores = audit(embed_key, matrix, kept.labels())
        except ShortlistError as exc:
            st.info(f"The audit cannot run on this data: {md_escape(str(exc))}")
        else:
            cutoff = st.slider(
                "Flag when the probability of its own label is below",
                0.05,
                0.5,
                0.5,
                step=0.05,
                key="audit_cutoff",
            )
            flagged = pd.concat([kept_frame, scores], axis=1)
            flagged = flagged[flagged["label_probability"] < cutoff].sort_values("label_probability")
            if flagged.empty:
                st.success("The rest of the data agrees with every label.")
            else:
                st.warning(
                    f"{len(flagged)} samples the rest of the data contradicts: the generator may have mislabelled "
                    "them. The worst 20 are listed."
                )
                st.dataframe(
                    flagged[["id", "dataset", "label", "role", "label_probability", "first_line"]],
                    hide_index=True,
                    key="audit_table",
                )
                for position in flagged.index.to_numpy(dtype=int)[:20]:
                    suspect, dataset = kept.records[position], kept.datasets[position]
                    own = float(scores["label_probability"].iloc[position])
                    with st.expander(
                        f"{md_escape(suspect.id)} · labelled {md_escape(suspect.label)} · {own:.2f}"
                    ):
                        st.code(suspect.text, language=None, wrap_lines=True)
                        st.button(
                            "Reject this sample",
                            key=f"audit_reject_{dataset}_{suspect.id}",
                            on_click=set_verdict,
                            args=([(dataset, suspect.id)], "reject", "label audit"),
                        )

with tab_leak:
    raw_terms = st.text_input(
        "Label words to look for (comma separated)", ", ".join(LEAKAGE_TERMS), key="leak_terms"
    )
    leak = leakage(kept.records, [term for term in raw_terms.split(",") if term.strip()])
    if leak.empty:
        st.info("Enter at least one word to look for.")
    else:
        share = st.column_config.ProgressColumn(min_value=0.0, max_value=1.0, format="%.2f")
        st.dataframe(
            leak,
            hide_index=True,
            key="leak_table",
            column_config={column: share for column in leak.columns if column.endswith("share")},
        )
        gap = leak["devops_share"] - leak["other_share"]
        telling = leak.loc[gap > 0.5, "term"].tolist()
        if telling:
            st.warning(
                "These words alone separate the classes, so a model could score titles instead of experience: "
                + ", ".join(md_escape(term) for term in telling)
            )
        else:
            st.success("No label word separates the classes on its own.")
