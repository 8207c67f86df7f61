package domain

import "unicode/utf8"

// What a person writes, bounded (issue 14): a 900 KB reason was stored and
// shown on every page that lists it.
const (
	// MaxNameRunes bounds a name or who did something (an author, --by).
	MaxNameRunes = 200
	// MaxTextRunes bounds a reason and other free text.
	MaxTextRunes = 1000
)

// Runes is the length of s in characters, as limits count it.
func Runes(s string) int { return utf8.RuneCountInString(s) }
