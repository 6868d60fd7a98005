"""Developer tools, never imported by the app: building the starter corpus and sample PDFs (need the dev extra),
and the fake OpenAI-compatible server that the tests and the generation benchmark run against."""
