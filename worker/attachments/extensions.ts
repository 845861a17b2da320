/**
 * A file name's extension must agree with the type found in its bytes: a text file
 * named `setup.exe` or `run.hta` would otherwise download under a name the
 * recipient's system runs. The extensions each allowed type may carry; any other
 * extension gets the type's own appended (`setup.exe` → `setup.exe.txt`).
 */
const EXTENSIONS: Record<string, readonly string[]> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg', 'jfif'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'audio/wav': ['wav'],
  'audio/webm': ['webm', 'weba'],
  'audio/ogg': ['ogg', 'oga', 'opus'],
  'audio/mp4': ['m4a', 'mp4', 'aac'],
  'audio/mpeg': ['mp3'],
  'video/webm': ['webm'],
  'video/mp4': ['mp4', 'm4v'],
  'application/pdf': ['pdf'],
  'application/zip': ['zip'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'application/vnd.oasis.opendocument.text': ['odt'],
  'application/vnd.oasis.opendocument.spreadsheet': ['ods'],
  'application/vnd.oasis.opendocument.presentation': ['odp'],
  'application/epub+zip': ['epub'],
  // Only extensions that open as inert text: no .html, .svg, .js, .bat, .hta …
  'text/plain': ['txt', 'text', 'md', 'csv', 'tsv', 'log', 'json'],
};

/** The extension of `name` (lower-case, without the dot), or undefined when it has none. */
export function extensionOf(name: string): string | undefined {
  const match = /\.([\p{L}\p{N}_-]{1,16})$/u.exec(name);
  return match && match.index > 0 ? match[1]!.toLowerCase() : undefined;
}

/** `name` as it may be stored for bytes of `contentType`: unchanged, or with the type's extension appended. */
export function withExtensionFor(name: string, contentType: string): string {
  const allowed = EXTENSIONS[contentType];
  const ext = extensionOf(name);
  if (!allowed || ext === undefined || allowed.includes(ext)) return name;
  return `${name}.${allowed[0]}`;
}
