package flows

func cmdContract(r *request, args string) error { return nil }

func cmdTarget(r *request, args string) error { return nil }

func cmdSubmit(r *request, args string) error { return nil }

func cmdSign(r *request, args string) error { return nil }

func cmdApprove(r *request, args string) error { return nil }

func cmdReject(r *request, args string) error { return nil }
