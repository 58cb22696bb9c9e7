"""Given/expect: the model-identity match rate per feed shown by `infercast status`."""

import duckdb

from warehouse.migrate import apply_migrations
from warehouse.sqlfiles import read_sql


def test_match_rate_counts_identifiers_another_feed_knows():
    con = duckdb.connect()
    apply_migrations(con)
    con.execute(
        "insert into staging.models (source, model_id, model_name, organization, provenance, batch_id) values "
        "('epoch_notable_models', 'gpt-4o', 'GPT-4o', 'OpenAI', 'p', 'b'), "
        "('litellm', 'gpt-4o', 'gpt-4o', '', 'p', 'b'), "
        "('litellm', 'obscure-model', 'obscure-model', '', 'p', 'b')"
    ).fetchall()
    con.execute(
        "insert into staging.model_aliases (feed, alias, model_id, match_method, provenance, batch_id) values "
        "('litellm', 'openai/gpt-4o-2024-08-06', 'gpt-4o', 'normalized', 'p', 'b'), "
        "('litellm', 'azure/gpt-4o', 'gpt-4o', 'normalized', 'p', 'b'), "
        "('litellm', 'obscure-model', 'obscure-model', 'exact', 'p', 'b'), "
        "('epoch_models', 'GPT-4o', 'gpt-4o', 'normalized', 'p', 'b')"
    ).fetchall()
    rows = con.sql(read_sql("identity_match_rate")).fetchall()
    assert rows == [("epoch_models", 1, 1, 1.0, 0), ("litellm", 3, 2, 0.667, 1)]
