/** Each lifecycle phase as a status indicator type: the phase's name is always written next to it. */
import type { StatusIndicatorProps } from '@cloudscape-design/components/status-indicator';
import type { LifecyclePhase } from './product-timeline.tsx';

export const PHASE_STATUS: Record<LifecyclePhase, StatusIndicatorProps.Type> = {
  GA: 'success',
  EOL: 'info',
  PARTIAL_SUPPORT: 'warning',
  END_OF_SUPPORT: 'stopped',
};
