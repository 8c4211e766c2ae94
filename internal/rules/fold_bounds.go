package rules

import "math"

// The decoder bounds every number an action carries, but a ledger keeps what was
// recorded before those bounds, or by a faulty writer, for good. The fold keeps its
// sums finite and within an int whatever an entry holds, so that no entry can make the
// state unreadable (a training total of +Inf has no JSON form).

// maxHoursOnRecord caps the training hours the state keeps for one person and type:
// beyond any requirement (maxHours), and finite.
const maxHoursOnRecord = 1_000_000

// addHours adds recorded hours to those on record, kept from 0 to maxHoursOnRecord.
func addHours(have, add float64) float64 {
	return clampHours(have + add)
}

func clampHours(h float64) float64 {
	switch {
	case math.IsNaN(h) || h < 0:
		return 0
	case h > maxHoursOnRecord:
		return maxHoursOnRecord
	}
	return h
}

// maxCountOnRecord caps one entry's round count as the fold reads it: the most the
// decoder ever took (a 32-bit whole number), so that adding up a lot's counts cannot
// wrap an int.
const maxCountOnRecord = math.MaxInt32

func foldCount(n int) int { return min(max(n, 0), maxCountOnRecord) }
