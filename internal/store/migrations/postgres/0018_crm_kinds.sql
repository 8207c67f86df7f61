-- HubSpot and Pipedrive join amoCRM and Bitrix24 as CRMs a workspace can
-- connect to (issue 17).

ALTER TABLE crm_connections DROP CONSTRAINT crm_connections_kind_check;
ALTER TABLE crm_connections ADD CONSTRAINT crm_connections_kind_check
	CHECK (kind IN ('amocrm', 'bitrix24', 'hubspot', 'pipedrive'));
