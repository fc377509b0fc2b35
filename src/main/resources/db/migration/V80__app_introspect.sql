-- SPEC §11 v2 introspection: an app an admin marked as a resource server may introspect every token;
-- any other app learns only about its own tokens.
ALTER TABLE apps ADD COLUMN introspect BOOLEAN DEFAULT FALSE NOT NULL;
