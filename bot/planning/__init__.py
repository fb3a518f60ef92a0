"""What the archive's planning process runs: digests gathered from the archive, built and
rendered by compose. It sits above both, so the archive never renders."""
