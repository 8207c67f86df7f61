// Package telegram is the receive side of reglament's Telegram bot: people
// link their chat with a one-time code (/start CODE), then ask /today for
// their live checklist. Sending goes through notify.Telegram; this package
// reads updates (getUpdates) and decides what to answer.
package telegram

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"reglament/internal/domain"
	"reglament/internal/store"
)

// CodeTTL is how long a link code works.
const CodeTTL = 24 * time.Hour

// codeAlphabet leaves out the characters people confuse when they type a
// code they read (0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// codeLength gives 31^8 ≈ 8.5·10^11 codes: guessing one of the few live
// codes within a day over the Bot API's rate limits is hopeless.
const codeLength = 8

// NewCode returns a random link code.
func NewCode() (string, error) {
	var b [codeLength]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("telegram: link code: %w", err)
	}
	out := make([]byte, codeLength)
	for i, x := range b {
		// 256 % 31 = 8: the first eight letters are a little more likely,
		// which costs under a bit of the 39.6 bits.
		out[i] = codeAlphabet[int(x)%len(codeAlphabet)]
	}
	return string(out), nil
}

// HashCode is the stored form of a code: the hex SHA-256 of the code as
// typed, upper-cased, with spaces and dashes dropped.
func HashCode(code string) string {
	norm := strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' || r == '\t' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte(norm))
	return hex.EncodeToString(sum[:])
}

// CreateLinkCode makes a code for p, checking that p is a manager or a head
// of the workspace, stores its hash and returns the code and when it
// expires. Only the newest code of a person works.
func CreateLinkCode(ctx context.Context, s *store.Store, p store.TelegramPerson, now time.Time) (code string, expires time.Time, err error) {
	ws, err := s.FindWorkspace(ctx, p.Workspace)
	if err != nil {
		return "", time.Time{}, err
	}
	if _, ok := personName(ws, p); !ok {
		return "", time.Time{}, domain.Errorf(domain.ENOTFOUND, "workspace %q has no %s", ws.ID, p)
	}
	if code, err = NewCode(); err != nil {
		return "", time.Time{}, err
	}
	expires = now.Add(CodeTTL)
	if err := s.CreateLinkCode(ctx, p, HashCode(code), now, expires); err != nil {
		return "", time.Time{}, err
	}
	return code, expires, nil
}

// personName returns the display name of p in ws, and whether p is still
// listed there.
func personName(ws *domain.Workspace, p store.TelegramPerson) (string, bool) {
	switch p.Role {
	case store.RoleManager:
		if m, ok := ws.Manager(p.Person); ok {
			return m.Name, true
		}
	case store.RoleHead:
		for _, h := range ws.Notifications.Heads {
			if h.Name == p.Person {
				return h.Name, true
			}
		}
	}
	return "", false
}

// LinkedChat adapts the store to delivery.Router.LinkedChat: the chat a
// person linked, or "" when none.
func LinkedChat(s *store.Store) func(ctx context.Context, workspace, role, person string) (string, error) {
	return func(ctx context.Context, workspace, role, person string) (string, error) {
		chat, err := s.FindTelegramChat(ctx, store.TelegramPerson{Workspace: workspace, Role: role, Person: person})
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			return "", nil
		}
		return chat, err
	}
}
