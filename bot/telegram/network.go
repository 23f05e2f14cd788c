package telegram

// Net is Telegram's network id (chat.Network.ID), in ChatRefs and in the store.
const Net = "tg"
