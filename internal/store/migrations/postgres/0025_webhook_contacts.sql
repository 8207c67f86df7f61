-- Webhooks queue contact changes too (issue 16): amoCRM's contacts[…],
-- Bitrix24's ONCRMCONTACT…, HubSpot's contact.* and Pipedrive's person
-- events re-fetch the contact by id. webhook_changes.kind takes 'contact'.

ALTER TABLE webhook_changes DROP CONSTRAINT webhook_changes_kind_check;
ALTER TABLE webhook_changes ADD CONSTRAINT webhook_changes_kind_check
	CHECK (kind IN ('company', 'contact', 'deal', 'task', 'activity', 'deal_move'));
