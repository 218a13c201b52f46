-- An application's own first migration, in Spring Boot's default Flyway location, beside the job store's.
CREATE TABLE app_order (
    id   BIGINT       NOT NULL PRIMARY KEY,
    item VARCHAR(100) NOT NULL
);
