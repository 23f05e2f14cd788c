package flows

func cmdLeave(r *request, args string) error { return nil }

func cmdHoliday(r *request, args string) error { return nil }
