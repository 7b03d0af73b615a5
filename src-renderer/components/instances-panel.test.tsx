import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { InstancesView, type InstancesViewProps } from './instances-panel.js';

const noop = (): void => undefined;
function render(over: Partial<InstancesViewProps>): string {
  const props: InstancesViewProps = { values: { profile: '', region: '' }, errors: {}, loading: false, onChange: noop, onRefresh: noop, onConnect: noop, onDiagnose: noop, ...over };
  return renderToStaticMarkup(<InstancesView {...props} />);
}

describe('InstancesView', () => {
  it('shows a spinner with words while listing, and the Refresh button waits', () => {
    const html = render({ loading: true });
    expect(html).toContain('data-testid="instances-loading"');
    expect(html).toContain('Listing instances…');
    expect(html).toMatch(/<button[^>]*disabled=""[^>]*data-testid="instances-refresh"/);
  });

  it('lists instances by name with state, SSM ping, agent, Connect… and Diagnose', () => {
    const html = render({
      instances: [
        { instance_id: 'i-0bbbbbbbbbbbbbbb2', name: 'batch', state: 'stopped', ssm_ping: 'ConnectionLost', agent_version: '3.3.40.0' },
        { instance_id: 'i-0aaaaaaaaaaaaaaa1', name: 'api', state: 'running', ssm_ping: 'Online', agent_version: '3.3.987.0', private_ip: '10.0.1.5' },
        { instance_id: 'i-0ccccccccccccccc3', state: 'running' },
      ],
    });
    expect(html.indexOf('instance-row-i-0aaaaaaaaaaaaaaa1')).toBeLessThan(html.indexOf('instance-row-i-0bbbbbbbbbbbbbbb2'));
    expect(html.indexOf('instance-row-i-0bbbbbbbbbbbbbbb2')).toBeLessThan(html.indexOf('instance-row-i-0ccccccccccccccc3'));
    expect(html).toContain('class="pill tone-ok" data-testid="instance-state" data-value="running"');
    expect(html).toContain('data-testid="instance-ping" data-value="Online"');
    expect(html).toContain('data-value="ConnectionLost">ConnectionLost<');
    expect(html).toContain('not managed');
    expect(html).toContain('3.3.987.0');
    expect(html).toContain('10.0.1.5');
    expect(html).toMatch(/data-testid="instance-connect-i-0aaaaaaaaaaaaaaa1"[^>]*>Connect…</);
    expect(html).toMatch(/data-testid="instance-diagnose-i-0aaaaaaaaaaaaaaa1"[^>]*>Diagnose</);
  });

  it('shows field errors, the call error, an empty list and the last connect', () => {
    const html = render({ errors: { region: 'a region like eu-west-1' }, error: 'AwsAccessDenied', instances: [], flash: { tone: 'warn', text: 'web: reconnecting' } });
    expect(html).toContain('data-testid="instances-error-region"');
    expect(html).toContain('data-testid="instances-error"');
    expect(html).toContain('data-testid="instances-empty"');
    expect(html).toMatch(/data-testid="connect-result" data-tone="warn">web: reconnecting</);
  });
});
