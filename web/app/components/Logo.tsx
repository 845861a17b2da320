export function Logo({ withText = true }: { withText?: boolean }) {
  return (
    <span className="logo">
      <svg width="32" height="32" viewBox="0 0 32 32" aria-hidden="true" focusable="false">
        <rect width="32" height="32" rx="9" className="logo__bg" />
        <path d="M9 11.5A3.5 3.5 0 0 1 12.5 8h7A3.5 3.5 0 0 1 23 11.5v5a3.5 3.5 0 0 1-3.5 3.5H15l-4.2 3.4c-.5.4-1.8.2-1.8-.6Z" className="logo__fg" />
      </svg>
      {withText && <span className="logo__text">edge-chat</span>}
    </span>
  );
}
