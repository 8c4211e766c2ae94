package main

import (
	"context"
	"errors"
)

func runReplay(ctx context.Context, args []string) error {
	return errors.New("not built yet")
}
