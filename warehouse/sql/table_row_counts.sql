-- Every table of the warehouse with its row count estimate and comment.
select
    schema_name as schema,
    table_name as "table",
    estimated_size as rows,
    comment
from duckdb_tables()
where database_name = current_database()
order by schema_name, table_name
