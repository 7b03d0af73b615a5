// A spinner with words, for anything the window is waiting on.
export function Loading({ text, testId }: { text: string; testId: string }) {
  return (
    <div className="loading" role="status" data-testid={testId}>
      <span className="spinner" aria-hidden="true" /> {text}
    </div>
  );
}
