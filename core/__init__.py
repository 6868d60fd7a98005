"""Shortlist core: screening, training, generation and data logic. Never imports streamlit."""
