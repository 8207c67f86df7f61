package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Update is the part of a Bot API Update the bot reads: private text
// messages.
type Update struct {
	UpdateID int64    `json:"update_id"`
	Message  *Message `json:"message,omitempty"`
}

// Message is the part of a Bot API Message the bot reads.
type Message struct {
	MessageID int64  `json:"message_id"`
	From      *User  `json:"from,omitempty"`
	Chat      Chat   `json:"chat"`
	Text      string `json:"text,omitempty"`
}

// User is the sender of a message.
type User struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	LanguageCode string `json:"language_code,omitempty"`
}

// Chat is where a message came from.
type Chat struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
}

// Client reads the bot's updates with getUpdates long polling.
type Client struct {
	BaseURL string // https://api.telegram.org unless a test points elsewhere
	Token   string
	HTTP    *http.Client // its timeout must exceed the long-poll timeout
}

// BotID is the public part of the token (before the colon): it names the
// bot in the database without revealing the secret.
func (c *Client) BotID() string {
	id, _, _ := strings.Cut(c.Token, ":")
	return id
}

// ErrConflict is getUpdates' 409: another process is polling the same bot.
var ErrConflict = errors.New("telegram: getUpdates: another instance is polling this bot (409)")

// GetUpdates returns the updates from offset on, waiting up to timeout for
// one to arrive. Errors never name the URL, which carries the token.
func (c *Client) GetUpdates(ctx context.Context, offset int64, timeout time.Duration) ([]Update, error) {
	body, _ := json.Marshal(map[string]any{"offset": offset, "timeout": int(timeout / time.Second), "allowed_updates": []string{"message"}})
	base := c.BaseURL
	if base == "" {
		base = "https://api.telegram.org"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/bot"+c.Token+"/getUpdates", bytes.NewReader(body))
	if err != nil {
		return nil, errors.New("telegram: getUpdates: invalid bot API address")
	}
	req.Header.Set("Content-Type", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: timeout + 15*time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		reason := "network error"
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			reason = "timeout"
		} else if ctx.Err() != nil {
			reason = "canceled"
		}
		return nil, fmt.Errorf("telegram: getUpdates: %s", reason)
	}
	defer resp.Body.Close()
	var reply struct {
		OK          bool     `json:"ok"`
		Result      []Update `json:"result"`
		ErrorCode   int      `json:"error_code"`
		Description string   `json:"description"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 8<<20)).Decode(&reply); err != nil {
		return nil, fmt.Errorf("telegram: getUpdates: HTTP %d with an unreadable body", resp.StatusCode)
	}
	switch {
	case reply.OK:
		return reply.Result, nil
	case resp.StatusCode == http.StatusConflict || reply.ErrorCode == 409:
		return nil, ErrConflict
	default:
		return nil, fmt.Errorf("telegram: getUpdates: HTTP %s: %s", strconv.Itoa(resp.StatusCode), reply.Description)
	}
}

// GetMe returns the bot's username (without the @), which t.me links name:
// https://t.me/<username>?start=<code> opens the chat with the code sent.
// Errors never name the URL, which carries the token.
func (c *Client) GetMe(ctx context.Context) (string, error) {
	base := c.BaseURL
	if base == "" {
		base = "https://api.telegram.org"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/bot"+c.Token+"/getMe", nil)
	if err != nil {
		return "", errors.New("telegram: getMe: invalid bot API address")
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 10 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", errors.New("telegram: getMe: network error")
	}
	defer resp.Body.Close()
	var reply struct {
		OK     bool `json:"ok"`
		Result struct {
			Username string `json:"username"`
		} `json:"result"`
		Description string `json:"description"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&reply); err != nil {
		return "", fmt.Errorf("telegram: getMe: HTTP %d with an unreadable body", resp.StatusCode)
	}
	if !reply.OK || reply.Result.Username == "" {
		return "", fmt.Errorf("telegram: getMe: HTTP %d: %s", resp.StatusCode, reply.Description)
	}
	return reply.Result.Username, nil
}
