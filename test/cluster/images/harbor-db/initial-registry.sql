-- The database Harbor core keeps its tables in, with the (empty) table its schema migrations
-- start from; as Harbor's harbor-db image creates them on first start.
CREATE DATABASE registry ENCODING 'UTF8';
\connect registry
CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);
