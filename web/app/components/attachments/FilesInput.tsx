/**
 * The hidden `<input type=file multiple>` behind an "attach" button: hands over the files
 * chosen and empties itself, so choosing the same file again is noticed too.
 */
import { forwardRef } from 'react';

interface Props {
  onFiles(files: File[]): void;
  testId: string;
}

export const FilesInput = forwardRef<HTMLInputElement, Props>(function FilesInput({ onFiles, testId }, ref) {
  return (
    <input
      ref={ref}
      type="file"
      multiple
      hidden
      data-testid={testId}
      onChange={(e) => {
        const files = [...(e.target.files ?? [])];
        e.target.value = '';
        if (files.length) onFiles(files);
      }}
    />
  );
});
