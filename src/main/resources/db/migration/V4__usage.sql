-- Per-app traffic per minute (requests admitted or refused, and 429s), for the usage chart and API.
-- Each node adds its counts every few seconds; the sum is the cluster's.
CREATE TABLE app_usage (
    client_id    VARCHAR(64) NOT NULL,
    minute_start TIMESTAMP WITH TIME ZONE NOT NULL,
    requests     BIGINT NOT NULL,
    rejected     BIGINT NOT NULL,
    PRIMARY KEY (client_id, minute_start)
);
