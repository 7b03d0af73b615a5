// A labelled form field with its error (or a hint) under it; every form uses it.
import type { ReactNode } from 'react';

export function Field(props: { label: string; errorTestId: string; error: string | undefined; children: ReactNode; hint?: string | undefined }) {
  return (
    <label className={`field ${props.error ? 'has-error' : ''}`}>
      <span className="label">{props.label}</span>
      {props.children}
      {props.error ? (
        <span className="field-error" data-testid={props.errorTestId}>
          {props.error}
        </span>
      ) : (
        props.hint && <span className="hint">{props.hint}</span>
      )}
    </label>
  );
}
