/** Reads an iCalendar text (RFC 5545) as the tests need it: unfolded lines, events and their properties. */

export interface CalendarEvent {
  /** Property name → value (the last one wins); parameters are kept under `NAME;PARAM=…` too. */
  props: Record<string, string>;
}

/** Lines unfolded (a CRLF followed by a space or tab continues the line). */
export function unfold(text: string): string[] {
  return text
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter(Boolean);
}

export function parseCalendar(text: string): {
  lines: string[];
  calendar: Record<string, string>;
  events: CalendarEvent[];
} {
  const lines = unfold(text);
  const calendar: Record<string, string> = {};
  const events: CalendarEvent[] = [];
  let current: CalendarEvent | null = null;
  let depth = 0;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') current = { props: {} };
    else if (line === 'END:VEVENT') {
      events.push(current!);
      current = null;
    } else if (line.startsWith('BEGIN:')) depth++;
    else if (line.startsWith('END:')) depth--;
    else {
      const colon = line.indexOf(':');
      const full = line.slice(0, colon);
      const value = line.slice(colon + 1);
      const name = full.split(';')[0]!;
      const target = current ? current.props : depth === 1 ? calendar : null;
      if (target) {
        target[name] = value;
        if (full !== name) target[full] = value;
      }
    }
  }
  return { lines, calendar, events };
}
