-- The workspace's telephone exchange (DESIGN.md section 12, issue 16): at
-- most one, Mango Office or Zadarma. Its API key and secret are stored
-- sealed (AES-256-GCM) by the caller with the operator's secret key: this
-- table only ever holds ciphertext. Its call log's cursor is a row of
-- sync_cursors (source = kind, kind = pbx_call).

CREATE TABLE pbx_connections (
	workspace    TEXT PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
	kind         TEXT NOT NULL CHECK (kind IN ('mango', 'zadarma')),
	base_url     TEXT NOT NULL,
	sealed       BLOB NOT NULL,
	connected_at INTEGER NOT NULL,
	connected_by TEXT NOT NULL
) STRICT;
