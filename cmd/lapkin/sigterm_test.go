package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/lapkin-id/lapkin/bot/telegram/telegramtest"
)

// SIGTERM to a real `lapkin run` process (what systemd and docker stop send) in the middle of a
// burst of reports: the process drains (the messages in hand commit, the offset is saved, the
// outbox gets its last chance) and exits 0, as a supervisor expects of a clean stop; after a
// restart every report is stored exactly once.
//
// The process is the test binary run as the lapkin command (TestMain, asMainEnv): building the
// binary here compiled every dependency once more in CI's race step, where cgo is on (80 s).
func TestSIGTERMExitsZeroAfterDrain(t *testing.T) {
	e := newTGEnv(t)
	conf := filepath.Join(t.TempDir(), "config.toml")
	os.WriteFile(conf, []byte(fmt.Sprintf("[app]\ndata_dir = %q\ndatabase = %q\n[telegram]\nenabled = true\napi_endpoint = %q\nsend_rate = 0\nsend_private_interval = \"0s\"\nsend_group_per_minute = 0\n[intake]\nmax_messages = 0\n",
		e.cfg.App.DataDir, e.cfg.DatabasePath(), e.srv.Endpoint())), 0o600)

	start := func() (*exec.Cmd, *syncBuffer) {
		cmd := exec.Command(os.Args[0], "run", "--config", conf)
		cmd.Env = append(os.Environ(), asMainEnv+"=1", "LAPKIN_TELEGRAM_TOKEN="+testToken)
		stderr, _ := cmd.StderrPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		log := &syncBuffer{}
		running := make(chan struct{})
		go func() {
			sc := bufio.NewScanner(stderr)
			once := false
			for sc.Scan() {
				log.Write([]byte(sc.Text() + "\n"))
				if !once && strings.Contains(sc.Text(), "lapkin running") {
					once = true
					close(running)
				}
			}
		}()
		select {
		case <-running:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("lapkin run did not start:\n%s", log.String())
		}
		return cmd, log
	}
	wait := func(cmd *exec.Cmd, log *syncBuffer) int {
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("lapkin run did not stop after SIGTERM:\n%s", log.String())
		}
		return cmd.ProcessState.ExitCode()
	}

	cmd, log := start()
	e.srv.AddUpdate(telegramtest.ContactShare(tgBudi, tgBudi.ID, "081300000001"))
	e.expectSent(tgBudi.ID, "Terima kasih")
	const burst = 200
	for i := range burst {
		e.srv.AddUpdate(telegramtest.PrivateText(tgBudi, fmt.Sprintf("/lapor Kegiatan nomor %d", i+1)))
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && e.count(`SELECT COUNT(*) FROM reports`) < 10; {
		time.Sleep(2 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	code := wait(cmd, log)
	stored := e.count(`SELECT COUNT(*) FROM reports`)
	t.Logf("SIGTERM with %d of %d reports stored: exit %d", stored, burst, code)
	if code != 0 || !strings.Contains(log.String(), "lapkin stopped") || strings.Contains(log.String(), "context canceled") {
		t.Fatalf("exit %d after SIGTERM, want 0 after a clean drain:\n%s", code, log.String())
	}

	// The rest comes after the restart; nothing twice.
	cmd, log = start()
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && len(e.srv.Pending()) > 0; {
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if code := wait(cmd, log); code != 0 {
		t.Fatalf("second run exited %d:\n%s", code, log.String())
	}
	if n, d := e.count(`SELECT COUNT(*) FROM reports`), e.count(`SELECT COUNT(DISTINCT text) FROM reports`); n != burst || d != burst {
		t.Fatalf("%d reports (%d distinct) after the restart, want %d", n, d, burst)
	}
}
