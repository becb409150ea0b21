"""Storage: where records become rows (articles, stories, sources) and rows are re-derived."""
