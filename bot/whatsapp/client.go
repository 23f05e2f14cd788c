package whatsapp

import (
	"context"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
)

// waClient is the part of *whatsmeow.Client the adapter uses to send and to fetch media. It is
// small so that tests drive the adapter with a fake: whatsmeow has no fake server, and its
// handshake checks WhatsApp's own certificate.
type waClient interface {
	SendMessage(ctx context.Context, to types.JID, message *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error)
	Upload(ctx context.Context, plaintext []byte, appInfo whatsmeow.MediaType) (whatsmeow.UploadResponse, error)
	Download(ctx context.Context, msg whatsmeow.DownloadableMessage) ([]byte, error)
	MarkRead(ctx context.Context, ids []types.MessageID, timestamp time.Time, chat, sender types.JID, receiptTypeExtra ...types.ReceiptType) error
	GenerateMessageID() types.MessageID
	IsConnected() bool
	IsLoggedIn() bool
}

// connector is the connection half of *whatsmeow.Client, used only by the thin layer that
// connects and reconnects (Receive).
type connector interface {
	ConnectContext(ctx context.Context) error
	Disconnect()
	IsConnected() bool
}

var (
	_ waClient  = (*whatsmeow.Client)(nil)
	_ connector = (*whatsmeow.Client)(nil)
)
