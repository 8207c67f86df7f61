// Command reglament reads a sales team's CRM every working day, freezes the
// control table at the deadline, scores each manager by the regulation and
// turns points into a bonus or a fine. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"
	_ "time/tzdata" // workspace timezones resolve even where the OS has no zoneinfo

	"reglament/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	m := &cli.Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Now: time.Now}
	code := m.Run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}
