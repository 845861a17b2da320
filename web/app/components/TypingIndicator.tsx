/** "Alice is typing…": the list expires by itself (see useTyping). */
interface Props {
  names: string[];
}

export function TypingIndicator({ names }: Props) {
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? `${names[0]} is typing…`
        : names.length === 2
          ? `${names[0]} and ${names[1]} are typing…`
          : `${names.length} people are typing…`;
  return (
    <div className="typing-slot" aria-live="polite">
      {names.length > 0 && (
        <div className="typing" data-testid="typing-indicator">
          <span className="typing__dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          <span>{text}</span>
        </div>
      )}
    </div>
  );
}
