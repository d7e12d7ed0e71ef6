/**
 * The `patched()` ids a recorded history carries: each is a `core_patch` marker whose
 * patch-data payload is `{"id": …, "deprecated": …}` (base64 JSON in the exported format).
 */
interface MarkerEvent {
  markerRecordedEventAttributes?: {
    markerName?: string;
    details?: Record<string, { payloads?: Array<{ data?: string }> }>;
  };
}

export function patchIds(historyJson: unknown): string[] {
  const events = (historyJson as { events?: MarkerEvent[] }).events ?? [];
  const ids = new Set<string>();
  for (const event of events) {
    const marker = event.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_patch') continue;
    const data = marker.details?.['patch-data']?.payloads?.[0]?.data;
    if (data === undefined) throw new Error('a core_patch marker without patch-data');
    ids.add((JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as { id: string }).id);
  }
  return [...ids].sort();
}
