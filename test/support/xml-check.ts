/**
 * A tiny strict XML 1.0 reader for tests (no DTDs, no CDATA, no processing instructions beyond
 * the declaration): it throws on anything not well-formed — unbalanced or crossed tags, several
 * roots, duplicate attributes, a raw `<` or `&` where only an entity may stand, unknown entities,
 * unquoted attributes, characters XML forbids — and returns the element tree.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** Concatenated text content of this element (entities decoded). */
  text: string;
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function parseXml(src: string): XmlElement {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(src)) throw new Error('forbidden character');
  let i = 0;
  const fail = (msg: string): never => {
    const line = src.slice(0, i).split('\n').length;
    throw new Error(`${msg} at line ${line}`);
  };
  const decode = (raw: string): string => {
    if (raw.includes('<')) fail('raw < in text or attribute');
    return raw.replace(/&([^;]*);|&/g, (m, ent: string | undefined) => {
      if (ent === undefined) return fail('bare &');
      if (ENTITIES[ent]) return ENTITIES[ent];
      const num = /^#(\d+)$/.exec(ent) ?? /^#x([0-9a-fA-F]+)$/.exec(ent);
      if (!num) return fail(`unknown entity &${ent};`);
      return String.fromCodePoint(parseInt(num[1], ent.startsWith('#x') ? 16 : 10));
    });
  };
  if (src.startsWith('<?xml')) {
    const end = src.indexOf('?>');
    if (end < 0) fail('unterminated declaration');
    i = end + 2;
  }
  const skipSpace = () => {
    while (i < src.length && /\s/.test(src[i])) i++;
  };
  const element = (): XmlElement => {
    if (src[i] !== '<') fail('expected <');
    i++;
    const name = NAME.exec(src.slice(i))?.[0] ?? fail('bad element name');
    i += name.length;
    const el: XmlElement = { name, attrs: {}, children: [], text: '' };
    for (;;) {
      const hadSpace = /\s/.test(src[i]);
      skipSpace();
      if (src.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      if (!hadSpace) fail('attributes must be separated by space');
      const attr = NAME.exec(src.slice(i))?.[0] ?? fail('bad attribute name');
      i += attr.length;
      if (src[i] !== '=') fail('expected =');
      const quote = src[i + 1];
      if (quote !== '"' && quote !== "'") fail('unquoted attribute');
      const end = src.indexOf(quote, i + 2);
      if (end < 0) fail('unterminated attribute');
      if (attr in el.attrs) fail(`duplicate attribute ${attr}`);
      el.attrs[attr] = decode(src.slice(i + 2, end));
      i = end + 1;
    }
    for (;;) {
      const next = src.indexOf('<', i);
      if (next < 0) fail(`unclosed <${name}>`);
      el.text += decode(src.slice(i, next));
      i = next;
      if (src.startsWith('</', i)) {
        i += 2;
        if (!src.startsWith(name, i) || src[i + name.length] !== '>') fail(`mismatched close of <${name}>`);
        i += name.length + 1;
        return el;
      }
      if (src.startsWith('<!--', i)) {
        const end = src.indexOf('-->', i);
        if (end < 0) fail('unterminated comment');
        i = end + 3;
        continue;
      }
      el.children.push(element());
    }
  };
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== src.length) fail('content after the root element');
  return root;
}

/** Every descendant element with a name, depth first. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  return el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...findAll(c, name)]);
}
