-- Several servers may share this database (issue 19). Each row belongs to the server that accepted the job, or to
-- the one that took it over when that server stopped; NULL = nobody's yet (rows made before this version, or
-- released by a server that shut down), taken by the next server that looks.
ALTER TABLE gearman_queue ADD COLUMN owner VARCHAR(32);
-- The handle the job's clients know: a job taken over keeps it, and a submission of the same function and unique
-- id to another server is answered with it.
ALTER TABLE gearman_queue ADD COLUMN job_handle VARCHAR(255);
-- Takeover reads one server's rows in sequence order (each insert pays for this index: takeover must not read the
-- whole queue once per dead server and batch).
CREATE INDEX gearman_queue_owner ON gearman_queue (owner, job_sequence);

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
