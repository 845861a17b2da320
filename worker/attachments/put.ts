/** Storing an Upload in R2; a body cut short (or longer than declared) is the uploader's 400. */
import { logFailure } from '../../durable-objects/shared/log-failure';
import { badRequest } from '../http/errors';
import type { Upload } from './upload';

export async function putUpload(bucket: R2Bucket, key: string, upload: Upload, meta: Record<string, string>): Promise<void> {
  try {
    await bucket.put(key, upload.body, { httpMetadata: { contentType: upload.contentType }, customMetadata: meta });
  } catch (err) {
    // The key holds ids only (rooms/<room>/<id>, avatars/<id>), never the file's name.
    logFailure('upload did not complete', err, { key });
    throw badRequest('the upload did not complete (the body ended early or ran past its Content-Length); send it again');
  }
}
