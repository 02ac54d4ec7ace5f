-- dataward schema v11 (postgres): indexes for the client request path.
-- The client request path: the active linkage model is looked up on every match. Without an
-- index that is a scan of every model row, and on SQLite the `active` column sits after the
-- parameters (tens of kilobytes of overflow pages per row).
CREATE INDEX linkage_models_active ON linkage_models(active) WHERE active = 1;
