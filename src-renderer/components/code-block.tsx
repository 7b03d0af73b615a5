// Commands or a policy document to paste elsewhere: a monospace block with a Copy button.
import { useState } from 'react';

export function CodeBlock({ text, testId, label }: { text: string; testId: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // no clipboard (insecure context): the text stays selectable
    }
  };
  return (
    <div className="code-block" data-testid={testId}>
      <div className="code-head">
        {label && <span className="note">{label}</span>}
        <button type="button" className="small ghost" onClick={() => void copy()} data-testid={`${testId}-copy`}>
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <pre className="mono">
        <code>{text}</code>
      </pre>
    </div>
  );
}
