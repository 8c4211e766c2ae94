package rules

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"
)

// Rebuilding a production folds every event of its ledger, so the payloads of the
// frequent events are decoded by this small scanner instead of by reflection. It reads
// one flat JSON object (the payloads coldset itself wrote) and hands each field's raw
// value to the payload's decodeField; fields a payload does not fold are skipped.

// fieldDecoder is a payload that decodes without reflection.
type fieldDecoder interface {
	decodeField(key string, val []byte) error
}

var errPayload = errors.New("malformed payload")

// eachField calls fn for every field of the JSON object in data.
func eachField(data []byte, fn func(key string, val []byte) error) error {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '{' {
		return errPayload
	}
	i = skipSpace(data, i+1)
	if i < len(data) && data[i] == '}' {
		return nil
	}
	for {
		end := skipValue(data, i)
		if end < 0 || data[i] != '"' {
			return errPayload
		}
		key, err := jsonString(data[i:end])
		if err != nil {
			return err
		}
		i = skipSpace(data, end)
		if i >= len(data) || data[i] != ':' {
			return errPayload
		}
		i = skipSpace(data, i+1)
		end = skipValue(data, i)
		if end < 0 {
			return errPayload
		}
		if err := fn(key, data[i:end]); err != nil {
			return err
		}
		i = skipSpace(data, end)
		if i >= len(data) {
			return errPayload
		}
		switch data[i] {
		case ',':
			i = skipSpace(data, i+1)
		case '}':
			return nil
		default:
			return errPayload
		}
	}
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\n' || data[i] == '\t' || data[i] == '\r') {
		i++
	}
	return i
}

// skipValue returns the index just past the JSON value starting at i, or -1.
func skipValue(data []byte, i int) int {
	if i >= len(data) {
		return -1
	}
	switch data[i] {
	case '"':
		for j := i + 1; j < len(data); j++ {
			switch data[j] {
			case '\\':
				j++
			case '"':
				return j + 1
			}
		}
		return -1
	case '{', '[':
		depth := 0
		for j := i; j < len(data); j++ {
			switch data[j] {
			case '"':
				end := skipValue(data, j)
				if end < 0 {
					return -1
				}
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	}
	j := i
	for j < len(data) && data[j] != ',' && data[j] != '}' && data[j] != ']' && data[j] != ' ' && data[j] != '\n' {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// jsonString decodes a JSON string; without escapes it is a plain copy.
func jsonString(val []byte) (string, error) {
	if string(val) == "null" {
		return "", nil
	}
	if len(val) < 2 || val[0] != '"' || val[len(val)-1] != '"' {
		return "", errPayload
	}
	for _, c := range val[1 : len(val)-1] {
		if c == '\\' || c < 0x20 {
			var s string
			err := json.Unmarshal(val, &s)
			return s, err
		}
	}
	return string(val[1 : len(val)-1]), nil
}

func jsonInt(val []byte) (int, error) { return strconv.Atoi(string(val)) }

func jsonBool(val []byte) (bool, error) {
	switch string(val) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return false, errPayload
}

func jsonStrings(val []byte) ([]string, error) {
	if string(val) == "null" {
		return nil, nil
	}
	i := skipSpace(val, 0)
	if i >= len(val) || val[i] != '[' {
		return nil, errPayload
	}
	out := []string{}
	i = skipSpace(val, i+1)
	for i < len(val) && val[i] != ']' {
		end := skipValue(val, i)
		if end < 0 {
			return nil, errPayload
		}
		s, err := jsonString(val[i:end])
		if err != nil {
			return nil, err
		}
		out = append(out, s)
		i = skipSpace(val, end)
		if i < len(val) && val[i] == ',' {
			i = skipSpace(val, i+1)
		}
	}
	return out, nil
}

func jsonTime(val []byte) (time.Time, error) {
	s, err := jsonString(val)
	if err != nil {
		return time.Time{}, err
	}
	return time.Parse(time.RFC3339Nano, s)
}
