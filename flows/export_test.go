package flows

// SetPreload turns the batched reading of jobs and evaluations on (the default) or off, so that a
// test can check both give the same messages.
func (e *Engine) SetPreload(on bool) { e.noPreload = !on }

// KeptPreviewsUsed is how many confirmations of /evaluate recorded what their preview computed.
func (e *Engine) KeptPreviewsUsed() int {
	e.kept.mu.Lock()
	defer e.kept.mu.Unlock()
	return e.kept.used
}
