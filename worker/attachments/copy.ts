/**
 * Copying a stored object to another key (a forwarded attachment into its target room's
 * files): streamed from R2 to R2, never held whole, with its type and metadata.
 */
export async function copyObject(bucket: R2Bucket, fromKey: string, toKey: string, metadata: Record<string, string> = {}): Promise<boolean> {
  const source = await bucket.get(fromKey);
  if (!source) return false;
  // R2's put needs the length up front; a FixedLengthStream declares it.
  const body = new FixedLengthStream(source.size);
  void source.body.pipeTo(body.writable).catch(() => {
    // The put sees the same error through the readable side and fails with it.
  });
  await bucket.put(toKey, body.readable, {
    httpMetadata: source.httpMetadata,
    customMetadata: { ...source.customMetadata, ...metadata },
  });
  return true;
}
