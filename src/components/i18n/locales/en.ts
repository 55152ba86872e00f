import type { Template } from '../types.js';

/**
 * English: the default table and the fallback for any key a table lacks at run time. It is
 * bundled with the elements; every other language is its own chunk loaded on demand.
 *
 * Keys are `area.name`. Values use `{name}` placeholders; an object is a plural picked by the
 * `count` param (see types.ts). Other tables are typed against this one, so adding a key here
 * means adding it to every locale (the compiler and test/components/i18n.test.ts say where).
 */
const en = {
  // Generic
  'common.close': 'Close',
  'common.confirm': 'Confirm',
  'common.save': 'Save',
  'common.back': 'Back',
  'common.loading': 'Loading…',
  'common.error': 'Something went wrong',
  'common.tryAgain': 'Try again',
  'common.you': 'You',

  // Connection state
  'connection.connecting': 'Connecting…',
  'connection.connected': 'Connected',
  'connection.reconnecting': 'Reconnecting…',
  'connection.offline': 'Offline',
  'connection.offlineHint': 'Offline: messages will send when you reconnect',
  'connection.disconnected': 'Disconnected',
  'connection.kicked': 'Disconnected: {reason}',
  'connection.retry': 'Reconnect',
  // Kick reasons, by error code (the server's own message is English only)
  'connection.reason.expired': 'Your session has expired. Sign in again.',
  'connection.reason.invalid': 'Your access to this chat is no longer valid.',
  'connection.reason.roomClosed': 'This chat room has been closed.',
  'connection.reason.tooManyConnections': 'This chat is open in too many tabs.',
  'connection.reason.serverShutdown': 'The server is restarting.',
  'connection.reason.originNotAllowed': 'This website is not allowed to connect.',
  'connection.reason.removed': 'You were removed from this chat.',

  // Errors shown after a failed action
  'error.notSent': 'Message not sent',
  'error.notSentReason': 'Message not sent: {reason}',
  'error.rateLimited': 'You are sending messages too fast. Wait a moment.',
  'error.busy': 'This chat is busy right now. Try again in a moment.',
  'error.textTooLong': 'This message is too long.',
  'error.contentTooLarge': 'This message is too large.',
  'error.notConnected': 'Not connected. Check your connection.',
  'error.timeout': 'The server took too long to respond.',
  'error.notMember': 'You are not a member of this chat.',
  'error.forbidden': 'You are not allowed to do that.',
  'error.recallTooLate': 'It is too late to recall this message.',
  'error.editTooLate': 'It is too late to edit this message.',
  'error.tooManyReactions': 'This message has too many reactions.',
  'error.tooManyMembers': 'This group is full.',

  // Conversation list
  'list.title': 'Chats',
  'list.label': 'Conversations',
  'list.search': 'Search chats',
  'list.searchPlaceholder': 'Search',
  'list.clearSearch': 'Clear search',
  'list.loading': 'Loading chats…',
  'list.empty': 'No chats yet',
  'list.emptyHint': 'Start a new chat and it will show up here.',
  'list.noResults': 'No chats match “{query}”',
  'list.newChat': 'New chat',
  'list.actions': 'Actions for {name}',
  'list.pinned': 'Pinned',
  'list.muted': 'Muted',
  'list.mentionMark': '[@me]',
  'list.mentioned': 'You were mentioned',
  'list.draft': '[Draft]',
  'list.unread': { one: '{count} unread message', other: '{count} unread messages' },
  'list.totalUnread': { one: '{count} unread message in all chats', other: '{count} unread messages in all chats' },

  // Last-message previews in list rows
  'preview.image': '[Image]',
  'preview.file': '[File] {name}',
  'preview.voice': '[Voice] {duration}',
  'preview.video': '[Video]',
  'preview.location': '[Location] {description}',
  'preview.custom': '[Custom message]',
  'preview.recalled': '{name} recalled a message',
  'preview.recalledSelf': 'You recalled a message',
  'preview.self': 'You: {text}',
  'preview.sender': '{name}: {text}',
  'preview.empty': 'No messages yet',

  // Conversations in general (list rows and the chat header)
  'conversation.direct': 'Direct chat',
  'conversation.group': 'Group chat',
  'conversation.system': 'System notifications',
  'conversation.untitled': 'Chat',
  'conversation.members': { one: '{count} member', other: '{count} members' },
  'conversation.online': { one: '{count} online', other: '{count} online' },
  'presence.online': 'Online',
  'presence.offline': 'Offline',
  'presence.lastSeen': 'Last seen {time}',

  // Chat header
  'header.back': 'Back to chats',
  'header.close': 'Close chat',
  'header.info': 'Chat info',

  // Typing indicators (chat and list rows)
  'typing.one': '{name} is typing…',
  'typing.two': '{a} and {b} are typing…',
  'typing.several': 'Several people are typing…',
  'typing.direct': 'typing…',

  // Chat: message list
  'chat.log': 'Messages',
  'chat.loadEarlier': 'Load earlier messages',
  'chat.loadEarlierFailed': 'Could not load earlier messages. Try again',
  'chat.loadingMessages': 'Loading messages…',
  'chat.beginning': 'Beginning of the conversation',
  'chat.empty': 'No messages yet. Say hello!',
  'chat.newMessages': { one: '{count} new message', other: '{count} new messages' },
  'chat.jumpToUnread': 'Jump to first unread',
  'chat.jumpToLatest': 'Jump to latest',
  'chat.unreadDivider': 'Unread messages',

  // Message status (own messages)
  'status.sending': 'Sending…',
  'status.sent': 'Sent',
  'status.delivered': 'Delivered',
  'status.read': 'Read',
  'status.failed': 'Not sent',
  'status.failedReason': 'Not sent: {reason}',
  'status.readBy': { one: 'Read by {count}', other: 'Read by {count}' },

  // Message content
  'message.edited': 'edited',
  'message.recalled': 'This message was recalled',
  'message.recalledBy': '{name} recalled a message',
  'message.recalledSelf': 'You recalled a message',
  'message.unsupported': 'Unsupported message',
  'reply.quote': 'Replying to {name}',
  'reply.notFound': 'Original message not found',
  'reply.jump': 'Jump to message',
  'file.download': 'Download {name}',
  'image.alt': 'Image from {name}',
  'image.open': 'Open image',
  'lightbox.previous': 'Previous image',
  'lightbox.next': 'Next image',
  'audio.label': 'Voice message, {duration}',
  'video.label': 'Video, {duration}',
  'reaction.label': '{emoji} reacted by {names}',
  'reaction.add': 'Add reaction',

  // Group tips (system lines inside the chat); `count` is the number of names
  'tip.groupCreated': '{name} created the group',
  'tip.joined': '{name} joined',
  'tip.added': { one: '{name} added {names}', other: '{name} added {names}' },
  'tip.removed': { one: '{name} removed {names}', other: '{name} removed {names}' },
  'tip.left': '{name} left',
  'tip.renamed': '{name} renamed the group to “{title}”',
  'tip.newOwner': '{name} is now the group owner',

  // Message actions and their dialogs
  'action.react': 'React',
  'details.editedAt': 'Edited at',

  // Composer
  'composer.label': 'Message',
  'composer.placeholder': 'Write a message…',
  'composer.send': 'Send',
  'composer.attach': 'Attach file',
  'composer.emoji': 'Emoji',
  'composer.replyingTo': 'Replying to {name}',
  'composer.cancelReply': 'Cancel reply',
  'composer.editing': 'Editing message',
  'composer.saveEdit': 'Save',
  'composer.cancelEdit': 'Cancel editing',
  'composer.muted': 'You are muted in this conversation',
  'composer.readOnly': 'This room is read-only',
  'composer.notMember': 'You are no longer a member',
  'composer.signedOut': 'Sign in to chat',
  'mention.all': 'Everyone',
  'upload.failed': 'Upload failed',
  'upload.drop': 'Drop files here to send',

  // Notifications
  'notify.enable': 'Enable notifications',
  'notify.blocked': 'Notifications are blocked in this browser',
  "reply.recalled": "Original message was recalled",
  "reaction.count": {"one":"{emoji}: {count} reaction","other":"{emoji}: {count} reactions"},
  "message.from": "{name}:",
  "composer.charsLeft": {"one":"{count} character left","other":"{count} characters left"},
  "composer.charsOver": {"one":"{count} character over the limit","other":"{count} characters over the limit"},
  "common.youObject": "you",
  "search.open": "Search in this chat",
} satisfies Record<string, Template>;

export default en;
