/**
 * A page's title, description, site name and picture from its Open Graph and Twitter
 * card tags, falling back to <title> and <meta name=description>. Read with workerd's
 * HTMLRewriter (a real HTML parser) from the first bytes of the page only.
 */
import { MAX_LINK_PREVIEW_DESCRIPTION_CHARS, MAX_LINK_PREVIEW_TITLE_CHARS, isStorableText } from '../../durable-objects/protocol';

export interface PageMeta {
  title: string | null;
  description: string | null;
  siteName: string | null;
  /** As written in the page: may be relative. */
  image: string | null;
}

const META_FIELDS: Record<string, keyof PageMeta> = {
  'og:title': 'title',
  'twitter:title': 'title',
  'og:description': 'description',
  'twitter:description': 'description',
  description: 'description',
  'og:site_name': 'siteName',
  'og:image': 'image',
  'og:image:url': 'image',
  'og:image:secure_url': 'image',
  'twitter:image': 'image',
};
/** Open Graph wins over Twitter cards, which win over plain HTML. */
const PRIORITY = ['og:', 'twitter:', ''];
const rank = (key: string) => PRIORITY.findIndex((p) => key.startsWith(p));

export async function readPageMeta(html: string): Promise<PageMeta> {
  const found: Partial<Record<keyof PageMeta, { value: string; rank: number }>> = {};
  const offer = (field: keyof PageMeta, value: string, from: number) => {
    const current = found[field];
    if (value.trim() && (!current || from < current.rank)) found[field] = { value, rank: from };
  };
  let titleText = '';
  let inTitle = false;
  let titleDone = false;
  const rewriter = new HTMLRewriter()
    .on('meta', {
      element(el) {
        const key = (el.getAttribute('property') ?? el.getAttribute('name') ?? '').trim().toLowerCase();
        const field = META_FIELDS[key];
        const content = el.getAttribute('content');
        if (field && content !== null) offer(field, decodeEntities(content), rank(key));
      },
    })
    .on('title', {
      element(el) {
        if (titleDone) return;
        inTitle = true;
        el.onEndTag(() => {
          inTitle = false;
          titleDone = true;
        });
      },
      text(chunk) {
        if (inTitle && !titleDone) titleText += chunk.text;
      },
    });
  await rewriter.transform(new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } })).arrayBuffer();
  if (titleText.trim()) offer('title', decodeEntities(titleText), PRIORITY.length);
  return {
    title: clean(found.title?.value, MAX_LINK_PREVIEW_TITLE_CHARS),
    description: clean(found.description?.value, MAX_LINK_PREVIEW_DESCRIPTION_CHARS),
    siteName: clean(found.siteName?.value, 100),
    image: clean(found.image?.value, 2048),
  };
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', '#39': "'" };

/** HTMLRewriter hands over attribute values and text as written: entities still in. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,8});/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : whole;
    }
    return NAMED[name.toLowerCase()] ?? whole;
  });
}

/** Whitespace collapsed, control characters gone, cut to `max` characters; null when nothing is left. */
function clean(text: string | undefined, max: number): string | null {
  if (text === undefined) return null;
  // eslint-disable-next-line no-control-regex
  let out = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  if ([...out].length > max) out = `${[...out].slice(0, max - 1).join('')}…`;
  if (!isStorableText(out)) out = out.replace(/\p{Cs}/gu, '');
  return out || null;
}
