/**
 * C0 and C1 controls (with DEL), and every bidirectional formatting character: the marks
 * (LRM, RLM, ALM), the embeddings and overrides (LRE, RLE, PDF, LRO, RLO) and the isolates
 * (LRI, RLI, FSI, PDI). Any of these lets a name look like something it is not, e.g.
 * "invoice\u202Egpj.exe" shown as "invoiceexe.jpg". ZWJ (U+200D) and the variation selectors
 * are not here: emoji sequences are built from them.
 */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** Half of a surrogate pair without the other half: no encoder (UTF-8, URI) accepts it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Text a user chose that others see as a label (file names, display names): nothing hidden that changes how it reads. */
export function cleanText(value: string): string {
  return value.replace(HIDDEN, '').replace(LONE_SURROGATE, '\ufffd').trim();
}

/**
 * No half of a surrogate pair on its own. Ids and keys that are stored as text must be: the
 * database would store such a string as other characters than it was given.
 */
export function isWellFormed(value: string): boolean {
  LONE_SURROGATE.lastIndex = 0;
  return !LONE_SURROGATE.test(value);
}
