// A button that asks "are you sure?" inline instead of window.confirm (which blocks, and which
// automated browsers dismiss): the first click arms it, the second (on "Yes") acts. Focus moves to
// "Yes" when armed and back to the button afterwards, so keyboard users stay where they were.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { ActionButton } from '../shell/ActionButton.tsx';

interface ConfirmButtonProps {
  testId: string;
  question: string;
  disabled?: boolean;
  className?: string;
  onConfirm: () => void;
  children: ReactNode;
}

export function ConfirmButton({ testId, question, disabled = false, className, onConfirm, children }: ConfirmButtonProps) {
  const [armed, setArmed] = useState(false);
  const returnFocus = useRef(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const yesRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (armed) yesRef.current?.focus();
    else if (returnFocus.current) {
      returnFocus.current = false;
      buttonRef.current?.focus();
    }
  }, [armed]);

  const disarm = () => {
    returnFocus.current = true;
    setArmed(false);
  };

  if (!armed) {
    return (
      <ActionButton ref={buttonRef} className={className} data-testid={testId} unavailable={disabled} onClick={() => { setArmed(true); }}>
        {children}
      </ActionButton>
    );
  }
  return (
    <span className="ide-confirm" role="group" aria-label={question} onKeyDown={(e) => { if (e.key === 'Escape') disarm(); }}>
      <span className="ide-confirm-question">{question}</span>
      <ActionButton ref={yesRef} className="ide-danger" data-testid={`${testId}-confirm`} unavailable={disabled}
        onClick={() => { disarm(); onConfirm(); }}>Yes</ActionButton>
      <button type="button" data-testid={`${testId}-cancel`} onClick={disarm}>Cancel</button>
    </span>
  );
}
