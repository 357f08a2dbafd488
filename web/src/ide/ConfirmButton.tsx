// A button that asks "are you sure?" inline instead of window.confirm (which blocks, and which
// automated browsers dismiss): the first click arms it, the second (on "Yes") acts.
import { useState, type ReactNode } from 'react';

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
  if (!armed) {
    return (
      <button type="button" className={className} data-testid={testId} disabled={disabled} onClick={() => { setArmed(true); }}>
        {children}
      </button>
    );
  }
  return (
    <span className="ide-confirm" role="group" aria-label={question}>
      <span className="ide-confirm-question">{question}</span>
      <button type="button" className="ide-danger" data-testid={`${testId}-confirm`} disabled={disabled}
        onClick={() => { setArmed(false); onConfirm(); }}>Yes</button>
      <button type="button" data-testid={`${testId}-cancel`} onClick={() => { setArmed(false); }}>Cancel</button>
    </span>
  );
}
