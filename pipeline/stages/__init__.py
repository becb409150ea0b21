"""The page stages: pure functions over one fetched page (discover, extract, relevance, dedupe)."""
