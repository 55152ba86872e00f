import { noChange } from 'lit';
import { Directive, directive, PartType, type ElementPart, type PartInfo } from 'lit/directive.js';

/**
 * Sets inline style properties through the CSSOM (`style.setProperty`), never through the
 * `style` attribute: a page whose Content-Security-Policy forbids inline styles still allows
 * this. (Lit's `styleMap` writes the attribute on first render.) Names are CSS names:
 * `height`, `inline-size`, `--im-hue`.
 *
 * @example html`<div ${styleProps({ '--hue': '210', 'block-size': '40px' })}></div>`
 */
class StylePropsDirective extends Directive {
  private previous = new Set<string>();

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ELEMENT) throw new Error('styleProps() goes on an element, not in an attribute');
  }

  render(_properties: Readonly<Record<string, string | number | undefined | null>>): unknown {
    return noChange;
  }

  override update(part: ElementPart, [properties]: [Readonly<Record<string, string | number | undefined | null>>]): unknown {
    const { style } = part.element as HTMLElement;
    for (const name of this.previous) {
      if (properties[name] === undefined || properties[name] === null) style.removeProperty(name);
    }
    this.previous = new Set();
    for (const [name, value] of Object.entries(properties)) {
      if (value === undefined || value === null) continue;
      style.setProperty(name, String(value));
      this.previous.add(name);
    }
    return noChange;
  }
}

export const styleProps = directive(StylePropsDirective);
