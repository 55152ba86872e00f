import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { LitElement } from 'lit';
import {
  format,
  formatBadge,
  formatBytes,
  formatDay,
  formatDuration,
  formatList,
  formatListTime,
  formatNumber,
  formatTime,
  isRtl,
  loadLocale,
  LocaleController,
  matchLocale,
  resolveLocale,
  stringsFor,
  SUPPORTED_LOCALES,
  type StringKey,
  type Strings,
  type Template,
} from '../../src/components/i18n/index.js';
// The English texts of the on-demand parts, so that the English table is whole here.
import '../../src/components/i18n/locales/en-more.js';

/** A minimal element that renders one string through the controller, the way real elements do. */
class I18nProbe extends LitElement {
  readonly i18n = new LocaleController(this);
  protected override render() {
    return html`<p dir=${this.i18n.dir}>${this.i18n.t('composer.send')}</p>`;
  }
}
customElements.define('i18n-probe', I18nProbe);

const text = (probe: I18nProbe) => probe.shadowRoot?.querySelector('p')?.textContent;
const until = (probe: I18nProbe, expected: string) =>
  waitUntil(() => text(probe) === expected, `"${expected}" to be rendered (shows "${text(probe)}")`);
const english = stringsFor('en')!;
const keys = (table: Strings) => Object.keys(table).sort();
/** All text of an entry: the string, or every form of a plural. */
const texts = (template: Template) => (typeof template === 'string' ? template : Object.values(template).join(' '));
const placeholders = (template: Template) => [...new Set(texts(template).match(/\{\w+\}/g))].sort();

// Runs first, while the Hindi chunk has not been requested by any other test in this file.
describe('LocaleController', () => {
  it('renders English until the table arrives, then the language of the nearest lang', async () => {
    expect(stringsFor('hi')).to.equal(undefined);
    const wrapper = await fixture<HTMLElement>(html`<div lang="hi-IN"><i18n-probe></i18n-probe></div>`);
    const probe = wrapper.querySelector('i18n-probe') as I18nProbe;
    expect(text(probe)).to.equal('Send');
    expect(probe.i18n.locale).to.equal('hi');
    await until(probe, 'भेजें');
  });

  it('follows <div lang="fr"> and switches when the attribute changes', async () => {
    const wrapper = await fixture<HTMLElement>(html`<div lang="fr"><i18n-probe></i18n-probe></div>`);
    const probe = wrapper.querySelector('i18n-probe') as I18nProbe;
    await until(probe, 'Envoyer');
    wrapper.setAttribute('lang', 'de');
    await until(probe, 'Senden');
    expect(probe.i18n.locale).to.equal('de');
    expect(probe.i18n.formatNumber(1234.5)).to.equal('1.234,5');
    expect(probe.getAttributeNames()).to.deep.equal([]);
  });

  it('notices a lang added to an ancestor between it and the element that had one', async () => {
    const wrapper = await fixture<HTMLElement>(html`<div lang="fr"><section><i18n-probe></i18n-probe></section></div>`);
    const probe = wrapper.querySelector('i18n-probe') as I18nProbe;
    await until(probe, 'Envoyer');
    wrapper.querySelector('section')!.setAttribute('lang', 'ru');
    await until(probe, 'Отправить');
  });

  it('finds lang across a shadow root and follows changes on the shadow host', async () => {
    const host = await fixture<HTMLElement>(html`<div lang="ja"></div>`);
    const probe = document.createElement('i18n-probe') as I18nProbe;
    host.attachShadow({ mode: 'open' }).append(probe);
    await until(probe, '送信');
    host.setAttribute('lang', 'ko');
    await until(probe, '보내기');
  });

  it('follows the document element and otherwise the browser languages', async () => {
    const root = document.documentElement;
    const before = root.getAttribute('lang');
    const wrapper = await fixture<HTMLElement>(html`<div><i18n-probe></i18n-probe></div>`);
    const probe = wrapper.querySelector('i18n-probe') as I18nProbe;
    try {
      root.setAttribute('lang', 'es');
      await until(probe, 'Enviar');
      root.removeAttribute('lang');
      await waitUntil(() => probe.i18n.locale === resolveLocale(navigator.languages), 'the browser languages');
    } finally {
      if (before === null) root.removeAttribute('lang');
      else root.setAttribute('lang', before);
    }
  });

  it('lets the element force a locale, and sets dir rtl for Arabic', async () => {
    const wrapper = await fixture<HTMLElement>(html`<div lang="fr"><i18n-probe></i18n-probe></div>`);
    const probe = wrapper.querySelector('i18n-probe') as I18nProbe;
    probe.i18n.override = 'zh-Hant';
    await until(probe, '傳送');
    probe.i18n.override = 'ar';
    await until(probe, 'إرسال');
    expect(probe.shadowRoot!.querySelector('p')!.dir).to.equal('rtl');
    probe.i18n.override = undefined;
    await until(probe, 'Envoyer');
    expect(probe.shadowRoot!.querySelector('p')!.dir).to.equal('ltr');
  });

  it('keeps the region of the page for dates: en-GB reads English with a 24-hour clock', async () => {
    const wrapper = await fixture<HTMLElement>(html`<div lang="en-GB"><i18n-probe></i18n-probe></div>`);
    const probe = wrapper.querySelector('i18n-probe') as I18nProbe;
    expect(text(probe)).to.equal('Send');
    expect(probe.i18n.tag).to.equal('en-GB');
    expect(probe.i18n.formatTime(new Date(2024, 0, 1, 14, 5).getTime())).to.equal('14:05');
  });
});

describe('resolveLocale', () => {
  const cases: [string[], string][] = [
    [['zh-Hant-HK'], 'zh-TW'],
    [['zh-HK'], 'zh-TW'],
    [['zh-Hant'], 'zh-TW'],
    [['zh-TW'], 'zh-TW'],
    [['zh'], 'zh-CN'],
    [['zh-Hans'], 'zh-CN'],
    [['zh-SG'], 'zh-CN'],
    [['pt'], 'pt-BR'],
    [['pt-PT'], 'pt-BR'],
    [['en-GB'], 'en'],
    [['ja-JP'], 'ja'],
    [['KO'], 'ko'],
    [['es-419'], 'es'],
    [['ar-EG'], 'ar'],
    [['ru-RU'], 'ru'],
    [['hi-IN'], 'hi'],
    [['it-IT', 'fr-CA'], 'fr'],
    [['not a tag!', 'de-AT'], 'de'],
    [['xx'], 'en'],
    [[], 'en'],
  ];
  for (const [tags, expected] of cases) {
    it(`${JSON.stringify(tags)} → ${expected}`, () => {
      expect(resolveLocale(tags)).to.equal(expected);
    });
  }

  it('reports the matched tag for regional formats', () => {
    expect(matchLocale(['it', 'zh-HK'])).to.deep.equal({ locale: 'zh-TW', tag: 'zh-HK' });
    expect(matchLocale(['it'])).to.deep.equal({ locale: 'en', tag: 'en' });
  });
});

describe('locale tables', () => {
  const others = SUPPORTED_LOCALES.filter((locale) => locale !== 'en');

  for (const locale of others) {
    it(`${locale} has exactly the English keys, placeholders and plural forms`, async () => {
      const table = await loadLocale(locale);
      expect(stringsFor(locale)).to.equal(table);
      expect(await loadLocale(locale)).to.equal(table);
      expect(keys(table)).to.deep.equal(keys(english));

      const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
      for (const key of keys(english) as StringKey[]) {
        const ours = table[key];
        const theirs = english[key];
        expect(placeholders(ours), `placeholders of ${key}`).to.deep.equal(placeholders(theirs));
        expect(typeof ours, `kind of ${key}`).to.equal(typeof theirs);
        if (typeof ours === 'string') {
          expect(ours.trim(), key).to.not.equal('');
        } else {
          expect(ours.other, `${key}.other`).to.be.a('string');
          for (const form of Object.keys(ours)) expect(categories, `${key}.${form}`).to.include(form);
          // Languages with more than one/other must spell out every form they use.
          if (locale === 'ru' || locale === 'ar') expect(Object.keys(ours).sort(), key).to.deep.equal([...categories].sort());
        }
      }
    });
  }

  it('are translated: few strings equal the English ones, and no Latin words in non-Latin scripts', async () => {
    for (const locale of others) {
      const table = await loadLocale(locale);
      const all = keys(english) as StringKey[];
      const same = all.filter((key) => JSON.stringify(table[key]) === JSON.stringify(english[key]));
      expect(same.length, `${locale}: ${same.join(', ')}`).to.be.below(all.length * 0.1);
      if (!['es', 'fr', 'de', 'pt-BR'].includes(locale)) {
        const latin = all.filter((key) => /[A-Za-z]{3,}/.test(texts(table[key]).replace(/\{\w+\}/g, '')));
        expect(latin, locale).to.deep.equal([]);
      }
    }
  });
});

describe('format', () => {
  it('fills placeholders, formats numbers for the locale and leaves unknown ones visible', () => {
    expect(format('{name} is typing…', { name: 'Ann' })).to.equal('Ann is typing…');
    expect(format('({count}) {title}', { count: 1234, title: 'Chat' })).to.equal('(1,234) Chat');
    expect(format('{count} Nachrichten', { count: 1234.5 }, 'de')).to.equal('1.234,5 Nachrichten');
    expect(format('Hello {who}')).to.equal('Hello {who}');
  });

  it('picks English plural forms', () => {
    const members = english['conversation.members'];
    expect(format(members, { count: 1 })).to.equal('1 member');
    expect(format(members, { count: 0 })).to.equal('0 members');
    expect(format(members, { count: 2 })).to.equal('2 members');
  });

  it('picks Russian plural forms (one, few, many, other)', async () => {
    const members = (await loadLocale('ru'))['conversation.members'];
    const ru = (count: number) => format(members, { count }, 'ru');
    expect(ru(1)).to.equal('1 участник');
    expect(ru(21)).to.equal('21 участник');
    expect(ru(3)).to.equal('3 участника');
    expect(ru(24)).to.equal('24 участника');
    expect(ru(5)).to.equal('5 участников');
    expect(ru(11)).to.equal('11 участников');
    expect(ru(1.5)).to.equal('1,5 участника');
  });

  it('picks Arabic plural forms (zero, one, two, few, many, other)', async () => {
    const members = (await loadLocale('ar'))['conversation.members'];
    const ar = (count: number) => format(members, { count }, 'ar');
    const n = (count: number) => formatNumber('ar', count);
    expect(ar(0)).to.equal('لا يوجد أعضاء');
    expect(ar(1)).to.equal('عضو واحد');
    expect(ar(2)).to.equal('عضوان');
    expect(ar(3)).to.equal(`${n(3)} أعضاء`);
    expect(ar(10)).to.equal(`${n(10)} أعضاء`);
    expect(ar(11)).to.equal(`${n(11)} عضوًا`);
    expect(ar(99)).to.equal(`${n(99)} عضوًا`);
    expect(ar(100)).to.equal(`${n(100)} عضو`);
  });
});

describe('Intl helpers', () => {
  const now = new Date(2024, 4, 15, 12, 0).getTime(); // Wednesday 15 May 2024, local time
  const at = (year: number, month: number, day: number, hour = 0, minute = 0) => new Date(year, month, day, hour, minute).getTime();

  it('formatDay says Today and Yesterday in English and Chinese, else weekday or date', () => {
    expect(formatDay('en', at(2024, 4, 15, 0, 5), now)).to.equal('Today');
    expect(formatDay('en', at(2024, 4, 14, 23, 59), now)).to.equal('Yesterday');
    expect(formatDay('zh-CN', at(2024, 4, 15, 8), now)).to.equal('今天');
    expect(formatDay('zh-CN', at(2024, 4, 14, 8), now)).to.equal('昨天');
    expect(formatDay('en', at(2024, 4, 12), now)).to.equal('Sunday');
    expect(formatDay('en', at(2024, 0, 3), now)).to.equal('January 3');
    expect(formatDay('en', at(2023, 0, 3), now)).to.equal('January 3, 2023');
    expect(formatDay('fr', at(2024, 4, 14), now)).to.equal('Hier');
  });

  it('formatListTime keeps rows short', () => {
    expect(formatListTime('en', at(2024, 4, 15, 8, 30), now)).to.equal(formatTime('en', at(2024, 4, 15, 8, 30)));
    expect(formatTime('en', at(2024, 4, 15, 8, 30))).to.match(/^8:30\sAM$/);
    expect(formatListTime('en', at(2024, 4, 14, 8), now)).to.equal('Yesterday');
    expect(formatListTime('en', at(2024, 4, 12), now)).to.equal('Sun');
    expect(formatListTime('en', at(2024, 0, 3), now)).to.equal('Jan 3');
    expect(formatListTime('en', at(2023, 0, 3), now)).to.equal('1/3/23');
  });

  it('formatBadge caps at 99+', () => {
    expect(formatBadge('en', 100)).to.equal('99+');
    expect(formatBadge('en', 99)).to.equal('99');
    expect(formatBadge('en', 7)).to.equal('7');
    expect(formatBadge('ar', 1000)).to.equal(`${formatNumber('ar', 99)}+`);
  });

  it('formats sizes, durations and lists', () => {
    expect(formatBytes('en', 512)).to.equal('512 bytes');
    expect(formatBytes('en', 1536)).to.equal('1.5 kB');
    expect(formatBytes('en', 25 * 1024 * 1024)).to.equal('25 MB');
    expect(formatBytes('de', 1.5 * 1024 ** 3)).to.match(/^1,5\sGB$/);
    expect(formatDuration('en', 5)).to.equal('0:05');
    expect(formatDuration('en', 65)).to.equal('1:05');
    expect(formatDuration('en', 3725)).to.equal('1:02:05');
    expect(formatList('en', ['Ann', 'Bob', 'Cy'])).to.equal('Ann, Bob, and Cy');
    expect(formatList('zh-CN', ['安', '波'])).to.equal('安和波');
  });

  it('isRtl is true for Arabic only among our locales', () => {
    expect(SUPPORTED_LOCALES.filter(isRtl)).to.deep.equal(['ar']);
    expect(isRtl('ar-EG')).to.equal(true);
  });
});
