package main

import (
	"context"
	"errors"
)

func runVerify(ctx context.Context, args []string) error {
	return errors.New("not built yet")
}
