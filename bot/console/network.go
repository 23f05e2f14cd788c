package console

import (
	"context"
	"errors"

	"github.com/lapkin-id/lapkin/chat"
)

// Net is the console's network id (chat.Network.ID), in ChatRefs and in the store.
const Net = "console"

// Network is the console as cmd/lapkin's table of networks lists it: the network of `lapkin demo`
// and of the conversation tests, which `lapkin run` never serves.
type Network struct{}

var _ chat.Network = Network{}

// ID is "console".
func (Network) ID() string { return Net }

// Section is none: the console has no settings.
func (Network) Section() string { return "" }

// Capabilities: a terminal shows any length and no button; people type commands with or without
// their slash, and are named by their NIP.
func (Network) Capabilities() chat.Capabilities {
	return chat.Capabilities{Identity: chat.IdentityUserID, Photos: true, Documents: true}
}

// Configure returns a setup that `lapkin run` never opens.
func (Network) Configure(chat.Section) (chat.Setup, error) { return setup{}, nil }

// setup is the console's (empty) configuration.
type setup struct{}

// Enabled is false: the console serves `lapkin demo`, which builds it itself.
func (setup) Enabled() bool { return false }

// Open refuses: the console needs the demo's terminal.
func (setup) Open(context.Context, chat.Env) (chat.Transport, chat.Receiver, error) {
	return nil, nil, errors.New("console: the console is served by `lapkin demo`, not `lapkin run`")
}
