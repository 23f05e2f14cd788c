package flows

// SetPreload turns the batched reading of jobs and evaluations on (the default) or off, so that a
// test can check both give the same messages.
func (e *Engine) SetPreload(on bool) { e.noPreload = !on }
