-- The record tables keep no foreign key to workspaces. PostgreSQL checks a
-- foreign key with a trigger per inserted row: for an import of 100,000
-- activities that was 0.6 s of about 1.5 s (measured with INSERT … SELECT
-- into the same table with and without the key). Every write of records
-- checks the workspace once instead, in its own transaction
-- (store.requireWorkspace), and no code deletes a workspace.
ALTER TABLE companies DROP CONSTRAINT companies_workspace_fkey;
ALTER TABLE deals DROP CONSTRAINT deals_workspace_fkey;
ALTER TABLE tasks DROP CONSTRAINT tasks_workspace_fkey;
ALTER TABLE activities DROP CONSTRAINT activities_workspace_fkey;
