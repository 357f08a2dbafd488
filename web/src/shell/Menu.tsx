// A disclosure menu: a button that opens a list of links/buttons; Escape, outside clicks and
// choosing an item close it.
import { useEffect, useId, useRef, useState, type ReactNode } from 'react';

interface Props {
  label: ReactNode;
  /** Accessible name when `label` is not plain text. */
  ariaLabel?: string;
  testId: string;
  align?: 'left' | 'right';
  children: (close: () => void) => ReactNode;
}

export function Menu({ label, ariaLabel, testId, align = 'left', children }: Props) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const id = useId();

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent): void => {
      if (root.current && e.target instanceof Node && !root.current.contains(e.target)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') {
        setOpen(false);
        button.current?.focus();
      }
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="menu" ref={root}>
      <button ref={button} type="button" className="menu-button" aria-expanded={open} aria-controls={id}
        {...(ariaLabel !== undefined ? { 'aria-label': ariaLabel } : {})}
        data-testid={testId} onClick={() => { setOpen((o) => !o); }}>
        {label} <span aria-hidden="true">▾</span>
      </button>
      {open && (
        <div id={id} className={`menu-popup ${align === 'right' ? 'menu-right' : ''}`} data-testid={`${testId}-popup`}>
          {children(() => { setOpen(false); })}
        </div>
      )}
    </div>
  );
}
