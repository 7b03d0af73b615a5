// One warning or remark, colored by how much it matters.
import type { Note } from '../state/routers-model.js';

export function NoteLine({ note, testId }: { note: Note; testId: string }) {
  return (
    <div className={`note-line tone-${note.tone}`} role={note.tone === 'bad' || note.tone === 'warn' ? 'alert' : undefined} data-testid={testId} data-tone={note.tone}>
      {note.text}
    </div>
  );
}
