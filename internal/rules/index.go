package rules

import (
	"slices"
	"strconv"
	"strings"
)

// Indexes Apply keeps beside the maps, so that what the server reads on every request
// (the open concerns and incidents, the people in order, a page of closed concerns, a
// free id, a receipt's concern) costs what is open or asked for, never the history.
// They are derived from the events alone, like the rest of the State.

// indexConcern indexes a concern being filed. A concern filed again under an id already
// on file (which Decide never does) takes the old one's place.
func (s *State) indexConcern(c *concern) {
	if old := s.concerns[c.ID]; old != nil {
		c.seq = old.seq
		s.filed[c.seq] = c
		s.byReporter[old.Reporter] = removeSeq(s.byReporter[old.Reporter], old.seq, func(x *concern) int { return x.seq })
		if len(s.byReporter[old.Reporter]) == 0 {
			delete(s.byReporter, old.Reporter)
		}
		if s.byReceipt[old.ReceiptHash] == old {
			delete(s.byReceipt, old.ReceiptHash)
		}
	} else {
		c.seq = len(s.filed)
		s.filed = append(s.filed, c)
	}
	if c.Reporter != "" {
		s.byReporter[c.Reporter] = insertSeq(s.byReporter[c.Reporter], c, func(x *concern) int { return x.seq })
	}
	if c.ReceiptHash != "" {
		s.byReceipt[c.ReceiptHash] = c
	}
	s.noteID(c.ID)
}

// indexIncident indexes an incident being opened; like indexConcern, one opened again
// under an id on file takes the old one's place.
func (s *State) indexIncident(in *incident) {
	if old := s.incidents[in.ID]; old != nil {
		in.seq = old.seq
		s.opened[in.seq] = in
	} else {
		in.seq = len(s.opened)
		s.opened = append(s.opened, in)
	}
	s.openIncIDs = insertID(s.openIncIDs, in.ID)
	s.noteID(in.ID)
}

// noteID records the N of an id "prefix-N", for NextID.
func (s *State) noteID(id string) {
	i := strings.LastIndexByte(id, '-')
	if i < 0 || i == len(id)-1 || len(id)-i > 16 {
		return
	}
	for _, r := range id[i+1:] {
		if r < '0' || r > '9' {
			return
		}
	}
	n, err := strconv.Atoi(id[i+1:])
	if err == nil && n > s.idMax[id[:i]] {
		s.idMax[id[:i]] = n
	}
}

// insertID adds id to the sorted ids, once.
func insertID(ids []string, id string) []string {
	i, found := slices.BinarySearch(ids, id)
	if found {
		return ids
	}
	return slices.Insert(ids, i, id)
}

// removeID removes id from the sorted ids, if it is there.
func removeID(ids []string, id string) []string {
	if i, found := slices.BinarySearch(ids, id); found {
		return slices.Delete(ids, i, i+1)
	}
	return ids
}

// insertSeq adds x to a list kept in seq order.
func insertSeq[T any](list []T, x T, seq func(T) int) []T {
	i, _ := slices.BinarySearchFunc(list, seq(x), func(e T, n int) int { return seq(e) - n })
	return slices.Insert(list, i, x)
}

// removeSeq removes the element with this seq from a list kept in seq order.
func removeSeq[T any](list []T, n int, seq func(T) int) []T {
	if i, found := slices.BinarySearchFunc(list, n, func(e T, n int) int { return seq(e) - n }); found {
		return slices.Delete(list, i, i+1)
	}
	return list
}

// NextID returns prefix-N with N one more than that of any concern, incident or
// training request id "prefix-N": an id none of them has. Pages name what people file
// with it, so that nobody on set has to invent ids.
func (s *State) NextID(prefix string) string {
	return prefix + "-" + strconv.Itoa(s.idMax[prefix]+1)
}

// noteEntry adds the ledger index of e to a concern's entries, when e has one.
func noteEntry(entries []uint64, e Event) []uint64 {
	if e.Index == 0 {
		return entries
	}
	return append(entries, e.Index)
}

// ConcernEntries returns the ledger indexes of concern id's entries, oldest first: its
// filing, every acknowledgement, reply, resolution, dismissal and reopening, and its
// escalations. It costs the concern's own thread, however long the log, so a page can
// read the concern's words at any age. Only events applied with their Index are
// listed; the result is a copy.
func (s *State) ConcernEntries(id string) []uint64 {
	if c := s.concerns[id]; c != nil {
		return slices.Clone(c.entries)
	}
	return nil
}
