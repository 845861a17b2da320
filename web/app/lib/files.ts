/** How files are described to people: sizes and kinds. */

/** 1536 → "1.5 KB"; 3 × 1024² → "3 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value >= 10 ? Math.round(value) : Math.round(value * 10) / 10} ${units[unit]}`;
}

const LABELS: Record<string, string> = {
  'application/pdf': 'PDF',
  'application/zip': 'ZIP archive',
  'text/plain': 'Text',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel spreadsheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint presentation',
  'application/vnd.oasis.opendocument.text': 'Document',
  'application/vnd.oasis.opendocument.spreadsheet': 'Spreadsheet',
  'application/vnd.oasis.opendocument.presentation': 'Presentation',
};

/** "PDF", "PNG image", "Audio"… */
export function fileTypeLabel(contentType: string): string {
  const known = LABELS[contentType];
  if (known) return known;
  const [top, sub = ''] = contentType.split('/');
  if (top === 'image') return `${sub.toUpperCase()} image`;
  if (top === 'audio') return 'Audio';
  if (top === 'video') return 'Video';
  return 'File';
}
