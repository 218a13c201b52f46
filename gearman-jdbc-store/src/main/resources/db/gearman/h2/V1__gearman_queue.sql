-- Background jobs of the Gearman job server, one row per job, as gearmand's queue plugins keep them.
-- job_sequence orders the replay (FIFO per priority); when_to_run is seconds since the epoch, 0 = at once.
-- No index on job_sequence: replay sorts once at startup, while every insert would pay for the index.
CREATE TABLE gearman_queue (
    unique_key    VARCHAR(64)  NOT NULL,
    function_name VARCHAR(255) NOT NULL,
    priority      INTEGER      NOT NULL,
    data          VARBINARY    NOT NULL,
    when_to_run   BIGINT       NOT NULL DEFAULT 0,
    job_sequence  BIGINT       NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT gearman_queue_pk PRIMARY KEY (function_name, unique_key)
);
