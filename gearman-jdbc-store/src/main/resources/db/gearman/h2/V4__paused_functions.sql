-- Functions an operator paused (admin 'pause function', the dashboard): they take and store jobs but hand none out,
-- and stay paused across a restart. One row per paused function; resuming deletes it.
CREATE TABLE gearman_paused_function (
    function_name VARCHAR(255) NOT NULL,
    paused_millis BIGINT       NOT NULL,
    CONSTRAINT gearman_paused_function_pk PRIMARY KEY (function_name)
);
