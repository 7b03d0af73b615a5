import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { TunnelForm } from './tunnel-form.js';

describe('TunnelForm', () => {
  it('asks for router, source, bind, protocol, an optional name and an optional router key pin', () => {
    const html = renderToStaticMarkup(<TunnelForm onStart={() => Promise.resolve('x')} onClose={() => undefined} />);
    for (const id of ['tunnel-router', 'tunnel-source', 'tunnel-bind', 'tunnel-protocol', 'tunnel-name', 'tunnel-router-key', 'tunnel-submit'])
      expect(html).toContain(`data-testid="${id}"`);
    expect(html).toContain('<option value="udp">udp</option>');
    expect(html).not.toContain('tunnel-form-error');
  });
});
