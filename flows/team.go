package flows

func cmdTeam(r *request, args string) error { return nil }

func cmdNudge(r *request, args string) error { return nil }

func cmdEmployee(r *request, args string) error { return nil }

func cmdReview(r *request, args string) error { return nil }

func cmdAnnounce(r *request, args string) error { return nil }
