package database

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
)

// Lists are kept in one TEXT column as a JSON array: read and written whole, never queried
// inside. A list type implements driver.Valuer and sql.Scanner with JSONValue and ScanJSON.

// JSONValue is the column value of a list.
func JSONValue[T any](l []T) (driver.Value, error) {
	if l == nil {
		return "[]", nil
	}
	b, err := json.Marshal(l)
	return string(b), err
}

// ScanJSON reads a list from its column.
func ScanJSON[T any](src any, dst *[]T) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*dst = nil
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("list column: cannot scan %T", src)
	}
	if len(b) == 0 {
		*dst = nil
		return nil
	}
	return json.Unmarshal(b, dst)
}

// StringList is a list of strings (counties, languages).
type StringList []string

// Value implements driver.Valuer.
func (l StringList) Value() (driver.Value, error) { return JSONValue(l) }

// Scan implements sql.Scanner.
//
// Every tenant page reads the tenant's counties (a hundred, in a state's tenant): the usual
// column, an array of plain strings, is split here without encoding/json's reflection;
// anything else (an escape, a byte outside printable ASCII, spaces) goes to ScanJSON.
// TestStringListScanIsJSON holds the two to the same lists and the same refusals.
func (l *StringList) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v) // a copy: the driver may reuse v
	}
	if list, ok := plainStrings(s); ok {
		*l = list
		return nil
	}
	return ScanJSON(src, (*[]string)(l))
}

// plainStrings splits s when it is exactly a JSON array of strings of printable ASCII without
// escapes, written as json.Marshal writes one (no spaces); ok is false for anything else. The
// strings are parts of s (a string: nothing of the driver's buffers is kept).
func plainStrings(s string) (list []string, ok bool) {
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, false
	}
	if len(s) == 2 {
		return []string{}, true
	}
	n := 0
	for i := 1; i < len(s)-1; i++ {
		if s[i] == ',' {
			n++
		}
	}
	list = make([]string, 0, n+1)
	i := 1
	for {
		if s[i] != '"' {
			return nil, false
		}
		j := i + 1
		for j < len(s) && s[j] != '"' {
			if c := s[j]; c < 0x20 || c > 0x7e || c == '\\' {
				return nil, false
			}
			j++
		}
		if j >= len(s)-1 {
			return nil, false
		}
		list = append(list, s[i+1:j])
		switch s[j+1] {
		case ',':
			i = j + 2
		case ']':
			if j+2 != len(s) {
				return nil, false
			}
			return list, true
		default:
			return nil, false
		}
		if i >= len(s)-1 {
			return nil, false
		}
	}
}

// Has reports whether the list holds s.
func (l StringList) Has(s string) bool {
	for _, v := range l {
		if v == s {
			return true
		}
	}
	return false
}

// Counts is a small map of counts kept as a JSON object in one TEXT column (participants of a
// session by role). Read and written whole, never queried inside.
type Counts map[string]int

// Value implements driver.Valuer.
func (c Counts) Value() (driver.Value, error) {
	if c == nil {
		return "{}", nil
	}
	b, err := json.Marshal(map[string]int(c))
	return string(b), err
}

// Scan implements sql.Scanner.
func (c *Counts) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*c = nil
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("counts column: cannot scan %T", src)
	}
	if len(b) == 0 {
		*c = nil
		return nil
	}
	m := map[string]int{}
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*c = m
	return nil
}

// Total is the sum of the counts.
func (c Counts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}
