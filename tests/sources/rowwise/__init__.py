"""The LiteLLM and OpenRouter parsers as they were row by row (commit a4b32c0), unchanged but
for their imports: the reference the column-wise parsers in sources/ must equal exactly,
frames and errors alike (tests/sources/test_columnwise_parsers.py)."""
