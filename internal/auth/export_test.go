package auth

// Derivations is the number of argon2id derivations made so far.
func Derivations() uint64 { return derivations.Load() }
