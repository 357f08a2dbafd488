// A button that stays focusable while it cannot act (a request is running, or what it needs is not
// filled in yet): `aria-disabled` instead of `disabled`, which would drop keyboard focus to the
// page, and clicks (and, for a submit button, form submission through it) are ignored meanwhile.
// Forms whose submit button is one of these must also ignore Enter in a field while busy.
import type { ComponentPropsWithRef } from 'react';

export type ActionButtonProps = Omit<ComponentPropsWithRef<'button'>, 'disabled' | 'type'> & {
  /** True while the button must not act: it looks disabled and ignores clicks, but keeps focus. */
  unavailable?: boolean;
  submit?: boolean;
  'data-testid'?: string;
};

export function ActionButton({ unavailable = false, submit = false, onClick, ...rest }: ActionButtonProps) {
  return (
    <button {...rest} type={submit ? 'submit' : 'button'} aria-disabled={unavailable}
      onClick={(e) => {
        if (unavailable) {
          e.preventDefault();
          return;
        }
        onClick?.(e);
      }} />
  );
}
