// Command holdspace runs Holdspace. With no arguments it is the embedded default: SQLite in
// ./data, an in-process Redis-compatible server, the web server, the worker and the scheduler
// in one process, with demo data. `holdspace help` lists the production commands.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "holdspace:", err)
		os.Exit(1)
	}
}
