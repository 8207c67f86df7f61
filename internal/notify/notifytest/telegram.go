package notifytest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// Update is a Bot API Update carrying a private text message, as
// getUpdates returns it.
type Update struct {
	UpdateID int64    `json:"update_id"`
	Message  *Message `json:"message,omitempty"`
}

// Message is the part of a Bot API Message the bot reads.
type Message struct {
	MessageID int64  `json:"message_id"`
	From      User   `json:"from"`
	Chat      Chat   `json:"chat"`
	Date      int64  `json:"date"`
	Text      string `json:"text,omitempty"`
}

// User is a Bot API User.
type User struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LanguageCode string `json:"language_code,omitempty"`
}

// Chat is a Bot API Chat.
type Chat struct {
	ID   int64  `json:"id"`
	Type string `json:"type"`
}

// updateQueue is the fake's side of getUpdates: the updates not yet
// confirmed, the offsets pollers asked for, and whether a poll is running.
type updateQueue struct {
	next      int64
	pending   []Update
	offsets   []int64
	conflicts int
	polling   bool
	arrived   chan struct{}
}

// Incoming queues a private text message from chat (the user's id equals the
// chat id, as in a private chat) and returns its update_id.
func (f *Telegram) Incoming(chat int64, lang, text string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	q := &f.updates
	if q.next == 0 {
		q.next = 1000
	}
	q.next++
	q.pending = append(q.pending, Update{UpdateID: q.next, Message: &Message{
		MessageID: q.next, From: User{ID: chat, FirstName: "Test", LanguageCode: lang},
		Chat: Chat{ID: chat, Type: "private"}, Date: time.Date(2026, 11, 16, 14, 0, 0, 0, time.UTC).Unix(), Text: text}})
	if q.arrived != nil {
		close(q.arrived)
		q.arrived = nil
	}
	return q.next
}

// Offsets returns the offset of every getUpdates call, in order.
func (f *Telegram) Offsets() []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int64(nil), f.updates.offsets...)
}

// Conflicts returns how many getUpdates calls met another one running
// and got 409.
func (f *Telegram) Conflicts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.updates.conflicts
}

// Pending returns how many updates have not been confirmed by a later
// offset.
func (f *Telegram) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.updates.pending)
}

// getUpdates implements the Bot API method: parameters offset, limit and
// timeout as query or JSON body; an offset confirms (forgets) every update
// before it; a call while another is running gets 409 Conflict, as when two
// bot instances poll; a timeout waits for an update up to that many
// seconds.
func (f *Telegram) getUpdates(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	var p struct {
		Offset  int64 `json:"offset"`
		Limit   int   `json:"limit"`
		Timeout int   `json:"timeout"`
	}
	q := r.URL.Query()
	if r.Method == http.MethodPost && r.ContentLength != 0 {
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			w.Write([]byte(`{"ok":false,"error_code":400,"description":"Bad Request: can't parse JSON"}`))
			return
		}
	}
	if v := q.Get("offset"); v != "" {
		p.Offset, _ = strconv.ParseInt(v, 10, 64)
	}
	if v := q.Get("timeout"); v != "" {
		p.Timeout, _ = strconv.Atoi(v)
	}
	if v := q.Get("limit"); v != "" {
		p.Limit, _ = strconv.Atoi(v)
	}
	if p.Limit <= 0 || p.Limit > 100 {
		p.Limit = 100
	}

	f.mu.Lock()
	uq := &f.updates
	if uq.polling {
		uq.conflicts++
		f.mu.Unlock()
		w.WriteHeader(http.StatusConflict)
		w.Write([]byte(`{"ok":false,"error_code":409,"description":"Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}`))
		return
	}
	uq.polling = true
	uq.offsets = append(uq.offsets, p.Offset)
	deadline := time.Now().Add(time.Duration(p.Timeout) * time.Second)
	var result []Update
	for {
		kept := uq.pending[:0]
		for _, u := range uq.pending {
			if u.UpdateID >= p.Offset {
				kept = append(kept, u)
			}
		}
		uq.pending = kept
		if len(uq.pending) > 0 || p.Timeout <= 0 || !time.Now().Before(deadline) {
			result = append(result, uq.pending[:min(p.Limit, len(uq.pending))]...)
			break
		}
		if uq.arrived == nil {
			uq.arrived = make(chan struct{})
		}
		arrived := uq.arrived
		f.mu.Unlock()
		select {
		case <-arrived:
		case <-time.After(time.Until(deadline)):
		case <-r.Context().Done():
		}
		f.mu.Lock()
		if r.Context().Err() != nil {
			break
		}
	}
	uq.polling = false
	f.mu.Unlock()
	if result == nil {
		result = []Update{}
	}
	body, _ := json.Marshal(map[string]any{"ok": true, "result": result})
	fmt.Fprintf(w, "%s", body)
}
