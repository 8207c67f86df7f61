package domain

import "slices"

// The CRMs added after amoCRM and Bitrix24 (workspace.go names those two).
const (
	CRMHubSpot   = "hubspot"
	CRMPipedrive = "pipedrive"
)

// CRMKinds lists every CRM a workspace can connect to, in the order
// messages name them.
var CRMKinds = []string{CRMAmoCRM, CRMBitrix24, CRMHubSpot, CRMPipedrive}

// KnownCRM reports whether kind is a CRM a workspace can connect to.
func KnownCRM(kind string) bool { return slices.Contains(CRMKinds, kind) }
