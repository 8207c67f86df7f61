package hubspottest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"time"
)

// WebhookEvent is one event of a webhook call, as HubSpot's webhooks API
// sends it: a JSON array of these, up to 100 a call.
type WebhookEvent struct {
	EventID          int64  `json:"eventId"`
	SubscriptionID   int64  `json:"subscriptionId"`
	PortalID         int64  `json:"portalId"`
	AppID            int64  `json:"appId"`
	OccurredAt       int64  `json:"occurredAt"` // Unix milliseconds
	SubscriptionType string `json:"subscriptionType"`
	AttemptNumber    int    `json:"attemptNumber"`
	ObjectID         int64  `json:"objectId"`
	PropertyName     string `json:"propertyName,omitempty"`
	PropertyValue    string `json:"propertyValue,omitempty"`
	ChangeSource     string `json:"changeSource,omitempty"`
}

// Event returns the event of subscriptionType (deal.creation,
// deal.propertyChange, deal.deletion, company.creation…) for object id,
// occurring at.
func Event(subscriptionType string, id int64, at time.Time) WebhookEvent {
	return WebhookEvent{EventID: at.UnixNano(), SubscriptionID: 9, PortalID: 62515, AppID: 54321,
		OccurredAt: at.UnixMilli(), SubscriptionType: subscriptionType, ObjectID: id, ChangeSource: "CRM"}
}

// WebhookRequest returns the POST HubSpot sends to uri with events, signed
// as its "Validating requests" page says: X-HubSpot-Signature-v3 is the
// base64 HMAC-SHA256, keyed by the app's client secret, of the method, the
// URI, the body and X-HubSpot-Request-Timestamp (Unix milliseconds of
// sentAt). The body is rebuilt for every send, so a test can replay the
// request.
func WebhookRequest(uri, clientSecret string, events []WebhookEvent, sentAt time.Time) (*http.Request, error) {
	body, err := json.Marshal(events)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, uri, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	ts := strconv.FormatInt(sentAt.UnixMilli(), 10)
	mac := hmac.New(sha256.New, []byte(clientSecret))
	mac.Write([]byte(http.MethodPost + uri + string(body) + ts))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "HubSpot Connect 2.0 (http://dev.hubspot.com/)")
	req.Header.Set("X-HubSpot-Request-Timestamp", ts)
	req.Header.Set("X-HubSpot-Signature-v3", base64.StdEncoding.EncodeToString(mac.Sum(nil)))
	req.Header.Set("X-HubSpot-Signature-Version", "v3")
	return req, nil
}
