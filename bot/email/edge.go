package email

// Every reference to package bot is in this file, so that the adapter can be re-pointed at the
// edge package (issue 23's network contract) by editing these lines alone.

import (
	"github.com/lapkin-id/lapkin/bot"
)

// NetEmail is the network e-mail chats belong to: a ChatRef{Net: NetEmail, ID: "budi@bekasikota.go.id"}
// names a person by their lower-cased address.
const NetEmail = "email"

type (
	inbound   = bot.Message
	reply     = bot.Reply
	chatRef   = bot.ChatRef
	photo     = bot.Photo
	failure   = bot.Failure
	submitFn  = bot.Submit
	clock     = bot.Clock
	limits    = bot.Limits
	window    = bot.Window
	health    = bot.Health
	sendError = bot.Error
)

// The delivery codes, failure kinds, priorities and states this adapter reports.
const (
	codeUnreachable = bot.Unreachable
	codeRetryLater  = bot.RetryLater
	codeRejected    = bot.Rejected
	scopeNetwork    = bot.ScopeNetwork

	failDecode  = bot.FailDecode
	failHandler = bot.FailHandler

	mediaDocument = bot.MediaDocument
	mediaVideo    = bot.MediaVideo
	mediaAudio    = bot.MediaAudio

	priorityReply    = bot.PriorityReply
	priorityStranger = bot.PriorityStranger

	stateConnected    = bot.StateConnected
	stateConnecting   = bot.StateConnecting
	stateDisconnected = bot.StateDisconnected
)

// errTooBig is what a photo's Fetch would return; the adapter never sets Fetch (a mail's bytes
// come whole), but an image over the limit is passed with nil Data and its Size, as bot.Photo says.
var errTooBig = bot.ErrTooBig

func systemClock() clock { return bot.SystemClock{} }

// The capabilities the two halves implement, checked at compile time.
var (
	_ bot.Transport      = (*Transport)(nil)
	_ bot.Limiter        = (*Transport)(nil)
	_ bot.HealthReporter = (*Transport)(nil)
	_ bot.Receiver       = (*Receiver)(nil)
)
