-- Is every feed fresh: when did it last load good data, how recent is its newest observation, did its latest batch fail, and is it stale?
-- columns: feed, last_good_at, last_good_rows_loaded, last_batch_status, failed_batches, rows_quarantined, data_through, data_age_days, max_age_days, stale, stale_reason, stale_days
select
    feed,
    last_good_at,
    last_good_rows_loaded,
    last_batch_status,
    failed_batches,
    rows_quarantined,
    data_through,
    data_age_days,
    max_age_days,
    stale,
    stale_reason,
    stale_days
from marts.feed_status
order by stale desc, feed
