-- The resource server keeps its own database (CONTRACT.md, RESOURCE_DATABASE_URL) beside the
-- auth server's. The postgres image runs this once, when it initialises an empty data volume.
CREATE DATABASE resource;
