package whatsapp

import (
	"context"
	"errors"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
)

// fakeClient stands in for *whatsmeow.Client: it records what is sent and serves downloads.
type fakeClient struct {
	mu        sync.Mutex
	sent      []sentMsg
	uploads   int
	downloads int
	media     []byte
	sendErr   error
	dlErr     error
	ids       int
}

type sentMsg struct {
	to  types.JID
	msg *waE2E.Message
	id  types.MessageID
}

func (f *fakeClient) SendMessage(ctx context.Context, to types.JID, m *waE2E.Message, extra ...whatsmeow.SendRequestExtra) (whatsmeow.SendResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var id types.MessageID
	if len(extra) == 1 {
		id = extra[0].ID
	}
	if f.sendErr != nil {
		return whatsmeow.SendResponse{}, f.sendErr
	}
	f.sent = append(f.sent, sentMsg{to: to, msg: m, id: id})
	return whatsmeow.SendResponse{ID: id, Timestamp: time.Now()}, nil
}

func (f *fakeClient) Upload(ctx context.Context, b []byte, t whatsmeow.MediaType) (whatsmeow.UploadResponse, error) {
	f.mu.Lock()
	f.uploads++
	f.mu.Unlock()
	return whatsmeow.UploadResponse{URL: "https://mmg.whatsapp.net/x", DirectPath: "/x", MediaKey: []byte{1}, FileEncSHA256: []byte{2}, FileSHA256: []byte{3}, FileLength: uint64(len(b))}, nil
}

func (f *fakeClient) Download(ctx context.Context, msg whatsmeow.DownloadableMessage) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.downloads++
	if f.dlErr != nil {
		return nil, f.dlErr
	}
	return f.media, nil
}

func (f *fakeClient) MarkRead(ctx context.Context, ids []types.MessageID, ts time.Time, chat, sender types.JID, extra ...types.ReceiptType) error {
	return nil
}

func (f *fakeClient) GenerateMessageID() types.MessageID {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ids++
	return types.MessageID("3EB0FAKE" + string(rune('A'+f.ids)))
}

func (f *fakeClient) IsConnected() bool { return true }
func (f *fakeClient) IsLoggedIn() bool  { return true }

func (f *fakeClient) sends() []sentMsg {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]sentMsg(nil), f.sent...)
}

var errBoom = errors.New("boom")
