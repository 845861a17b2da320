/**
 * A link's preview: site, title, description and picture. Everything in it is the
 * linked page's own text, rendered as React text (escaped), never as HTML; the picture
 * is the Worker's copy, fetched with the token, so the reader's browser never contacts
 * the linked site until they follow the link.
 */
import type { LinkPreview } from '../../lib/protocol';
import { useLinkPreviewImageUrl } from '../../hooks/useAttachmentUrl';

export function LinkPreviewCard({ preview, testId = 'link-preview' }: { preview: LinkPreview; testId?: string }) {
  const host = hostOf(preview.url);
  return (
    <a className="link-preview" href={preview.url} target="_blank" rel="noopener noreferrer nofollow" data-testid={testId}>
      {preview.imageId && <PreviewImage imageId={preview.imageId} />}
      <span className="link-preview__text">
        <span className="link-preview__site">{preview.siteName ?? host}</span>
        <strong className="link-preview__title" data-testid="link-preview-title">
          {preview.title}
        </strong>
        {preview.description && (
          <span className="link-preview__description" data-testid="link-preview-description">
            {preview.description}
          </span>
        )}
      </span>
    </a>
  );
}

function PreviewImage({ imageId }: { imageId: string }) {
  const { url } = useLinkPreviewImageUrl(imageId);
  // Decorative: the title says what the link is.
  return <span className="link-preview__image">{url && <img src={url} alt="" data-testid="link-preview-image" />}</span>;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
