package main

import (
	"context"
	"errors"
)

func runCheckpoint(ctx context.Context, args []string) error {
	return errors.New("not built yet")
}
