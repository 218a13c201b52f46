-- Retries (issue 17): a job waiting to be retried keeps its row, with the attempts that failed and why the last one
-- did; when_to_run then holds when its next attempt is due. Error texts are UTF-8 whatever the server's default.
ALTER TABLE gearman_queue
    ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN last_error VARCHAR(4096) CHARACTER SET utf8mb4 NULL;

-- Background jobs that used up their attempts, moved here from gearman_queue in the transaction that deletes their
-- row. Times are epoch milliseconds, like when_to_run's seconds: the same on every database and time zone. Keys
-- are VARBINARY as in gearman_queue: unique ids are case- and trailing-space-sensitive.
CREATE TABLE gearman_dead_letter (
    id                   BIGINT          NOT NULL AUTO_INCREMENT,
    function_name        VARBINARY(1020) NOT NULL,
    unique_key           VARBINARY(256)  NOT NULL,
    priority             INTEGER         NOT NULL,
    data                 LONGBLOB        NOT NULL,
    attempts             INTEGER         NOT NULL,
    first_attempt_millis BIGINT          NOT NULL,
    died_millis          BIGINT          NOT NULL,
    last_error           VARCHAR(4096) CHARACTER SET utf8mb4 NOT NULL,
    worker               VARCHAR(255) CHARACTER SET utf8mb4 NOT NULL,
    CONSTRAINT gearman_dead_letter_pk PRIMARY KEY (id),
    INDEX gearman_dead_letter_function (function_name, id),
    INDEX gearman_dead_letter_died (died_millis)
) ENGINE = InnoDB;

-- What happened to background jobs (gearman.server.history.enabled), one row per event, kept for the retention.
CREATE TABLE gearman_job_history (
    id            BIGINT          NOT NULL AUTO_INCREMENT,
    job_handle    VARBINARY(1020) NOT NULL,
    function_name VARBINARY(1020) NOT NULL,
    unique_key    VARBINARY(256)  NOT NULL,
    event         VARCHAR(16)     NOT NULL,
    attempt       INTEGER         NOT NULL,
    at_millis     BIGINT          NOT NULL,
    detail        VARCHAR(4096) CHARACTER SET utf8mb4 NULL,
    worker        VARCHAR(255) CHARACTER SET utf8mb4 NULL,
    result_size   BIGINT          NOT NULL,
    result        LONGBLOB        NULL,
    CONSTRAINT gearman_job_history_pk PRIMARY KEY (id),
    INDEX gearman_job_history_handle (job_handle),
    INDEX gearman_job_history_unique (unique_key),
    INDEX gearman_job_history_at (at_millis)
) ENGINE = InnoDB;
