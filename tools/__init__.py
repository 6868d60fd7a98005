"""Developer tools: building the starter corpora and sample PDFs (need the dev extra)."""
