// Byte counts in binary units: the one scaling both the CLI and the window display.

export const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** 1536 → { value: 1.5, unit: 1 } (KiB). `n` must be finite and ≥ 0. */
export function scaleBytes(n: number): { value: number; unit: number } {
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return { value, unit };
}
