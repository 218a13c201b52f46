-- An application's own first migration, run by its own Flyway (history in flyway_schema_history), beside the store.
CREATE TABLE app_order (
    id   BIGINT       NOT NULL PRIMARY KEY,
    item VARCHAR(100) NOT NULL
);
