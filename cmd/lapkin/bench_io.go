package main

import (
	"context"
	"errors"
)

func benchSQLite(ctx context.Context, env *benchEnv, dir string, n int) error {
	return errors.New("todo")
}
func (env *benchEnv) busy(ctx context.Context, during string, n int) error { return errors.New("todo") }
func (env *benchEnv) export(ctx context.Context, out string) error         { return errors.New("todo") }
func (env *benchEnv) inbound(ctx context.Context, senders, n int, rate float64) error {
	return errors.New("todo")
}
