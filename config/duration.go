package config

import "github.com/lapkin-id/lapkin/chat"

// Duration is a time.Duration written in the config as a Go duration string ("3s", "500ms",
// "1m30s"): the one type of the edge package, which the networks' sections use too.
type Duration = chat.Duration
