-- Background jobs of the Gearman job server, one row per job, as gearmand's queue plugins keep them.
-- job_sequence orders the replay (FIFO per priority); when_to_run is seconds since the epoch, 0 = at once.
-- No index on job_sequence: replay sorts once at startup, while every insert would pay for the index.
-- Keys are VARBINARY: unique ids are case- and trailing-space-sensitive, which text collations are not.
CREATE TABLE gearman_queue (
    unique_key    VARBINARY(256)  NOT NULL,
    function_name VARBINARY(1020) NOT NULL,
    priority      INTEGER         NOT NULL,
    data          LONGBLOB        NOT NULL,
    when_to_run   BIGINT          NOT NULL DEFAULT 0,
    job_sequence  BIGINT          NOT NULL,
    created_at    DATETIME(3)     NOT NULL,
    CONSTRAINT gearman_queue_pk PRIMARY KEY (function_name, unique_key)
) ENGINE = InnoDB;
