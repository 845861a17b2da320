/**
 * The message input. Enter sends, Shift+Enter adds a line; typing {active:true} is sent at most
 * every ~3 s while typing and {active:false} on send, on blur and when the text is cleared.
 * Also hosts the reply and edit bars.
 */
import {
  forwardRef,
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
  type DragEvent,
  type KeyboardEvent,
} from 'react';
import { MAX_MESSAGE_CHARS } from '../lib/protocol';
import { CloseIcon, EditIcon, MicIcon, PaperclipIcon, ReplyIcon, SendIcon, SmileIcon } from './Icons';
import { useMentionAutocomplete, type MentionCandidate } from './MentionSuggestions';
import { useShortcodeAutocomplete } from './ShortcodeSuggestions';
import { replaceShortcodes } from '../lib/emoji';
import { useLinkPreviewDraft, type FetchLinkPreview } from '../hooks/useLinkPreviewDraft';
import { LinkPreviewCard } from './link-previews/LinkPreviewCard';
import { FilesInput } from './attachments/FilesInput';

// MediaRecorder code is only loaded when someone records.
const VoiceRecorder = lazy(() => import('./attachments/VoiceRecorder'));
// The picker is loaded when the emoji button is first pressed.
const EmojiPicker = lazy(() => import('./EmojiPicker'));
// The preview-and-caption step is loaded when files are first attached.
const SendFilesDialog = lazy(() => import('./attachments/SendFilesDialog'));

const TYPING_RENEW_MS = 3000;

export interface ComposerHandle {
  focus(): void;
}

interface Props {
  disabled?: boolean;
  placeholder: string;
  /** The text box's name (default "Message"; a thread's composer is "Reply in thread"). */
  label?: string;
  replyTo: { name: string; text: string } | null;
  editing: { seq: number; content: string } | null;
  /** `linkPreviewUrl`: the link whose preview goes with the message (absent: none). */
  onSend(text: string, linkPreviewUrl?: string): void;
  onSaveEdit(seq: number, text: string): void;
  onCancelReply(): void;
  onCancelEdit(): void;
  onTyping(active: boolean): void;
  /** The draft kept for this conversation (read once, when the composer mounts). */
  initialText?: string;
  /** The draft changed (kept per conversation across switches and reloads). */
  onDraft?(text: string): void;
  /** Arrow-up in an empty box edits my last message. */
  onEditLast?(): void;
  /** Files attached (button, paste or drop), then confirmed in the preview step with a caption; absent: no attachments here. */
  onFiles?(files: File[], caption: string): void;
  /** A recorded voice note, with its waveform's peaks. */
  onVoice?(file: File, durationMs: number, waveform: number[]): void;
  /** Asks the Worker for a link's preview; absent: no previews here. */
  fetchLinkPreview?: FetchLinkPreview;
  /** People `@` can mention (groups), with autocomplete. */
  mentionCandidates?: readonly MentionCandidate[];
}

export const Composer = forwardRef<ComposerHandle, Props>(function Composer(props, ref) {
  const { disabled, replyTo, editing, onTyping } = props;
  const [text, setText] = useState(() => props.initialText ?? '');
  const [recording, setRecording] = useState(false);
  const [dragging, setDragging] = useState(false);
  /** Files chosen and shown in the preview step, not sent yet. */
  const [staged, setStaged] = useState<File[]>([]);
  const fileRef = useRef<HTMLInputElement>(null);
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const typingSentAt = useRef(0);
  const typingActive = useRef(false);
  const draftBeforeEdit = useRef('');
  const [caret, setCaret] = useState(0);
  const linkPreview = useLinkPreviewDraft(text, editing || disabled ? undefined : props.fetchLinkPreview);
  const box = { text, caret, setText: (t: string) => onChange(t), area: areaRef };
  const mention = useMentionAutocomplete(box, props.mentionCandidates);
  const shortcode = useShortcodeAutocomplete(box);
  const [picking, setPicking] = useState(false);
  const emojiButton = useRef<HTMLButtonElement>(null);
  const closePicker = useCallback(() => setPicking(false), []);

  useImperativeHandle(ref, () => ({ focus: () => areaRef.current?.focus() }), []);

  const stopTyping = useCallback(() => {
    if (typingActive.current) {
      typingActive.current = false;
      typingSentAt.current = 0;
      onTyping(false);
    }
  }, [onTyping]);

  // Entering edit mode fills the box with the message; leaving it restores the draft.
  const editingSeq = editing?.seq ?? null;
  useEffect(() => {
    if (editing) {
      draftBeforeEdit.current = text;
      setText(editing.content);
      requestAnimationFrame(() => {
        const el = areaRef.current;
        if (el) {
          el.focus();
          el.setSelectionRange(el.value.length, el.value.length);
        }
      });
    } else if (editingSeq === null && draftBeforeEdit.current) {
      setText(draftBeforeEdit.current);
      draftBeforeEdit.current = '';
    }
  }, [editingSeq]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    if (replyTo) areaRef.current?.focus();
  }, [replyTo]);

  // Grow with the text up to a few lines (CSSOM, not a style attribute: CSP-friendly).
  useLayoutEffect(() => {
    const el = areaRef.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 160)}px`;
  }, [text]);

  // Say we stopped typing when the room closes.
  useEffect(() => () => stopTyping(), [stopTyping]);

  const trimmed = text.trim();
  const tooLong = text.length > MAX_MESSAGE_CHARS;
  const canSend = !disabled && trimmed.length > 0 && !tooLong;

  const submit = () => {
    if (!canSend) return;
    if (editing) {
      if (trimmed !== editing.content.trim()) props.onSaveEdit(editing.seq, trimmed);
      draftBeforeEdit.current = '';
      props.onCancelEdit();
      setText('');
    } else {
      props.onSend(trimmed, linkPreview.linkToSend);
      linkPreview.reset();
      setText('');
      props.onDraft?.('');
    }
    stopTyping();
    areaRef.current?.focus();
  };

  const onChange = (value: string) => {
    setText(value);
    if (editing) return;
    props.onDraft?.(value);
    if (!value.trim()) {
      stopTyping();
      return;
    }
    const now = Date.now();
    if (now - typingSentAt.current >= TYPING_RENEW_MS) {
      typingSentAt.current = now;
      typingActive.current = true;
      onTyping(true);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (mention.onKeyDown(e) || shortcode.onKeyDown(e)) return;
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      submit();
    } else if (e.key === 'Escape') {
      if (editing) {
        e.preventDefault();
        props.onCancelEdit();
      } else if (replyTo) {
        e.preventDefault();
        props.onCancelReply();
      }
    } else if (e.key === 'ArrowUp' && !e.altKey && !text && !editing && props.onEditLast) {
      e.preventDefault();
      props.onEditLast();
    }
  };

  /** Writes a picked emoji at the caret (over any selection); the caret goes after it. */
  const insertEmoji = (emoji: string) => {
    const el = areaRef.current;
    const start = el?.selectionStart ?? text.length;
    const end = el?.selectionEnd ?? text.length;
    onChange(text.slice(0, start) + emoji + text.slice(end));
    const pos = start + emoji.length;
    setCaret(pos);
    requestAnimationFrame(() => areaRef.current?.setSelectionRange(pos, pos));
  };

  const { onFiles } = props;
  const canAttach = !!onFiles && !disabled && !editing;
  const takeFiles = (list: FileList | null | undefined) => {
    const files = [...(list ?? [])];
    if (files.length && onFiles) setStaged((before) => [...before, ...files]);
    return files.length > 0;
  };
  const closeStaged = () => {
    setStaged([]);
    requestAnimationFrame(() => areaRef.current?.focus());
  };
  const dragHasFiles = (e: DragEvent) => canAttach && [...e.dataTransfer.types].includes('Files');

  return (
    <form
      className={`composer${dragging ? ' composer--drop' : ''}`}
      data-testid="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      onDragOver={(e) => {
        if (!dragHasFiles(e)) return;
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        setDragging(false);
        if (!canAttach) return;
        e.preventDefault();
        takeFiles(e.dataTransfer.files);
      }}
    >
      {(replyTo || editing) && (
        <div className="composer__context" data-testid={editing ? 'edit-bar' : 'reply-bar'}>
          {editing ? <EditIcon size={16} /> : <ReplyIcon size={16} />}
          <div className="composer__context-text">
            <strong>{editing ? 'Edit message' : `Replying to ${replyTo!.name}`}</strong>
            <span>{editing ? editing.content : replyTo!.text}</span>
          </div>
          <button
            type="button"
            className="icon-btn icon-btn--sm"
            aria-label={editing ? 'Cancel editing' : 'Cancel reply'}
            onClick={editing ? props.onCancelEdit : props.onCancelReply}
          >
            <CloseIcon size={16} />
          </button>
        </div>
      )}
      {!recording && linkPreview.draft.state !== 'none' && (
        <div className="composer__link-preview" data-testid="composer-link-preview" aria-live="polite">
          {linkPreview.draft.state === 'loading' ? (
            <span className="composer__link-preview-loading">Loading a preview of the link…</span>
          ) : (
            <LinkPreviewCard preview={linkPreview.draft.preview} testId="composer-link-preview-card" />
          )}
          <button
            type="button"
            className="icon-btn icon-btn--sm"
            aria-label="Remove link preview"
            onClick={() => {
              linkPreview.remove();
              areaRef.current?.focus();
            }}
            data-testid="remove-link-preview"
          >
            <CloseIcon size={16} />
          </button>
        </div>
      )}
      {!recording && (mention.list ?? shortcode.list)}
      {picking && !recording && (
        <Suspense fallback={null}>
          <EmojiPicker
            placement="composer"
            anchor={emojiButton}
            onPick={insertEmoji}
            onClose={() => {
              closePicker();
              areaRef.current?.focus();
            }}
          />
        </Suspense>
      )}
      {staged.length > 0 && onFiles && (
        <Suspense fallback={null}>
          <SendFilesDialog
            files={staged}
            onAdd={(more) => setStaged((before) => [...before, ...more])}
            onRemove={(index) => setStaged((before) => before.filter((_, i) => i !== index))}
            onSend={(caption) => {
              onFiles(staged, caption);
              closeStaged();
            }}
            onClose={closeStaged}
          />
        </Suspense>
      )}
      {recording && props.onVoice ? (
        <Suspense fallback={null}>
          <VoiceRecorder
            onDone={props.onVoice}
            onClose={() => {
              setRecording(false);
              // The box comes back in place of the recorder: keep the keyboard user there.
              requestAnimationFrame(() => areaRef.current?.focus());
            }}
          />
        </Suspense>
      ) : (
        <div className="composer__row">
          {canAttach && (
            <>
              <button
                type="button"
                className="icon-btn"
                aria-label="Attach files"
                onClick={() => fileRef.current?.click()}
                data-testid="attach-button"
              >
                <PaperclipIcon size={20} />
              </button>
              <FilesInput ref={fileRef} testId="attach-input" onFiles={(files) => setStaged((before) => [...before, ...files])} />
            </>
          )}
          <button
            ref={emojiButton}
            type="button"
            className="icon-btn"
            aria-label="Emoji"
            aria-haspopup="dialog"
            aria-expanded={picking}
            disabled={disabled}
            onClick={() => setPicking((p) => !p)}
            data-testid="emoji-button"
          >
            <SmileIcon size={20} />
          </button>
          <textarea
            ref={areaRef}
            className="composer__input"
            value={text}
            rows={1}
            placeholder={props.placeholder}
            aria-label={editing ? 'Edit message' : (props.label ?? 'Message')}
            data-testid="composer-input"
            onChange={(e) => {
              // `:smile:` becomes 😄 as soon as its closing colon is typed.
              onChange(e.target.value.includes(':') ? replaceShortcodes(e.target.value) : e.target.value);
              setCaret(e.target.selectionStart ?? e.target.value.length);
            }}
            onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? 0)}
            onKeyDown={onKeyDown}
            onPaste={(e) => {
              if (canAttach && e.clipboardData.files.length && takeFiles(e.clipboardData.files)) e.preventDefault();
            }}
            onBlur={stopTyping}
            disabled={disabled}
            enterKeyHint="send"
            autoComplete="off"
          />
          {canAttach && props.onVoice && !trimmed ? (
            <button type="button" className="send-btn" aria-label="Record a voice note" onClick={() => setRecording(true)} data-testid="voice-button">
              <MicIcon size={20} />
            </button>
          ) : (
            <button
              type="submit"
              className="send-btn"
              disabled={!canSend}
              aria-label={editing ? 'Save edit' : 'Send message'}
              data-testid="send-button"
            >
              {editing ? <EditIcon size={20} /> : <SendIcon size={20} />}
            </button>
          )}
        </div>
      )}
      {text.length > MAX_MESSAGE_CHARS * 0.9 && (
        <div className={`composer__count${tooLong ? ' composer__count--over' : ''}`} aria-live="polite">
          {text.length} / {MAX_MESSAGE_CHARS}
        </div>
      )}
    </form>
  );
});
