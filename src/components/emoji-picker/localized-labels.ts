import type { StringKey } from '../i18n/types.js';
import type { EmojiPickerLabelsInput } from './emoji-picker.js';
import '../i18n/locales/en-more.js';

/** The emoji picker's texts in an element's language (the composer's, a message's): loaded with the picker, not the embed. */
export function emojiPickerLabels(t: (key: StringKey) => string): EmojiPickerLabelsInput {
  return {
    searchLabel: t('emoji.search'),
    searchPlaceholder: t('emoji.search'),
    noResults: t('emoji.noResults'),
    results: t('emoji.results'),
    recent: t('emoji.recent'),
    categories: t('emoji.categories'),
    emoji: t('composer.emoji'),
    skinTone: t('emoji.skinTone'),
    skinTones: [
      t('emoji.toneDefault'),
      t('emoji.toneLight'),
      t('emoji.toneMediumLight'),
      t('emoji.toneMedium'),
      t('emoji.toneMediumDark'),
      t('emoji.toneDark'),
    ],
    groups: {
      smileys: t('emoji.smileys'),
      people: t('emoji.people'),
      animals: t('emoji.animals'),
      food: t('emoji.food'),
      travel: t('emoji.travel'),
      activities: t('emoji.activities'),
      objects: t('emoji.objects'),
      symbols: t('emoji.symbols'),
      flags: t('emoji.flags'),
    },
  };
}
