package whatsapp

// Net is WhatsApp's network id (chat.Network.ID), in ChatRefs and in the store.
const Net = "wa"

// WhatsApp's own transport states, besides chat's (its catalog file words each as
// "transport.alert.<state>" for the admins).
const (
	StateNotLinked = "not_linked" // no paired session; run `lapkin login wa`
	StateBanned    = "banned"     // a temporary ban, with its code and expiry in Detail
	StateOutdated  = "outdated"   // "405 client outdated": update whatsmeow
	StateReplaced  = "replaced"   // another process took over the session
)
