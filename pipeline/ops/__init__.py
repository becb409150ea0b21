"""Operations: the crawl lock, source health and alerts."""
