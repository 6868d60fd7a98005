"""Shortlist: the Streamlit entry point. Page config, navigation and the shared sidebar."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages.shared import active_version, device, md_escape
from core.errors import ShortlistError

# A file the app serves itself: with a Material icon name, every page view fetched the icon from Google.
ICON = Path(__file__).resolve().parent / "app_pages" / "assets" / "icon.svg"

st.set_page_config(page_title="Shortlist", page_icon=str(ICON), layout="wide")

PAGES = [
    st.Page("app_pages/screen.py", title="Screen", icon=":material/checklist:", default=True),
    st.Page("app_pages/generate.py", title="Generate", icon=":material/auto_awesome:"),
    st.Page("app_pages/explore.py", title="Explore", icon=":material/query_stats:"),
    st.Page("app_pages/train.py", title="Train", icon=":material/model_training:"),
]

navigation = st.navigation(PAGES)

with st.sidebar:
    st.caption("Active model")
    try:
        version = active_version()
    except ShortlistError as exc:
        st.error(f"No model can be loaded: {md_escape(str(exc))}")
    else:
        held_out = version.held_out
        st.markdown(f"**{md_escape(version.version)}**" + (" (bundled)" if version.bundled else ""))
        st.caption(f"Trained {version.created_at[:10] or 'unknown'}")
        if held_out.get("roc_auc") is not None:
            col1, col2 = st.columns(2)
            col1.metric("ROC-AUC", f"{held_out['roc_auc']:.3f}")
            col2.metric("Avg. precision", f"{held_out['average_precision']:.3f}")
            st.caption(
                "On the held-out split of its training data (synthetic); see the README for real resumes."
            )
        st.caption(f"Device: {device().upper()}")

navigation.run()
