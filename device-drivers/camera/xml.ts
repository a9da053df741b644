/**
 * The one file that imports fast-xml-parser (+2 MiB, research/protocols-and-footprint.md part B):
 * ONVIF SOAP and ISAPI XML read into plain objects, namespace prefixes dropped, attributes kept under
 * their local names, every value a string (a token "0012" stays "0012").
 */
import { XMLParser } from 'fast-xml-parser';

/** A parsed XML node: attributes and children by local name; text under `#text`. */
export type XmlNode = { [name: string]: XmlValue };
/** A child: text, one node, or several of the same name. */
export type XmlValue = string | XmlNode | XmlValue[];

// Elements that may repeat, kept as arrays even when one is present.
const LISTS = new Set(['NotificationMessage', 'SimpleItem', 'Profiles', 'Service', 'ElementItem']);

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => LISTS.has(name),
});

/** Parses `xml`; throws on text that is not XML. */
export function parseXml(xml: string | Buffer): XmlNode {
  return parser.parse(typeof xml === 'string' ? xml : xml.toString('utf8')) as XmlNode;
}

/** The node at `path` (child names), or undefined. */
export function at(node: XmlValue | undefined, ...path: string[]): XmlValue | undefined {
  let cur: XmlValue | undefined = node;
  for (const name of path) {
    if (cur === undefined || typeof cur === 'string') return undefined;
    if (Array.isArray(cur)) cur = cur[0];
    cur = (cur as XmlNode | undefined)?.[name];
  }
  return cur;
}

/** The text of `node` (an element with attributes keeps its text under `#text`). */
export function text(node: XmlValue | undefined): string | undefined {
  if (typeof node === 'string') return node;
  if (Array.isArray(node)) return text(node[0]);
  const t = node?.['#text'];
  return typeof t === 'string' ? t : undefined;
}

/** `node` as a list (a missing node is an empty one). */
export function list(node: XmlValue | undefined): XmlValue[] {
  if (node === undefined) return [];
  return Array.isArray(node) ? node : [node];
}

/** Escapes text for an XML element or attribute. */
export function esc(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
