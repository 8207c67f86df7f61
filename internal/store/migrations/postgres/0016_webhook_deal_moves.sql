-- A webhook that reports a deal changed (amoCRM's lead status change,
-- Bitrix24's ONCRMDEALUPDATE) also queues the deal's stage moves for the
-- re-fetch: webhook_changes.kind takes 'deal_move', whose external_id is
-- the deal's.

ALTER TABLE webhook_changes DROP CONSTRAINT webhook_changes_kind_check;
ALTER TABLE webhook_changes ADD CONSTRAINT webhook_changes_kind_check
	CHECK (kind IN ('company', 'deal', 'task', 'activity', 'deal_move'));
