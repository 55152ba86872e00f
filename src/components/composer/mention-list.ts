import { html, nothing } from 'lit';
import { MENTION_ALL } from '../../protocol/models.js';
import { styleProps } from '../directives/style-props.js';
import { avatarImage, hueOf } from '../styles/avatar.js';
import type { Params } from '../i18n/types.js';
import type { ComposerKey } from './strings.js';
import '../i18n/locales/en-more.js';

/** What the mention list shows and does, from the composer that owns it. */
export interface MentionListHost {
  mention: { options: string[]; active: number } | undefined;
  t(key: ComposerKey, params?: Params): string;
  /** A member's display name, or '' when there is none. */
  name(userId: string): string;
  /** A member's picture URL, if the page gives one. */
  avatar(userId: string): string | undefined;
  pick(index: number): void;
  hover(index: number): void;
}


/** The @-mention suggestions of <im-composer> (a listbox the field controls): loaded on first use. */
export function renderMentionList(host: MentionListHost) {
  const mention = host.mention;
  return html`<div
      id="mentions"
      class="mentions"
      part="mentions"
      popover="manual"
      role="listbox"
      aria-label=${host.t('mention.label')}
      @mousedown=${(event: MouseEvent) => event.preventDefault()}
    >
      ${mention?.options.map((id, index) => {
        const everyone = id === MENTION_ALL;
        const name = everyone ? '' : host.name(id);
        return html`<div
          id="mention-${index}"
          class="mention-option"
          part="mention-option"
          role="option"
          aria-selected=${index === mention.active ? 'true' : 'false'}
          @click=${() => host.pick(index)}
          @mousemove=${() => host.hover(index)}
        >
          <span class="avatar" aria-hidden="true" ${styleProps({ '--hue': everyone ? undefined : hueOf(id) })} ?data-all=${everyone}>
            ${everyone ? '@' : Array.from(name || id)[0]!.toUpperCase()}${everyone ? nothing : avatarImage(host.avatar(id))}
          </span>
          <span class="mention-text">
            ${name ? html`<span class="mention-name" dir="auto">${name}</span>` : nothing}
            <span class="mention-id"><bdi dir="ltr">${everyone ? MENTION_ALL : `@${id}`}</bdi></span>
            ${everyone ? html`<span class="mention-hint">${host.t('mention.all')} · ${host.t('mention.allHint')}</span>` : nothing}
          </span>
        </div>`;
      })}
    </div>
    <p class="visually-hidden" role="status">${mention ? host.t('mention.suggestions', { count: mention.options.length }) : ''}</p>`;
}
