import * as React from "react";
import { Pill, PillSize, PillVariant } from "azure-devops-ui/Pill";
import type { IColor } from "azure-devops-ui/Utilities/Color";
import type { Subscription } from "azure-devops-extension-api/ServiceHooks";
import { describeStatus, type StatusTone } from "../model/status";

const toneColors: Record<StatusTone, IColor> = {
  success: { red: 85, green: 163, blue: 98 },
  warning: { red: 214, green: 127, blue: 60 },
  failed: { red: 205, green: 74, blue: 69 },
  neutral: { red: 134, green: 134, blue: 134 },
};

/** A table column just wide enough for the longest pill ("Disabled: inactive owner"), which never wraps. */
export const STATUS_COLUMN_WIDTH = 164;

export function StatusPill(props: { subscription: Subscription }): JSX.Element {
  const status = describeStatus(props.subscription);
  return (
    <Pill size={PillSize.compact} variant={PillVariant.colored} color={toneColors[status.tone]} className={`hr-status hr-status-${status.tone}`}>
      {status.label}
    </Pill>
  );
}
