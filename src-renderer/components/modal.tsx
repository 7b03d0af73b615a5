// A small dialog shell: backdrop, title, Escape closes. Every prompt and form uses it.
import { useEffect, type ReactNode } from 'react';

export function Modal(props: { title: string; testId: string; onClose(): void; children: ReactNode; tone?: 'normal' | 'danger'; wide?: boolean }) {
  const { onClose } = props;
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);
  return (
    <div className="backdrop">
      <div className={`modal ${props.tone === 'danger' ? 'modal-danger' : ''} ${props.wide ? 'modal-wide' : ''}`} role="dialog" aria-modal="true" aria-label={props.title} data-testid={props.testId}>
        <h2>{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}
