-- A pooled (shrunk) decline rate is not a regression of its own, so it has no R²: null, not NaN
-- (NaN compares unequal to itself and breaks exports' round trips).
alter table forecast.decline_rates alter column r_squared drop not null;
comment on column forecast.decline_rates.r_squared is 'R² of the log-price regression (unitless, 0..1); null for method step_decline_pooled, whose rates are shrunk toward the common rate and are no regression of their own.';
