package telegramtest

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// AddFile makes fileID a known file with data: getFile answers it with file_path
// "photos/<fileID>.jpg", and the bytes are served at URL()+"/file/bot<token>/photos/<fileID>.jpg".
func (s *Server) AddFile(fileID string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.files[fileID] = slices.Clone(data)
}

func filePath(fileID string) string { return "photos/" + fileID + ".jpg" }

func (s *Server) getFile(_ context.Context, p url.Values, _ map[string][]byte) (any, *apiError) {
	id := p.Get("file_id")
	s.mu.Lock()
	defer s.mu.Unlock()
	data, ok := s.files[id]
	if !ok {
		return nil, badRequest("invalid file_id")
	}
	return tgbotapi.File{FileID: id, FileUniqueID: "u" + id, FileSize: len(data), FilePath: filePath(id)}, nil
}

// serveFile answers a download, rest being "<token>/<file_path>".
func (s *Server) serveFile(w http.ResponseWriter, rest string) {
	token, path, _ := strings.Cut(rest, "/")
	if token != s.token {
		writeJSON(w, nil, &apiError{code: http.StatusUnauthorized, description: "Unauthorized"})
		return
	}
	id, ok := strings.CutPrefix(path, "photos/")
	id, ok2 := strings.CutSuffix(id, ".jpg")
	s.mu.Lock()
	data, known := s.files[id]
	s.mu.Unlock()
	if !ok || !ok2 || !known {
		writeJSON(w, nil, &apiError{code: http.StatusNotFound, description: "Not Found"})
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Write(data)
}
