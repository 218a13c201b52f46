-- Several servers may share a PostgreSQL or MySQL/MariaDB database (issue 19); H2 stays with one server, and the
-- instances table lets a second one find the first and refuse to start. Rows keep the owner and handle columns of
-- the shared databases, so the store writes the same SQL everywhere.
ALTER TABLE gearman_queue ADD COLUMN owner VARCHAR(32);
-- The handle the job's clients know: a job taken over keeps it, and a submission of the same function and unique
-- id to another server is answered with it.
ALTER TABLE gearman_queue ADD COLUMN job_handle VARCHAR(255);

-- The servers sharing the database, with their heartbeats. Times are milliseconds since the epoch by the database's
-- clock, the one clock every server compares with. A server whose expires_ms has passed is dead: its lease ran
-- out (or it left, left_ms set), and the others take its rows over. instance_id is new each time a server joins.
CREATE TABLE gearman_instance (
    instance_id  VARCHAR(32)  NOT NULL,
    name         VARCHAR(255) NOT NULL,
    shared       BOOLEAN      NOT NULL,
    started_ms   BIGINT       NOT NULL,
    heartbeat_ms BIGINT       NOT NULL,
    expires_ms   BIGINT       NOT NULL,
    left_ms      BIGINT,
    stored_jobs  BIGINT       NOT NULL DEFAULT 0,
    CONSTRAINT gearman_instance_pk PRIMARY KEY (instance_id)
);
