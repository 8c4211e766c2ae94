package main

import (
	"context"
	"errors"
)

func runKey(ctx context.Context, args []string) error {
	return errors.New("not built yet")
}
