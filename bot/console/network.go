package console

// Net is the console's network id (chat.Network.ID), in ChatRefs and in the store.
const Net = "console"
