import { isAlias, isCollection, isPair, isScalar, visit, type Alias, type Document, type Node } from 'yaml';

/** yaml's default `maxAliasCount` for Document.toJS, which the versioned loader uses. */
const MAX_ALIAS_COUNT = 100;

/**
 * The alias that makes `doc.toJS()` throw: one naming no earlier anchor, or the one at which the
 * expansion passes yaml's alias budget ("billion laughs"). yaml's error carries no position, so
 * this replays its bookkeeping (nodes/Alias.js `resolve` and `getAliasCount`) in the same
 * document order to name the alias it stopped at. Undefined when no alias is to blame.
 */
export function failingAlias(doc: Document): Alias | undefined {
  const anchors = new Map<string, Node>(); // name → the latest node with that anchor so far
  const data = new Map<Node, { count: number; aliasCount: number }>();
  let found: Alias | undefined;

  const aliasCount = (node: unknown): number => {
    if (isAlias(node)) {
      const source = anchors.get(node.source);
      const d = source && data.get(source);
      return d ? d.count * d.aliasCount : 0;
    }
    if (isCollection(node)) return Math.max(0, ...node.items.map(aliasCount));
    if (isPair(node)) return Math.max(aliasCount(node.key), aliasCount(node.value));
    return 1;
  };

  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        const source = anchors.get(node.source);
        const d = source && data.get(source);
        if (!source || !d) {
          found = node;
          return visit.BREAK;
        }
        d.count += 1;
        if (d.aliasCount === 0) d.aliasCount = aliasCount(source);
        if (d.count * d.aliasCount > MAX_ALIAS_COUNT) {
          found = node;
          return visit.BREAK;
        }
        return undefined;
      }
      if ((isScalar(node) || isCollection(node)) && node.anchor) {
        anchors.set(node.anchor, node);
        data.set(node, { count: 1, aliasCount: 0 });
      }
      return undefined;
    },
  });
  return found;
}
