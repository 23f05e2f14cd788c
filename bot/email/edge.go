package email

// Every reference to the edge package chat is in this file: the adapter imports nothing else of
// Lapkin's (docs/networks.md).

import (
	"github.com/lapkin-id/lapkin/chat"
)

// NetEmail is the network e-mail chats belong to: a ChatRef{Net: NetEmail, ID: "budi@bekasikota.go.id"}
// names a person by their lower-cased address.
const NetEmail = "email"

type (
	inbound   = chat.Message
	reply     = chat.Reply
	chatRef   = chat.ChatRef
	photo     = chat.Photo
	failure   = chat.Failure
	submitFn  = chat.Submit
	clock     = chat.Clock
	limits    = chat.Limits
	window    = chat.Window
	health    = chat.Health
	sendError = chat.Error
	contact   = chat.Contact
	// duration is a section's duration string ("1m", "90s").
	duration = chat.Duration
	// returnedMsg is a bounce's news of a mail of Lapkin's that never arrived.
	returnedMsg = chat.Returned
)

// The delivery codes, failure kinds, priorities and states this adapter reports.
const (
	codeUnreachable = chat.Unreachable
	codeRetryLater  = chat.RetryLater
	codeRejected    = chat.Rejected
	scopeNetwork    = chat.ScopeNetwork

	failDecode  = chat.FailDecode
	failHandler = chat.FailHandler

	mediaDocument = chat.MediaDocument
	mediaVideo    = chat.MediaVideo
	mediaAudio    = chat.MediaAudio

	priorityReply    = chat.PriorityReply
	priorityStranger = chat.PriorityStranger

	stateConnected    = chat.StateConnected
	stateConnecting   = chat.StateConnecting
	stateDisconnected = chat.StateDisconnected
)

// errTooBig is what a photo's Fetch would return; the adapter never sets Fetch (a mail's bytes
// come whole), but an image over the limit is passed with nil Data and its Size, as chat.Photo says.
var errTooBig = chat.ErrTooBig

func systemClock() clock { return chat.SystemClock{} }

// The capabilities the two halves implement, checked at compile time.
var (
	_ chat.Transport      = (*Transport)(nil)
	_ chat.Limiter        = (*Transport)(nil)
	_ chat.HealthReporter = (*Transport)(nil)
	_ chat.MessageIDs     = (*Transport)(nil)
	_ chat.Receiver       = (*Receiver)(nil)
)
